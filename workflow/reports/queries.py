"""Reading the report: sections, problems, comments, versions, the page's view."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.access import get_visible
from workflow.kernel.errors import NotFound
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import STATES
from workflow.reports import draft as report_draft
from workflow.reports.models import (
    PROBLEM_KINDS,
    RENDER_STATUSES,
    ArchivedReport,
    ReportComment,
    ReportProblem,
    ReportRender,
    ReportSection,
    ReportSectionVersion,
)
from workflow.reports.render.text import diff_rows
from workflow.tasks.models import TASK_STATUSES, Task


def sections_of(session: Session, evaluation: Evaluation) -> list[ReportSection]:
    return list(
        session.scalars(
            select(ReportSection)
            .where(ReportSection.evaluation_id == evaluation.id)
            .options(selectinload(ReportSection.updated_by))
            .order_by(ReportSection.position)
        )
    )


def problems_of(session: Session, evaluation: Evaluation) -> list[ReportProblem]:
    return list(
        session.scalars(
            select(ReportProblem)
            .where(ReportProblem.evaluation_id == evaluation.id)
            .options(selectinload(ReportProblem.owner))
            .order_by(ReportProblem.id)
        )
    )


def comments_of(session: Session, evaluation: Evaluation) -> list[ReportComment]:
    return list(
        session.scalars(
            select(ReportComment)
            .where(ReportComment.evaluation_id == evaluation.id)
            .options(selectinload(ReportComment.author))
            .order_by(ReportComment.round, ReportComment.id)
        )
    )


def section_tasks(session: Session, evaluation: Evaluation) -> dict[str, list[Task]]:
    """The open 报告章节 tasks (not done) of each section: who is writing it."""
    assigned: dict[str, list[Task]] = {}
    for task in session.scalars(
        select(Task)
        .where(
            Task.evaluation_id == evaluation.id,
            Task.kind == "report_section",
            Task.section.is_not(None),
            Task.status != "done",
        )
        .options(selectinload(Task.assignee))
        .order_by(Task.id)
    ):
        assigned.setdefault(task.section, []).append(task)
    return assigned


def archived_report(session: Session, evaluation: Evaluation) -> ArchivedReport | None:
    return session.scalar(
        select(ArchivedReport).where(ArchivedReport.evaluation_id == evaluation.id)
    )


def render_of(session: Session, evaluation: Evaluation) -> ReportRender | None:
    """The render job of the signed files (签发文件), if the evaluation was archived."""
    return session.scalar(select(ReportRender).where(ReportRender.evaluation_id == evaluation.id))


def render_dict(job: ReportRender | None) -> dict[str, Any] | None:
    """生成中 / 生成失败 / 已生成 of the signed files, with the last error of a failed try."""
    if job is None:
        return None
    return {
        "status": job.status,
        "label": RENDER_STATUSES[job.status],
        "attempts": job.attempts,
        "error": job.last_error or None,
        "next_attempt_at": job.next_attempt_at if job.status == "pending" else None,
    }


def drafted_sections(session: Session, evaluation: Evaluation) -> list[ReportSection]:
    """The sections as the data would draft them now (not added to the session)."""
    now = clock.now()
    data = report_draft.gather(session, evaluation, problems_of(session, evaluation))
    return [
        ReportSection(
            evaluation_id=evaluation.id,
            key=part.key,
            title=part.title,
            position=position,
            body=part.body,
            figures=part.figures,
            version=1,
            updated_by_id=None,
            updated_at=now,
        )
        for position, part in enumerate(report_draft.draft(data), start=1)
    ]


def sections_or_preview(session: Session, evaluation: Evaluation) -> list[ReportSection]:
    """Stored sections, or (before 报告撰写) what the draft would say, without storing it."""
    return sections_of(session, evaluation) or drafted_sections(session, evaluation)


def _user_name(user: User | None) -> str | None:
    return user.display_name if user else None


def comment_dict(comment: ReportComment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "section": comment.section_key,
        "round": comment.round,
        "stage": comment.stage,
        "stage_label": STATES.get(comment.stage, comment.stage),
        "author": comment.author_id,
        "author_name": comment.author.display_name,
        "body": comment.body,
        "at": comment.at,
    }


def problem_dict(problem: ReportProblem) -> dict[str, Any]:
    return {
        "id": problem.id,
        "kind": problem.kind,
        "kind_label": PROBLEM_KINDS[problem.kind],
        "problem": problem.problem,
        "cause": problem.cause,
        "measure": problem.measure,
        "owner": problem.owner_id if problem.owner_id is not None else problem.owner_text or None,
        "owner_name": problem.owner_label,
        "due_date": problem.due_date,
    }


def section_task_dict(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "assignee": task.assignee_id,
        "assignee_name": _user_name(task.assignee),
        "status": task.status,
        "status_label": TASK_STATUSES[task.status],
        "due_date": task.due_date,
    }


def section_dict(
    section: ReportSection,
    number: int,
    comments: list[ReportComment] = (),
    tasks: dict[str, list[Task]] | None = None,
    changes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A section; `tasks` (open 报告章节 tasks by section) says who it is assigned to, `changes`
    what in the data changed since it was drafted (`stale` if anything did)."""
    return {
        "key": section.key,
        "number": report_draft.numeral(number),
        "title": section.title,
        "body": section.body,
        "version": section.version,
        "updated_by": section.updated_by_id,
        "updated_by_name": _user_name(section.updated_by),
        "updated_at": section.updated_at,
        "generated": section.updated_by_id is None and section.version == 1,
        "comments": [comment_dict(c) for c in comments if c.section_key == section.key],
        "tasks": [section_task_dict(t) for t in (tasks or {}).get(section.key, [])],
        "stale": bool(changes),
        "changes": changes or [],
        "regenerable": section.key in report_draft.REGENERABLE,
    }


