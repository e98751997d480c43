"""评价结果公开: what the public pages read, without a login — a published evaluation by its
token (project, unit, year, 总分, 等级, the 评分表, the signed PDF) and a bureau's index of a year.

Each read takes only the columns the page shows; nothing unpublished, nothing else of the unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload, load_only

from workflow.accounts.models import Bureau, Unit
from workflow.lifecycle.models import Evaluation
from workflow.reports.models import ArchivedReport
from workflow.reports.page import ReportFile, archived_pdf
from workflow.results.models import Publication
from workflow.scoring.models import ScoreFinalization
from workflow.scoring.rules import Scorecard
from workflow.scoring.scorecard import scorecard_of

TOKEN_MAX = 64  # the column's width: a longer token names nothing


@dataclass(frozen=True)
class PublicResult:
    """One published result as the public page shows it."""

    token: str
    project_name: str
    unit_name: str
    year: int
    kind: str
    total: Decimal | None
    grade: str | None
    has_report: bool
    card: Scorecard


@dataclass(frozen=True)
class PublicRow:
    """One line of a bureau's public index."""

    token: str
    project_name: str
    unit_name: str
    kind: str
    total: Decimal | None
    grade: str | None


def _published(token: str) -> Any:
    return (
        Publication.token == token,
        Publication.published.is_(True),
        Evaluation.state == "archived",
    )


def _published_row(session: Session, token: str) -> Any:
    """(the published evaluation, its 总分, 等级), the evaluation with only the columns the page
    shows (and its unit's name); None for a token that names nothing published."""
    if not token or len(token) > TOKEN_MAX:
        return None
    statement = (
        select(Evaluation, ScoreFinalization.total, ScoreFinalization.grade)
        .join(Publication, Publication.evaluation_id == Evaluation.id)
        .outerjoin(ScoreFinalization, ScoreFinalization.evaluation_id == Evaluation.id)
        .where(*_published(token))
        .options(
            load_only(
                Evaluation.id,
                Evaluation.project_name,
                Evaluation.year,
                Evaluation.kind,
                Evaluation.state,
                Evaluation.unit_id,
            ),
            joinedload(Evaluation.unit).load_only(Unit.name),
        )
    )
    return session.execute(statement).first()


def published_result(session: Session, token: str) -> PublicResult | None:
    """The published result behind `token`, or None (unknown, switched off, not archived):
    the 总分 and 等级 its 评分定稿 locked, and the 评分表."""
    row = _published_row(session, token)
    if row is None:
        return None
    evaluation, total, grade = row
    has_report = session.scalar(
        select(exists().where(ArchivedReport.evaluation_id == evaluation.id))
    )
    return PublicResult(
        token=token,
        project_name=evaluation.project_name,
        unit_name=evaluation.unit.name,
        year=evaluation.year,
        kind=evaluation.kind,
        total=total,
        grade=grade,
        has_report=bool(has_report),
        card=scorecard_of(session, evaluation),
    )


def published_pdf(session: Session, token: str, files: Any) -> ReportFile | None:
    """The signed PDF of the published result behind `token`, or None."""
    row = _published_row(session, token)
    return None if row is None else archived_pdf(session, row[0], files)


def published_index(
    session: Session, bureau_id: int, year: int
) -> tuple[Bureau, list[PublicRow]] | None:
    """What a bureau has published for `year`, by unit and project; None for no such bureau."""
    bureau = session.get(Bureau, bureau_id, options=[load_only(Bureau.id, Bureau.name)])
    if bureau is None:
        return None
    statement = (
        select(
            Publication.token,
            Evaluation.project_name,
            Unit.name,
            Evaluation.kind,
            ScoreFinalization.total,
            ScoreFinalization.grade,
        )
        .join(Evaluation, Evaluation.id == Publication.evaluation_id)
        .join(Unit, Unit.id == Evaluation.unit_id)
        .outerjoin(ScoreFinalization, ScoreFinalization.evaluation_id == Evaluation.id)
        .where(
            Unit.bureau_id == bureau_id,
            Evaluation.year == year,
            Evaluation.state == "archived",
            Publication.published.is_(True),
        )
        .order_by(Unit.name, Evaluation.project_name, Evaluation.id)
    )
    return bureau, [PublicRow(*row) for row in session.execute(statement)]
