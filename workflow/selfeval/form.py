"""The 项目支出绩效自评表 of an evaluation, as one typed read model.

Built from what is already stored: the project facts and funds by source, the 年度总体目标 with
its 实际完成情况, and the 评分表. As the national form has it, the leaf scored by 预算执行率 is the
funds block's 分值/执行率/得分 (10 points), not a row of the 绩效指标 table (the other 90).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.accounts.models import User
from workflow.indicators.models import Indicator
from workflow.kernel.access import get_visible
from workflow.lifecycle.funds import FUND_SOURCES, FundSource, sources_of
from workflow.lifecycle.models import Evaluation
from workflow.scoring.rules import PERCENT_RULES, QUALITATIVE, ScorecardNode, percentage
from workflow.scoring.scorecard import scorecard_of

#: 预算执行率: the measure whose leaf is the funds block's score.
FUNDS_MEASURE = "budget_execution"
TITLE = "项目支出绩效自评表"
#: The 项目资金 rows below 年度资金总额, as the form words them ("其中：当年财政拨款", …).
SOURCE_LABELS = {
    key: ("其中：" if index == 0 else "") + label
    for index, (key, label) in enumerate(FUND_SOURCES.items())
}
#: The signature lines at the foot of the form.
SIGNATURES = ("项目负责人", "财务负责人", "单位负责人")


@dataclass(frozen=True)
class FundsBlock:
    """项目资金（万元）: 年度资金总额 and its sources; 执行率 = 全年执行数 / 全年预算数."""

    initial_budget: Decimal | None
    budget: Decimal | None
    spent: Decimal | None
    rate: Decimal | None  # in %
    weight: Decimal | None  # 分值 of the 预算执行率 leaf (10 on the national form)
    score: Decimal | None
    sources: tuple[FundSource, ...]


@dataclass(frozen=True)
class FormIndicator:
    """One row of 绩效指标: 一级/二级/三级指标, 指标性质 and 年度指标值, 实际完成值, 分值, 得分,
    偏差原因分析及改进措施."""

    level1: str
    level2: str
    name: str
    nature: str  # ≥ ≤ = 定性
    target: str
    unit: str
    actual: str  # the number without its unit ("735"), or a 定性 leaf's text ("有效")
    actual_shown: str  # with its unit ("735人次")
    weight: Decimal
    score: Decimal | None
    deviation_note: str
    not_applicable: bool = False

    @property
    def target_shown(self) -> str:
        """年度指标值 with its 指标性质 and 度量单位: "≥700人次", "=190天", "定性：及时"."""
        if self.nature == QUALITATIVE:
            return f"{QUALITATIVE}：{self.target}" if self.target else QUALITATIVE
        return f"{self.nature}{self.target}{self.unit}"

    @property
    def actual_cell(self) -> str:
        """实际完成值 as the form prints it."""
        return "不适用" if self.not_applicable else self.actual_shown


@dataclass(frozen=True)
class SelfEvaluationForm:
    """项目支出绩效自评表: header, 项目资金, 年度总体目标, 绩效指标, 总分 and 等级."""

    evaluation_id: int
    project_name: str
    competent_department: str
    unit_name: str
    year: int
    funds: FundsBlock
    targets: str
    targets_achieved: str
    indicators: tuple[FormIndicator, ...]
    total: Decimal | None
    grade: str | None
    signatures: tuple[str, ...] = SIGNATURES


def get_self_evaluation(session: Session, actor: User, evaluation_id: int) -> SelfEvaluationForm:
    """The 自评表 of an evaluation the actor may see."""
    return self_evaluation_of(session, get_visible(session, actor, evaluation_id))


def self_evaluation_of(session: Session, evaluation: Evaluation) -> SelfEvaluationForm:
    card = scorecard_of(session, evaluation)
    funds_codes = _funds_leaf_codes(session, evaluation)
    rows = [
        (level1, level2, leaf)
        for level1 in card.levels
        for level2 in level1.children
        for leaf in (level2.children or (level2,))
    ]
    funds_leaf = next((leaf for _, _, leaf in rows if leaf.code in funds_codes), None)
    indicators = tuple(
        _indicator(level1, level2, leaf) for level1, level2, leaf in rows if leaf is not funds_leaf
    )
    return SelfEvaluationForm(
        evaluation_id=evaluation.id,
        project_name=evaluation.project_name,
        competent_department=evaluation.competent_department,
        unit_name=evaluation.unit.name,
        year=evaluation.year,
        funds=_funds(evaluation, funds_leaf),
        targets=evaluation.targets,
        targets_achieved=evaluation.targets_achieved,
        indicators=indicators,
        # 总分 and 等级 once every leaf is scored (or 不适用): a form is never graded half-done
        total=card.total if card.complete else None,
        grade=card.grade if card.complete else None,
    )


def _funds_leaf_codes(session: Session, evaluation: Evaluation) -> set[str]:
    """The leaves scored by 预算执行率 (the first of them is the funds block's)."""
    leaves = session.execute(
        select(Indicator.code, Indicator.rule_params).where(
            Indicator.evaluation_id == evaluation.id, Indicator.rule_type == "rate"
        )
    )
    return {code for code, params in leaves if (params or {}).get("measure") == FUNDS_MEASURE}


def _funds(evaluation: Evaluation, leaf: ScorecardNode | None) -> FundsBlock:
    return FundsBlock(
        initial_budget=evaluation.initial_budget,
        budget=evaluation.budget,
        spent=evaluation.funds_spent,
        rate=percentage(evaluation.funds_spent, evaluation.budget),
        weight=leaf.weight if leaf else None,
        score=leaf.score if leaf else None,
        sources=tuple(sources_of(evaluation.fund_sources)),
    )


def _indicator(level1: ScorecardNode, level2: ScorecardNode, leaf: ScorecardNode) -> FormIndicator:
    unit = "%" if leaf.rule in PERCENT_RULES else leaf.unit or ""
    actual = f"{leaf.actual.normalize():f}" if leaf.actual is not None else leaf.actual_text
    return FormIndicator(
        level1=level1.name,
        level2=level2.name if level2 is not leaf else "",
        name=leaf.name,
        nature=leaf.nature,
        target=leaf.target or "",
        unit=unit,
        actual=actual,
        actual_shown=leaf.completion_value,
        weight=leaf.weight,
        score=leaf.score,
        deviation_note=leaf.deviation_note,
        not_applicable=leaf.not_applicable,
    )
