"""审计记录 (the audit trail): the append-only AuditEvent table, the events it records with
their labels (`EVENTS`), and `audit()`, the one way an event is written, in the caller's
transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.base import Base
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import ACTIONS

#: Every event the audit trail records → the label its timeline shows (审计记录). `audit_row`
#: refuses any other name, so no event is written without a label.
EVENTS: dict[str, str] = {
    # workflow.lifecycle.operations: the lifecycle's actions (推进, 审核通过 …), then the others
    **ACTIONS,
    "create": "创建评价",
    "project_updated": "修改项目信息",
    "group_changed": "调整工作组",
    # workflow.reminders.deadlines
    "stage_deadlines_set": "设置阶段期限",
    # workflow.documents.operations
    "document_uploaded": "上传文件",
    "document_deleted": "删除文件",
    "document_replaced": "替换文件",
    "document_recategorised": "修改文件类别",
    # workflow.indicators.operations
    "indicators_replaced": "设置评价指标体系",
    "indicators_from_template": "从模板复制指标体系",
    "indicators_from_evaluation": "复制其他评价（上年）的指标体系",
    "indicators_imported": "从 Excel 导入指标体系",
    # workflow.scoring.operations
    "indicator_scored": "指标打分",
    "scores_finalized": "评分定稿",
    "scores_unlocked": "解除评分定稿",
    # workflow.tasks.operations
    "task_created": "分派任务",
    "task_claimed": "领取任务",
    "task_transferred": "转交任务",
    "task_completed": "完成任务",
    "task_reopened": "重新打开任务",
    "task_section_set": "指定报告章节",
    # workflow.reports.operations
    "report_drafted": "生成报告初稿",
    "report_section_saved": "修改报告章节",
    "report_section_regenerated": "按最新数据重新生成报告章节",
    "report_problem_added": "添加问题或建议",
    "report_problem_updated": "修改问题或建议",
    "report_problem_deleted": "删除问题或建议",
    "report_commented": "提出审核意见",
    # workflow.results.operations
    "result_decided": "确定结果应用",
    "result_published": "公开评价结果",
    "result_unpublished": "取消公开评价结果",
    # workflow.rectifications.operations: 整改事项 (details name the item: rectification_id)
    "rectification_updated": "修改整改事项",
    "rectification_evidence_added": "上传整改佐证材料",
    "rectification_started": "开始整改",
    "rectification_finished": "整改完成",
    "rectification_accepted": "整改验收通过",
    "rectification_reopened": "整改退回重新整改",
    # workflow.campaigns.operations
    "campaign_dispatched": "财政局下达自评任务",
    "campaign_reminded": "财政局催办自评任务",
    "report_signed": "生成签发报告文件",
    "report_render_failed": "签发报告文件生成失败",
}


class AuditEvent(Base):
    """审计记录: append-only (the migration adds triggers that refuse UPDATE and DELETE)."""

    __tablename__ = "audit_events"
    # An evaluation's trail a page at a time, newest first: read in index order.
    __table_args__ = (
        Index("ix_audit_events_evaluation_id_id", "evaluation_id", "id"),
        # 我的已办: what one person did, newest first.
        Index("ix_audit_events_actor_id_id", "actor_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    comment: Mapped[str] = mapped_column(Text, default="")
    round: Mapped[int] = mapped_column(Integer)
    client_addr: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()
    evaluation: Mapped[Evaluation] = relationship()


def audit(
    session: Session,
    evaluation: Evaluation,
    actor: User | None,
    action: str,
    **event: Any,
) -> None:
    """Append one audit event (审计记录) to the evaluation's timeline, in the caller's transaction.

    A plain INSERT, not an ORM object: events are never changed. `event` takes the keywords
    of `audit_row`.
    """
    session.connection().execute(_INSERT_AUDIT, audit_row(evaluation, actor, action, **event))


def audit_row(
    evaluation: Evaluation,
    actor: User | None,
    action: str,
    *,
    role: str = "",
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    client_addr: str | None = None,
    details: dict[str, Any] | None = None,
    round_: int | None = None,
) -> dict[str, Any]:
    """The audit event's columns: who, in which role, when, what, from → to, why, which round.

    `action` must be one of `EVENTS`: a name without a label is a mistake, refused here."""
    if action not in EVENTS:
        raise ValueError(f"unknown audit event {action!r}: add it, with its label, to EVENTS")
    return {
        "evaluation_id": evaluation.id,
        "action": action,
        "from_state": from_state or evaluation.state,
        "to_state": to_state or evaluation.state,
        "actor_id": actor.id if actor else None,
        "actor_role": role,
        "at": clock.now(),
        "comment": comment,
        "round": round_ or evaluation.round,
        "client_addr": client_addr,
        "details": details,
    }


# Built once: statement construction is a large part of an action's cost.
_INSERT_AUDIT = insert(AuditEvent.__table__)
