"""A real-shaped 项目支出绩效自评表 for the tests: a county school's 2022 义务教育营养改善计划
(387,664.62 元 budgeted, 9 leaves, the funds scored by 预算执行率), built through the services."""

from __future__ import annotations

from decimal import Decimal

from conftest import Team, put_in_state

from workflow.indicators import operations as indicator_tree
from workflow.lifecycle import operations as evaluations
from workflow.lifecycle.funds import FundSource
from workflow.scoring import operations as scoring


def leaf(code, name, weight, rule, target="", unit="", direction="positive") -> dict:
    return {"code": code, "name": name, "weight": weight, "rule": rule, "target": target,
            "unit": unit, "direction": direction}  # fmt: skip


def branch(code, name, *children) -> dict:
    return {"code": code, "name": name, "children": list(children)}


COMPLETION, TIERED, MANUAL = {"type": "completion"}, {"type": "tiered"}, {"type": "manual"}
# fmt: off
SCHOOL_TREE = [
    branch("1", "产出指标",
           branch("1.1", "数量指标",
                  leaf("1.1.1", "受益学生人次", "15", COMPLETION, "700", "人次"),
                  leaf("1.1.2", "供餐天数", "10", COMPLETION, "190", "天", "equal")),
           branch("1.2", "质量指标",
                  leaf("1.2.1", "营养餐合格率", "10", COMPLETION, "98", "%")),
           branch("1.3", "时效指标",
                  leaf("1.3.1", "资金拨付及时性", "5", TIERED, "及时")),
           branch("1.4", "成本指标",
                  leaf("1.4.1", "生均每天补助", "10", COMPLETION, "5", "元", "negative"))),
    branch("2", "效益指标",
           branch("2.1", "社会效益指标",
                  leaf("2.1.1", "学生营养健康状况", "15", TIERED, "有所改善")),
           branch("2.2", "可持续影响指标",
                  leaf("2.2.1", "供餐长效机制", "15", MANUAL, "建立"))),
    branch("3", "满意度指标",
           branch("3.1", "服务对象满意度指标",
                  leaf("3.1.1", "学生家长满意度", "10", COMPLETION, "90", "%"))),
    branch("4", "预算执行率",
           branch("4.1", "预算执行",
                  leaf("4.1.1", "预算执行率", "10", {"type": "rate", "measure": "budget_execution"},
                       "100", "%"))),
]
# The scorer's inputs: (inputs, 扣分理由, 偏差原因分析及改进措施).
SCHOOL_SCORES = {
    "1.1.1": ({"actual": "735"}, "", ""),
    "1.1.2": ({"actual": "190"}, "", ""),
    "1.2.1": ({"actual": "98"}, "", ""),
    "1.3.1": ({"band": "met", "value": "5", "actual": "及时"}, "", ""),
    "1.4.1": ({"actual": "5"}, "", ""),
    "2.1.1": ({"band": "met", "value": "13", "actual": "有效"}, "个别学生偏食", "加强营养宣传"),
    "2.2.1": ({"score": "13", "actual": "已建立"}, "制度尚待完善", "完善供餐管理制度"),
    "3.1.1": ({"actual": "95"}, "", ""),
    "4.1.1": ({}, "未全部支出", "加快支出进度"),
}
# fmt: on


def school_evaluation(make, session) -> Team:
    """The school's 单位自评 in 分析评价 with SCHOOL_TREE, not yet scored."""
    team = Team(make)
    evaluations.update_project(
        session,
        team.leader,
        team.evaluation.id,
        evaluations.ProjectFields(
            project_name="2022年义务教育营养改善计划",
            year=2022,
            kind="unit_self",
            competent_department="和平县教育局",
            initial_budget=Decimal("38.766462"),
            budget=Decimal("38.766462"),
            funds_received=Decimal("38.766462"),
            funds_spent=Decimal("38.7"),
            fund_sources=[
                FundSource("fiscal", Decimal("30"), Decimal("30"), Decimal("29.933538")),
                FundSource(
                    "carryover", Decimal("8.766462"), Decimal("8.766462"), Decimal("8.766462")
                ),
            ],
            targets="保障农村义务教育学生在校就餐，改善学生营养健康状况。",
            targets_achieved="全年供餐190天，受益学生735人次，学生营养状况有所改善。",
        ),
    )
    put_in_state(session, team.evaluation, "implementation")
    indicator_tree.replace_indicators(session, team.leader, team.evaluation.id, SCHOOL_TREE)
    team.evaluation = put_in_state(session, team.evaluation, "analysis")
    return team


def score_school(session, team) -> None:
    for code, (inputs, reason, note) in SCHOOL_SCORES.items():
        entry = scoring.ScoreEntry(inputs, reason=reason, deviation_note=note)
        scoring.score_leaf(session, team.leader, team.evaluation.id, code, entry)
