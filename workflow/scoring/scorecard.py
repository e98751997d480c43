"""The 评分表 of an evaluation: its leaves with their scores, subtotals, total and grade.

`scorecard_of` builds the one typed `Scorecard` (see `rules`) from the stored tree and scores;
pages, reports and the Excel file read its attributes, the API shapes it with `ScorecardOut`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.accounts.models import User
from workflow.indicators.models import Indicator
from workflow.indicators.queries import leaves, load_nodes, roots
from workflow.kernel.access import get_visible
from workflow.lifecycle.models import Evaluation
from workflow.scoring.models import IndicatorScore, ScoreFinalization
from workflow.scoring.previous import PreviousValue, previous_values
from workflow.scoring.rules import (
    Amounts,
    Deduction,
    Scorecard,
    ScorecardNode,
    execution_basis_label,
    execution_label,
    execution_rate,
    fmt,
    q2,
    shown_actual,
)

NO_PREVIOUS = PreviousValue(None, None)


@dataclass
class ScoredLeaf:
    """A leaf and its stored score, for the API and the pages."""

    indicator: Indicator
    score: IndicatorScore | None
    deviation_note_required: bool = False
    previous: PreviousValue = NO_PREVIOUS  # 上年完成值、上年得分

    def as_dict(self) -> dict[str, Any]:
        leaf, row = self.indicator, self.score
        data: dict[str, Any] = {
            "code": leaf.code,
            "name": leaf.name,
            "weight": fmt(leaf.weight),
            "target": leaf.target,
            "unit": leaf.unit,
            "rule": leaf.rule_type,
            "scorer": leaf.scorer_id,
            "scored": row is not None,
            "deviation_note_required": self.deviation_note_required,
            **self.previous.as_dict(),
        }
        if row is not None:
            data.update(
                score=fmt(row.score),
                actual=str(row.actual) if row.actual is not None else actual_text(row) or None,
                actual_shown=shown_actual(row.actual, actual_text(row), leaf.rule_type, leaf.unit),
                rate=fmt(row.rate),
                reason=row.reason,
                deviation_note=row.deviation_note,
                not_applicable=row.not_applicable,
                inputs=row.inputs,
                details=row.details,
                scored_by=row.scored_by_id,
                scored_at=row.scored_at,
            )
        return data


def amounts_of(evaluation: Evaluation) -> Amounts | None:
    """The project's own amounts, so 预算执行率 and 资金到位率 are never typed twice."""
    values = (evaluation.budget, evaluation.funds_received, evaluation.funds_spent)
    if any(value is None for value in values):
        return None
    return Amounts(*values, execution_basis=evaluation.execution_basis)


@dataclass(frozen=True)
class ExecutionRate:
    """预算执行率 of an evaluation by its 口径 (`execution_basis`), for pages and the report."""

    basis: str  # "budget" | "received"
    basis_label: str  # 实际支出÷到位资金
    label: str  # 预算执行率（实际支出÷到位资金）
    rate: Decimal | None  # in %, two places; None when undefined


def execution_rate_of(evaluation: Evaluation) -> ExecutionRate:
    """预算执行率 as the evaluation defines it: 实际支出 ÷ 预算 or ÷ 到位资金, its basis named."""
    basis = evaluation.execution_basis
    rate = execution_rate(
        evaluation.funds_spent, evaluation.budget, evaluation.funds_received, basis
    )
    return ExecutionRate(basis, execution_basis_label(basis), execution_label(basis), rate)


def finalization(session: Session, evaluation: Evaluation) -> ScoreFinalization | None:
    return session.scalar(
        select(ScoreFinalization).where(ScoreFinalization.evaluation_id == evaluation.id)
    )


def scored_leaves(session: Session, actor: User, evaluation_id: int) -> list[ScoredLeaf]:
    """Every leaf with its score (None until scored), in display order."""
    evaluation = get_visible(session, actor, evaluation_id)
    scores = _scores(session, evaluation)
    nodes = load_nodes(session, evaluation)
    previous = previous_values(session, evaluation)
    return [
        ScoredLeaf(leaf, scores.get(leaf.id), previous=previous.get(leaf.code, NO_PREVIOUS))
        for leaf in leaves(nodes)
    ]


def _scores(session: Session, evaluation: Evaluation) -> dict[int, IndicatorScore]:
    rows = session.scalars(
        select(IndicatorScore).where(IndicatorScore.evaluation_id == evaluation.id)
    )
    return {row.indicator_id: row for row in rows}


def unscored(session: Session, evaluation: Evaluation) -> list[str]:
    """Every leaf still without a score or 不适用, in Chinese."""
    scores = _scores(session, evaluation)
    return [
        f"三级指标“{leaf.name}”（{leaf.code}）尚未打分"
        for leaf in leaves(load_nodes(session, evaluation))
        if leaf.id not in scores
    ]


def scorecard_of(session: Session, evaluation: Evaluation) -> Scorecard:
    """The 评分表: levels with weights, scores and each leaf's facts, total, grade, 定稿."""
    nodes = load_nodes(session, evaluation)
    scores = _scores(session, evaluation)
    lock = finalization(session, evaluation)
    levels = [_card_node(node, scores) for node in roots(nodes)]
    return replace(
        Scorecard.of(levels) if levels else Scorecard.empty(),
        evaluation_id=evaluation.id,
        project_name=evaluation.project_name,
        kind=evaluation.kind,
        finalized=lock is not None,
        finalized_at=lock.finalized_at if lock else None,
        finalized_by=lock.finalized_by_id if lock else None,
    )


def get_scorecard(session: Session, actor: User, evaluation_id: int) -> Scorecard:
    """评分表 of an evaluation the actor may see."""
    return scorecard_of(session, get_visible(session, actor, evaluation_id))


def _card_node(node: Indicator, scores: dict[int, IndicatorScore]) -> ScorecardNode:
    """A row of the 评分表: a branch over its children, or a leaf with its stored score, its
    指标值, 完成值, rule, 偏差说明 and scorer."""
    if not node.is_leaf:
        children = (_card_node(child, scores) for child in node.children)
        return ScorecardNode.branch(node.code, node.name, children)
    row = scores.get(node.id)
    return ScorecardNode.leaf(
        node.code,
        node.name,
        node.weight,
        row.score if row else None,
        bool(row and row.not_applicable),
        reason=row.reason if row else None,
        target=node.target,
        unit=node.unit,
        rule=node.rule_type,
        direction=node.direction,
        standard=node.standard,
        scorer=node.scorer_id,
        actual=row.actual if row else None,
        rate=q2(row.rate) if row and row.rate is not None else None,
        deviation_note=row.deviation_note if row else "",
        deductions=_deductions(row),
        scored_at=row.scored_at if row else None,
        actual_text=actual_text(row),
        respondents=_respondents(row),
    )


def _respondents(row: IndicatorScore | None) -> int | None:
    """回收问卷份数 a `survey` rule stored in the score's details (None for other rules)."""
    value = (row.details or {}).get("respondents") if row else None
    return value if isinstance(value, int) else None


def actual_text(row: IndicatorScore | None) -> str:
    """A 定性 完成值 the scorer typed ("有效"), kept in the score's details."""
    return str((row.details or {}).get("actual_text", "")) if row else ""


def _deductions(row: IndicatorScore | None) -> tuple[Deduction, ...]:
    """The 扣分 a `deduction` rule stored in the score's details."""
    items = (row.details or {}).get("deductions", []) if row else []
    return tuple(Deduction(Decimal(str(item["points"])), item["reason"]) for item in items)