def section_versions(
    session: Session, actor: User, evaluation_id: int, key: str
) -> list[dict[str, Any]]:
    """Every saved version of a section, oldest first."""
    evaluation = get_visible(session, actor, evaluation_id)
    section = section_of(session, evaluation, key)
    rows = session.scalars(
        select(ReportSectionVersion)
        .where(ReportSectionVersion.section_id == section.id)
        .options(selectinload(ReportSectionVersion.author))
        .order_by(ReportSectionVersion.version)
    )
    return [
        {
            "version": row.version,
            "body": row.body,
            "author": row.author_id,
            "author_name": _user_name(row.author) or "系统生成",
            "at": row.at,
        }
        for row in rows
    ]


def section_diff(
    session: Session, actor: User, evaluation_id: int, key: str, old: int, new: int
) -> dict[str, Any]:
    """Two versions side by side, the changed lines and characters marked."""
    versions = {v["version"]: v for v in section_versions(session, actor, evaluation_id, key)}
    missing = [str(n) for n in (old, new) if n not in versions]
    if missing:
        raise NotFound(f"章节“{key}”没有第{'、'.join(missing)}版")
    rows = diff_rows(versions[old]["body"], versions[new]["body"])
    return {
        "section": key,
        "from": {k: versions[old][k] for k in ("version", "author", "author_name", "at")},
        "to": {k: versions[new][k] for k in ("version", "author", "author_name", "at")},
        "changed": sum(row["op"] != "equal" for row in rows),
        "rows": rows,
    }


def list_comments(session: Session, actor: User, evaluation_id: int) -> list[dict[str, Any]]:
    """审核意见 by round: [{"round", "comments": […]}], oldest round first."""
    evaluation = get_visible(session, actor, evaluation_id)
    rounds: dict[int, list[dict[str, Any]]] = {}
    for comment in comments_of(session, evaluation):
        rounds.setdefault(comment.round, []).append(comment_dict(comment))
    return [{"round": n, "comments": items} for n, items in rounds.items()]


def section_of(session: Session, evaluation: Evaluation, key: str) -> ReportSection:
    section = session.scalar(
        select(ReportSection).where(
            ReportSection.evaluation_id == evaluation.id, ReportSection.key == key
        )
    )
    if section is None:
        raise NotFound(f"报告章节“{key}”不存在")
    return section
