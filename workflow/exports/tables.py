"""The tables the exports write: a title, the column headers and the rows, read in batches so
that a list of 10,000 evaluations is streamed, never held in memory at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

import roles
from workflow.accounts.models import Unit, User
from workflow.kernel import clock
from workflow.kernel.access import get_visible
from workflow.kernel.audit import EVENTS, AuditEvent
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.models import EVALUATION_KINDS, Evaluation
from workflow.lifecycle.states import STATES
from workflow.portfolio import queries as portfolio
from workflow.rectifications import queries as rectification_queries
from workflow.rectifications.models import MOVE_EVENTS, RECTIFICATION_STATUSES, Rectification
from workflow.reports.models import PROBLEM_KINDS
from workflow.scoring.models import ScoreFinalization

BATCH = 500  # rows read per round trip while streaming
MAX_ROWS = 100_000  # no export is longer: a bound on the work one request may do


@dataclass
class Table:
    """One sheet: its title (the sheet's and the file's name), headers and rows."""

    title: str
    headers: list[str]
    rows: Iterator[list[Any]]


def _local(ts) -> str:
    local = clock.to_local(ts)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def evaluation_list(session: Session, user: User, **filters: Any) -> Table:
    """评价列表 as the list page filters and sorts it, every page, with 总分 and 等级."""
    statement = evaluations.list_statement(user, **filters)
    statement = statement.add_columns(ScoreFinalization.total, ScoreFinalization.grade).outerjoin(
        ScoreFinalization, ScoreFinalization.evaluation_id == Evaluation.id
    )
    headers = ["编号", "项目名称", "预算单位", "年度", "评价类型", "当前阶段", "轮次", "完成期限"]
    headers += ["预算（万元）", "实际支出（万元）", "总分", "等级", "创建时间"]

    def rows() -> Iterator[list[Any]]:
        result = session.execute(statement.limit(MAX_ROWS).execution_options(yield_per=BATCH))
        for e, total, grade in result:
            yield [
                e.id,
                e.project_name,
                e.unit.name,
                e.year,
                EVALUATION_KINDS.get(e.kind, e.kind),
                STATES[e.state],
                e.round,
                e.due_date,
                e.budget,
                e.funds_spent,
                total,
                grade or "",
                _local(e.created_at),
            ]

    return Table("评价列表", headers, rows())


def audit_trail(
    session: Session,
    user: User,
    evaluation_id: int,
    filters: evaluations.AuditFilter = evaluations.ALL_EVENTS,
) -> Table:
    """An evaluation's 审计记录, oldest first; `filters` as the list shown (事件类型, 操作人)."""
    evaluation = get_visible(session, user, evaluation_id)
    statement = (
        filters.apply(select(AuditEvent).where(AuditEvent.evaluation_id == evaluation.id))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id)
        .limit(MAX_ROWS)
    )
    headers = ["时间", "事项", "从阶段", "到阶段", "操作人", "角色", "轮次", "说明", "来源地址"]

    def rows() -> Iterator[list[Any]]:
        for event in session.scalars(statement.execution_options(yield_per=BATCH)):
            yield [
                _local(event.at),
                EVENTS.get(event.action, event.action),
                STATES.get(event.from_state or "", ""),
                STATES.get(event.to_state or "", ""),
                event.actor.display_name if event.actor else "系统",
                roles.ROLE_LABELS.get(event.actor_role, event.actor_role),
                event.round,
                event.comment,
                event.client_addr or "",
            ]

    return Table(f"审计记录-{evaluation.project_name}", headers, rows())


def portfolio_figures(session: Session, user: User, filters: portfolio.Filters) -> Table:
    """评价概览 as one table: each figure a row (阶段, 等级, 类型, 分数段, 逾期)."""
    figures = portfolio.portfolio(session, user, filters)
    lines: list[list[Any]] = [["评价总数", "", figures.total]]
    lines += [["阶段", label, figures.by_state.get(key, 0)] for key, label in STATES.items()]
    lines += [["等级", title, n] for title, n in figures.by_grade.items()]
    lines += [
        ["评价类型", label, figures.by_kind.get(key, 0)] for key, label in EVALUATION_KINDS.items()
    ]
    lines += [["总分分段", f"{b['from']}–{b['to']}", b["count"]] for b in figures.histogram]
    lines += [["逾期", "", figures.overdue_total]]
    lines += [
        ["停留最久", f"{w.project_name}（{w.unit_name}，{STATES[w.state]}）", w.days]
        for w in figures.stuck
    ]
    return Table("评价概览", ["统计项", "分类", "数量（项）/天数"], iter(lines))


def _last_move(move: str):
    """When an item last made `move` (验收通过, 退回重新整改): read from the audit trail, which is
    the item's history (`workflow.rectifications.queries.history_of`), by its evaluation."""
    return (
        select(func.max(AuditEvent.at))
        .where(
            AuditEvent.evaluation_id == Rectification.evaluation_id,
            AuditEvent.action == MOVE_EVENTS[move],
            AuditEvent.details["rectification_id"].as_integer() == Rectification.id,
        )
        .scalar_subquery()
    )


def rectification_list(
    session: Session, user: User, filters: rectification_queries.Filters
) -> Table:
    """整改事项 as the list shows them (the same visibility, filters and order), every page:
    单位, 项目, 年度, 问题, 整改措施, 责任人, 整改期限, 状态, 逾期, 整改说明, 验收 and 退回."""
    owner = User.__table__.alias("owner")
    overdue = rectification_queries.overdue_condition(clock.today_local())
    item = Rectification
    # Plain columns, not the items: rows streamed in batches, no ORM object per row.
    statement = rectification_queries.list_statement(
        user,
        filters,
        item.id,
        Unit.name.label("unit_name"),
        Evaluation.project_name,
        Evaluation.year,
        item.kind,
        item.problem,
        item.measure,
        item.due_date,
        item.status,
        item.note,
        item.reason,
        # 责任人 as `Rectification.owner_name`: the user's name, else the name written
        func.coalesce(owner.c.display_name, item.owner_text).label("owner_name"),
        case((overdue, 1), else_=0).label("overdue"),
        _last_move("accept").label("accepted_at"),
        _last_move("reopen").label("reopened_at"),
    )
    statement = statement.join(Unit, Unit.id == Evaluation.unit_id).outerjoin(
        owner, owner.c.id == item.owner_id
    )
    headers = ["编号", "预算单位", "评价项目", "年度", "类别", "问题", "整改措施"]
    headers += ["责任人", "整改期限", "状态", "是否逾期", "整改说明", "退回理由"]
    headers += ["验收时间", "退回重新整改时间"]

    def rows() -> Iterator[list[Any]]:
        result = session.execute(statement.limit(MAX_ROWS).execution_options(yield_per=BATCH))
        for row in result:
            yield [
                row.id,
                row.unit_name,
                row.project_name,
                row.year,
                PROBLEM_KINDS.get(row.kind, row.kind),
                row.problem,
                row.measure,
                row.owner_name or "",
                row.due_date,
                RECTIFICATION_STATUSES.get(row.status, row.status),
                "是" if row.overdue else "否",
                row.note,
                row.reason,
                _local(row.accepted_at),
                _local(row.reopened_at),
            ]

    return Table("整改事项", headers, rows())
