"""The 评分表 of an evaluation: its leaves with their scores, subtotals, total and grade."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.accounts.models import User
from workflow.indicators.models import Indicator
from workflow.indicators.queries import leaves, load_nodes, roots
from workflow.indicators.tree import iter_leaves
from workflow.kernel.access import get_visible
from workflow.lifecycle.models import Evaluation
from workflow.scoring.models import IndicatorScore, ScoreFinalization
from workflow.scoring.rules import Amounts, build_scorecard, fmt


@dataclass
class ScoredLeaf:
    """A leaf and its stored score, for the API and the pages."""

    indicator: Indicator
    score: IndicatorScore | None
    deviation_note_required: bool = False

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
        }
        if row is not None:
            data.update(
                score=fmt(row.score),
                actual=None if row.actual is None else str(row.actual),
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
    return Amounts(*values)


def finalization(session: Session, evaluation: Evaluation) -> ScoreFinalization | None:
    return session.scalar(
        select(ScoreFinalization).where(ScoreFinalization.evaluation_id == evaluation.id)
    )


def scored_leaves(session: Session, actor: User, evaluation_id: int) -> list[ScoredLeaf]:
    """Every leaf with its score (None until scored), in display order."""
    evaluation = get_visible(session, actor, evaluation_id)
    scores = _scores(session, evaluation)
    nodes = load_nodes(session, evaluation)
    return [ScoredLeaf(leaf, scores.get(leaf.id)) for leaf in leaves(nodes)]


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


def scorecard_of(session: Session, evaluation: Evaluation) -> dict[str, Any]:
    """The 评分表 as JSON-ready data: levels with weights and scores, total, grade, 定稿."""
    nodes = load_nodes(session, evaluation)
    scores = _scores(session, evaluation)
    lock = finalization(session, evaluation)
    card = _empty_card() if not nodes else build_scorecard(_card_input(roots(nodes), scores))
    data = card if isinstance(card, dict) else card.as_dict()
    _enrich(data["levels"], {leaf.code: (leaf, scores.get(leaf.id)) for leaf in leaves(nodes)})
    data.update(
        evaluation_id=evaluation.id,
        project_name=evaluation.project_name,
        kind=evaluation.kind,
        finalized=lock is not None,
        finalized_at=lock.finalized_at if lock else None,
        finalized_by=lock.finalized_by_id if lock else None,
    )
    return data


def get_scorecard(session: Session, actor: User, evaluation_id: int) -> dict[str, Any]:
    """评分表 of an evaluation the actor may see."""
    return scorecard_of(session, get_visible(session, actor, evaluation_id))


def _empty_card() -> dict[str, Any]:
    return {
        "total": None,
        "grade": None,
        "rescaled": False,
        "complete": False,
        "raw_total": None,
        "applicable_weight": None,
        "levels": [],
    }


def _card_input(nodes: list[Indicator], scores: dict[int, IndicatorScore]) -> list[dict]:
    result = []
    for node in nodes:
        if not node.is_leaf:
            result.append(
                {
                    "code": node.code,
                    "name": node.name,
                    "children": _card_input(list(node.children), scores),
                }
            )
            continue
        row = scores.get(node.id)
        result.append(
            {
                "code": node.code,
                "name": node.name,
                "weight": node.weight,
                "score": row.score if row else None,
                "not_applicable": bool(row and row.not_applicable),
                "reason": row.reason if row else None,
            }
        )
    return result


def _enrich(levels: list[dict[str, Any]], by_code: dict[str, tuple]) -> None:
    """Add each leaf's 指标值, 完成值, rule, 偏差说明 and scorer to the scorecard rows."""
    for node in iter_leaves(levels):
        leaf, row = by_code[node["code"]]
        node.update(
            target=leaf.target,
            unit=leaf.unit,
            rule=leaf.rule_type,
            direction=leaf.direction,
            standard=leaf.standard,
            scorer=leaf.scorer_id,
            actual=None if row is None or row.actual is None else str(row.actual),
            rate=fmt(row.rate) if row else None,
            deviation_note=row.deviation_note if row else "",
            deductions=(row.details or {}).get("deductions", []) if row else [],
            scored_at=row.scored_at if row else None,
        )
