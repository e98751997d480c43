"""A year's signed reports (已归档的评价报告) as one ZIP: the stored PDFs and an index."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.exports.tables import BATCH, MAX_ROWS, Table
from workflow.kernel import files as file_store
from workflow.lifecycle.models import EVALUATION_KINDS, Evaluation
from workflow.reports.models import ArchivedReport
from workflow.scoring.models import ScoreFinalization


@dataclass(frozen=True)
class ArchivedFile:
    name: str  # its name in the ZIP
    path: Path


def _statement(user: User, year: int):
    return (
        select(Evaluation, ArchivedReport, ScoreFinalization.total, ScoreFinalization.grade)
        .join(ArchivedReport, ArchivedReport.evaluation_id == Evaluation.id)
        .outerjoin(ScoreFinalization, ScoreFinalization.evaluation_id == Evaluation.id)
        .where(roles.visible_evaluations(user), Evaluation.year == year)
        .where(Evaluation.state == "archived")
        .order_by(Evaluation.unit_id, Evaluation.id)
        .limit(MAX_ROWS)
        .execution_options(yield_per=BATCH)
    )


def _name(evaluation: Evaluation) -> str:
    title = f"{evaluation.id}-{evaluation.unit.name}-{evaluation.project_name}"
    return (file_store.display_name(title) or str(evaluation.id))[:120] + ".pdf"


def archived_files(
    session: Session, user: User, year: int, store: file_store.DocumentStore
) -> Iterator[ArchivedFile]:
    """The stored signed PDF of every archived evaluation of `year` the user may see."""
    for evaluation, report, _total, _grade in session.execute(_statement(user, year)):
        yield ArchivedFile(_name(evaluation), store.path(report.storage_key))


def archive_index(session: Session, user: User, year: int) -> Table:
    """index.xlsx of the ZIP: one row per report, with its file name and SHA-256."""
    headers = ["文件名", "项目名称", "预算单位", "评价类型", "总分", "等级", "SHA-256", "归档时间"]

    def rows() -> Iterator[list]:
        for evaluation, report, total, grade in session.execute(_statement(user, year)):
            yield [
                _name(evaluation),
                evaluation.project_name,
                evaluation.unit.name,
                EVALUATION_KINDS.get(evaluation.kind, evaluation.kind),
                total,
                grade or "",
                report.sha256,
                report.generated_at.strftime("%Y-%m-%d %H:%M"),
            ]

    return Table(f"{year}年度已归档评价报告", headers, rows())
