"""Bring an evaluation through the real stages to 报告撰写 (the report tests' factory)."""

from __future__ import annotations

import io
from dataclasses import replace

from conftest import make_ready_to_advance

from workflow.documents import operations as documents
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.models import Evaluation
from workflow.reports import operations as reports
from workflow.reports import page as report_page
from workflow.scoring import operations as scoring

TARGETS = (
    "建成1个市级视频云共享平台、1个综治分平台和9个县级分平台，新建行政村高清监控点2100路，"
    "实现公共安全视频监控全域覆盖、全网共享。"
)
EXPERIENCE = "项目前期充分论证，绩效目标与建设内容相匹配；执行中动态监控绩效目标完成情况。"


def to_reporting(session, team, store, kind: str = "department") -> Evaluation:
    """Work plan, indicators, full scores (预算执行率 from the amounts), then `reporting`.

    A department evaluation uses the 雪亮工程 template (项目过程 20 / 产出 40 / 效果 40), a
    self-evaluation the 单位自评 one."""
    template = "unit_self" if kind == "unit_self" else "xueliang"
    leader = team.leader
    evaluation = team.evaluation
    fields = lifecycle.ProjectFields(
        project_name=evaluation.project_name,
        year=evaluation.year,
        kind=kind,
        budget=evaluation.budget,
        funds_received=evaluation.funds_received,
        funds_spent=evaluation.funds_spent,
        due_date=evaluation.due_date,
        targets=TARGETS,
    )
    lifecycle.update_project(session, leader, evaluation.id, replace(fields))
    documents.add_document(
        session,
        leader,
        evaluation.id,
        "work_plan",
        "评价工作方案.txt",
        io.BytesIO("评价工作方案".encode()),
        store,
    )
    for _ in range(3):
        make_ready_to_advance(session, evaluation.id, template)
        lifecycle.perform(session, leader, evaluation.id, "advance")
    evaluation = session.get(Evaluation, evaluation.id)
    session.refresh(evaluation)
    assert evaluation.state == "reporting"
    return evaluation


def complete_report(session, team, evaluation) -> None:
    """Fill what the draft leaves to the group, and give every problem a measure."""
    view = report_page.report_view(session, team.leader, evaluation.id)
    bodies = {s["key"]: s for s in view["sections"]}
    reports.save_section(
        session,
        team.leader,
        evaluation.id,
        "experience",
        EXPERIENCE,
        bodies["experience"]["version"],
    )
    if not any(p["kind"] == "problem" for p in view["problems"]):
        reports.add_problem(
            session,
            team.leader,
            evaluation.id,
            reports.ProblemSpec(
                problem="资金支付进度较慢",
                cause="委务会未及时召开",
                measure="建立支付台账，按月调度",
                owner="刘向东",
            ),
        )
    if not any(p["kind"] == "suggestion" for p in view["problems"]):
        reports.add_problem(
            session,
            team.leader,
            evaluation.id,
            reports.ProblemSpec(problem="加强绩效管理业务培训", kind="suggestion"),
        )


RETURN_REASON = "群众满意度调查样本不足，请重新调查后修改第五部分"


def return_then_archive(session, team, evaluation, store, reason: str = RETURN_REASON) -> None:
    """提交, the 组长's approval, a 副组长's 退回 to 报告撰写 (round 1), then 提交 again and every
    approval and the 财政局's: 已归档 in round 2."""
    leader, deputy = team.leader, team.deputies[0]
    lifecycle.perform(session, leader, evaluation.id, "advance")
    lifecycle.perform(session, leader, evaluation.id, "approve", comment="同意")
    lifecycle.perform(session, deputy, evaluation.id, "return", comment=reason, to="reporting")
    lifecycle.perform(session, leader, evaluation.id, "advance")
    for approver in team.approvers:
        lifecycle.perform(session, approver, evaluation.id, "approve", comment="同意")
    lifecycle.perform(
        session, team.reviewer, evaluation.id, "approve", comment="同意归档", files=store
    )


def rescore_after_return(session, team, store) -> Evaluation:
    """Reported once, returned to 分析评价, 3.3.1 群众满意度 re-surveyed (300 questionnaires,
    still above the 90 % target: the same full score, a new 完成值), back in 报告撰写."""
    evaluation = to_reporting(session, team, store)
    complete_report(session, team, evaluation)
    lifecycle.perform(session, team.leader, evaluation.id, "advance")
    lifecycle.perform(
        session, team.deputies[0], evaluation.id, "return", to="analysis", comment="满意度重新调查"
    )
    survey = scoring.ScoreEntry({"respondents": 300, "satisfied": 290})
    scoring.score_leaf(session, team.leader, evaluation.id, "3.3.1", survey)
    scoring.finalize_scores(session, team.leader, evaluation.id)
    lifecycle.perform(session, team.leader, evaluation.id, "advance")
    return evaluation
