"""上年情况: what the same unit's evaluation of the same project the year before found, leaf by
leaf (its 完成值 and 得分), shown beside this year's on the indicators and the scoring page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.indicators.models import Indicator
from workflow.lifecycle.models import Evaluation
from workflow.scoring.models import IndicatorScore
from workflow.scoring.rules import fmt, shown_actual


@dataclass(frozen=True)
class PreviousValue:
    """A leaf's 上年完成值 and 上年得分 (None where last year's leaf was not scored); the 完成值
    is a number, or a 定性 leaf's text."""

    actual: Decimal | None
    score: Decimal | None
    actual_text: str = ""

    def as_dict(self) -> dict[str, str | None]:
        actual = str(self.actual) if self.actual is not None else self.actual_text or None
        return {"previous_actual": actual, "previous_score": fmt(self.score)}

    def shown(self, rule_type: str | None, unit: str | None) -> str:
        """上年完成值 with its unit, as this year's is shown."""
        return shown_actual(self.actual, self.actual_text, rule_type, unit)


def previous_evaluation(session: Session, evaluation: Evaluation) -> Evaluation | None:
    """The same unit's evaluation of the same project in the year before (not 已终止)."""
    return session.scalar(
        select(Evaluation)
        .where(
            Evaluation.unit_id == evaluation.unit_id,
            Evaluation.project_name == evaluation.project_name,
            Evaluation.year == evaluation.year - 1,
            Evaluation.state != "cancelled",
        )
        .order_by(Evaluation.id.desc())
        .limit(1)
    )


def previous_values(session: Session, evaluation: Evaluation) -> dict[str, PreviousValue]:
    """Last year's values by leaf code (the codes a 复制上年 keeps); empty without a last year."""
    earlier = previous_evaluation(session, evaluation)
    if earlier is None:
        return {}
    rows = session.execute(
        select(Indicator.code, IndicatorScore)
        .join(IndicatorScore, IndicatorScore.indicator_id == Indicator.id, isouter=True)
        .where(Indicator.evaluation_id == earlier.id, Indicator.level == 3)
    )
    return {code: _value(score) for code, score in rows}


def _value(score: IndicatorScore | None) -> PreviousValue:
    if score is None or score.not_applicable:
        return PreviousValue(None, None)
    text = str((score.details or {}).get("actual_text", ""))
    return PreviousValue(score.actual, score.score, text)
