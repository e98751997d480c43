"""What 结果应用 reads: last year's result of the same project (上年评价结果), the rules in force,
an evaluation's decision with the one its 等级 suggests, and a year's decisions for the budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import Unit, User
from workflow.kernel.access import get_visible
from workflow.lifecycle.models import Evaluation
from workflow.rectifications.models import UNFINISHED, Rectification
from workflow.results.models import DecisionRule, Publication, ResultDecision
from workflow.results.rules import DECISIONS, DEFAULT_RULES, Rule
from workflow.scoring.models import ScoreFinalization


@dataclass(frozen=True)
class Previous:
    """上年评价结果: the same unit's archived evaluation of the same project the year before."""

    evaluation_id: int
    year: int
    total: Decimal | None
    grade: str | None
    open_rectifications: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "evaluation_id": self.evaluation_id,
            "year": self.year,
            "total": self.total,
            "grade": self.grade,
            "open_rectifications": self.open_rectifications,
        }


def _open_items(evaluation_id) -> Any:
    """未完成的整改事项 of an evaluation, counted (a scalar subquery)."""
    return (
        select(func.count())
        .select_from(Rectification)
        .where(
            Rectification.evaluation_id == evaluation_id,
            Rectification.status.in_(UNFINISHED),
        )
        .scalar_subquery()
    )


def previous_of(session: Session, evaluation: Evaluation) -> Previous | None:
    """Last year's archived evaluation of this project (same unit, same project name), with its
    总分, 等级 and open 整改 items, in one SELECT; one of the same kind first. Whoever sees this
    evaluation sees that one: it is the same unit's."""
    statement = (
        select(
            Evaluation.id,
            Evaluation.year,
            ScoreFinalization.total,
            ScoreFinalization.grade,
            _open_items(Evaluation.id),
        )
        .outerjoin(ScoreFinalization, ScoreFinalization.evaluation_id == Evaluation.id)
        .where(
            Evaluation.unit_id == evaluation.unit_id,
            Evaluation.project_name == evaluation.project_name,
            Evaluation.year == evaluation.year - 1,
            Evaluation.state == "archived",
        )
        .order_by(case((Evaluation.kind == evaluation.kind, 0), else_=1), Evaluation.id.desc())
        .limit(1)
    )
    row = session.execute(statement).first()
    return None if row is None else Previous(*row)


def rules_in_force(session: Session) -> dict[str, Rule]:
    """结果应用规则: the administrator's, over the defaults, one per 等级 (best first)."""
    stored = {
        row.grade: Rule(row.grade, row.decision, row.percentage)
        for row in session.scalars(select(DecisionRule))
    }
    return {grade: stored.get(grade, default) for grade, default in DEFAULT_RULES.items()}


def _suggested(session: Session, grade: str | None) -> Rule | None:
    if grade not in DEFAULT_RULES:
        return None
    row = session.get(DecisionRule, grade)
    return DEFAULT_RULES[grade] if row is None else Rule(grade, row.decision, row.percentage)


@dataclass(frozen=True)
class DecisionView:
    """结果应用 of one evaluation: what was decided (None until then), what the 等级 suggests."""

    evaluation_id: int
    state: str
    total: Decimal | None
    grade: str | None
    decision: str | None
    percentage: Decimal | None
    comment: str
    decided_by: str | None
    decided_at: datetime | None
    suggested: Rule | None
    can_decide: bool

    @property
    def decision_label(self) -> str | None:
        return DECISIONS.get(self.decision or "")


def decision_of(session: Session, actor: User, evaluation: Evaluation) -> DecisionView:
    """The decision as `actor` sees it on the evaluation's page (anyone who may see it)."""
    totals = session.execute(
        select(ScoreFinalization.total, ScoreFinalization.grade).where(
            ScoreFinalization.evaluation_id == evaluation.id
        )
    ).first()
    total, grade = totals if totals else (None, None)
    decided = session.execute(
        select(ResultDecision, User.display_name)
        .outerjoin(User, User.id == ResultDecision.decided_by_id)
        .where(ResultDecision.evaluation_id == evaluation.id)
    ).first()
    row, by = decided if decided else (None, None)
    return DecisionView(
        evaluation_id=evaluation.id,
        state=evaluation.state,
        total=total,
        grade=grade,
        decision=row.decision if row else None,
        percentage=row.percentage if row else None,
        comment=row.comment if row else "",
        decided_by=by,
        decided_at=row.decided_at if row else None,
        suggested=_suggested(session, grade),
        can_decide=roles.can_decide_result(actor, evaluation),
    )


def get_decision(session: Session, actor: User, evaluation_id: int) -> DecisionView:
    return decision_of(session, actor, get_visible(session, actor, evaluation_id))


@dataclass(frozen=True)
class DecisionRow:
    """One line of a year's 结果应用 sheet."""

    evaluation_id: int
    unit_name: str
    project_name: str
    kind: str
    total: Decimal | None
    grade: str | None
    decision: str | None
    percentage: Decimal | None
    comment: str


def decisions_of_year(session: Session, actor: User, year: int) -> list[DecisionRow]:
    """Every archived evaluation of `year` that `actor` may see, with its decision (or none
    yet), by unit and project: the sheet the next budget round works from. One SELECT."""
    statement = (
        select(
            Evaluation.id,
            Unit.name,
            Evaluation.project_name,
            Evaluation.kind,
            ScoreFinalization.total,
            ScoreFinalization.grade,
            ResultDecision.decision,
            ResultDecision.percentage,
            func.coalesce(ResultDecision.comment, ""),
        )
        .join(Unit, Unit.id == Evaluation.unit_id)
        .outerjoin(ScoreFinalization, ScoreFinalization.evaluation_id == Evaluation.id)
        .outerjoin(ResultDecision, ResultDecision.evaluation_id == Evaluation.id)
        .where(
            roles.visible_evaluations(actor),
            Evaluation.year == year,
            Evaluation.state == "archived",
        )
        .order_by(Unit.name, Evaluation.project_name, Evaluation.id)
    )
    return [DecisionRow(*row) for row in session.execute(statement)]


def publication_of(session: Session, evaluation: Evaluation) -> Publication | None:
    """评价结果公开 of the evaluation: None if never switched on."""
    return session.scalar(select(Publication).where(Publication.evaluation_id == evaluation.id))


def get_publication(session: Session, actor: User, evaluation_id: int) -> Publication | None:
    return publication_of(session, get_visible(session, actor, evaluation_id))
