"""报告撰写 and sign-off services: the drafted report, its editing, checks, reviews and archive.

- Entering `reporting` drafts the sections on the outline for the kind (see
  `workflow.reports.draft`), the first time only: a return to 报告撰写 keeps the edited text,
  and the consistency checks then point at any figure the data no longer supports.
- Sections are edited with the version read (a stale one is a Conflict); every save is a version.
- Leaving `reporting` is refused while a check fails (an empty section, a stale figure, a total,
  grade or rate stated by hand that does not match, a problem without a measure).
- Reviewers comment per section and round; the author sees the comments in the next round.
- Entering `archived` freezes the report as approved and turns the problems and suggestions
  into 整改 items; the signed PDF and Word file are rendered from that frozen content after
  the commit (retried until they exist) and stored with their SHA-256 in an audit event of
  their own (`report_signed`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel import files as file_store
from workflow.kernel.access import get_visible
from workflow.kernel.audit import audit
from workflow.kernel.db import after_commit, make_sessionmaker, unit_of_work
from workflow.kernel.errors import (
    Conflict,
    FieldError,
    GuardFailed,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import STATES, ActionContext
from workflow.rectifications import operations as rectifications
from workflow.reports import draft as report_draft
from workflow.reports import limits
from workflow.reports.checks import _short, review
from workflow.reports.models import (
    PROBLEM_KINDS,
    ArchivedReport,
    ReportComment,
    ReportProblem,
    ReportRender,
    ReportSection,
    ReportSectionVersion,
)
from workflow.reports.queries import (
    comment_dict,
    comments_of,
    drafted_sections,
    problem_dict,
    problems_of,
    section_dict,
    section_of,
    section_tasks,
    sections_of,
)
from workflow.reports.render.content import ReportContent
from workflow.reports.render.docx import render_report_docx
from workflow.reports.render.pdf import render_report_pdf

log = logging.getLogger("jixiao.reports")

STALE_SECTION_MESSAGE = "该章节已被他人修改，请刷新后再保存"


def draft_sections(
    session: Session, evaluation: Evaluation, actor: User | None = None
) -> list[ReportSection]:
    """Create the sections from the data (version 1 of each, written by the system)."""
    sections = drafted_sections(session, evaluation)
    for section in sections:
        section.versions.append(
            ReportSectionVersion(version=1, body=section.body, at=section.updated_at)
        )
        session.add(section)
    audit(
        session,
        evaluation,
        actor,
        "report_drafted",
        comment=f"已按{report_draft.EVALUATION_KINDS[evaluation.kind]}报告提纲生成报告初稿",
        details={"sections": [s.key for s in sections]},
    )
    return sections


def draft_on_enter(ctx: ActionContext, evaluation: Evaluation) -> None:
    """Entering 报告撰写: draft the report unless a draft exists (a return keeps the text)."""
    if not sections_of(ctx.session, evaluation):
        draft_sections(ctx.session, evaluation, ctx.actor)


def _require_editable(actor: User, evaluation: Evaluation) -> None:
    if not roles.stage_allows(evaluation, "edit_report"):
        raise NotAllowed(
            f"报告只能在报告撰写阶段修改，当前阶段为{STATES[evaluation.state]}",
            code="report_read_only",
        )
    if not roles.can_edit_report(actor, evaluation):
        raise NotAllowed("只有评价工作组的组长、副组长和成员可以修改报告")


def _number(session: Session, evaluation: Evaluation, section: ReportSection) -> int:
    return [s.id for s in sections_of(session, evaluation)].index(section.id) + 1


@unit_of_work
def save_section(
    session: Session,
    actor: User,
    evaluation_id: int,
    key: str,
    body: str,
    expected_version: int,
    client_addr: str | None = None,
) -> dict[str, Any]:
    """保存章节: a new version with its author and time, if the version read is still current."""
    evaluation = get_visible(session, actor, evaluation_id)
    _require_editable(actor, evaluation)
    section = section_of(session, evaluation, key)
    if expected_version != section.version:
        raise Conflict(STALE_SECTION_MESSAGE, details={"current_version": section.version})
    body = (body or "").replace("\r\n", "\n").strip()
    others = [s.body for s in sections_of(session, evaluation) if s.id != section.id]
    if too_large := limits.problems(body, others):
        raise InvalidInput(
            code="report_too_large", errors=[FieldError("body", m) for m in too_large]
        )
    if body != section.body:
        _new_version(session, section, body, actor)
        audit(
            session,
            evaluation,
            actor,
            "report_section_saved",
            comment=f"修改报告章节“{section.title}”（第{section.version}版）",
            client_addr=client_addr,
            details={"section": key, "version": section.version},
        )
    return _section_out(session, evaluation, section)


def _new_version(session: Session, section: ReportSection, body: str, actor: User) -> None:
    """The section's text is now `body`, by `actor`: a new version, the earlier ones kept."""
    section.body = body
    section.updated_by_id = actor.id
    section.updated_at = clock.now()
    session.flush()  # the version column moves on, or StaleDataError → Conflict
    session.add(
        ReportSectionVersion(
            section_id=section.id,
            version=section.version,
            body=body,
            author_id=actor.id,
            at=section.updated_at,
        )
    )
    session.flush()


def _section_out(
    session: Session,
    evaluation: Evaluation,
    section: ReportSection,
    changes: list[dict[str, Any]] | None = None,
) -> dict:
    """The section as the API gives it, with what changed in the data since its draft (read
    again unless the caller knows it)."""
    session.refresh(section, ["updated_by"])
    comments = comments_of(session, evaluation)
    tasks = section_tasks(session, evaluation)
    if changes is None:
        changes = review(session, evaluation).changes.get(section.key)
    number = _number(session, evaluation, section)
    return section_dict(section, number, comments, tasks, changes)


@unit_of_work
def regenerate_section(
    session: Session,
    actor: User,
    evaluation_id: int,
    key: str,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> dict[str, Any]:
    """按最新数据重新生成本章: the section redrafted from the data as it is now (scores,
    完成值, 扣分, amounts, totals, grade). Its text until now stays a version of its own
    (历史版本), as every save does; a stale `expected_version` is a Conflict."""
    evaluation = get_visible(session, actor, evaluation_id)
    _require_editable(actor, evaluation)
    section = section_of(session, evaluation, key)
    if key not in report_draft.REGENERABLE:
        raise InvalidInput(
            f"“{section.title}”由工作组撰写，没有可按数据重新生成的内容",
            code="section_not_generated",
        )
    if expected_version is not None and expected_version != section.version:
        raise Conflict(STALE_SECTION_MESSAGE, details={"current_version": section.version})
    data = report_draft.gather(session, evaluation, problems_of(session, evaluation))
    part = next(p for p in report_draft.draft(data) if p.key == key)
    if part.body == section.body and part.figures == (section.figures or {}):
        return _section_out(session, evaluation, section, [])  # already says what the data says
    replaced = section.version
    section.figures = part.figures  # any change moves the version: it is saved as one
    _new_version(session, section, part.body, actor)
    audit(
        session,
        evaluation,
        actor,
        "report_section_regenerated",
        comment=f"按最新数据重新生成报告章节“{section.title}”（第{section.version}版；"
        f"原第{replaced}版保留为历史版本）",
        client_addr=client_addr,
        details={"section": key, "version": section.version, "replaced": replaced},
    )
    # just drafted from the data: nothing has changed since, no second read of it
    return _section_out(session, evaluation, section, [])


@dataclass
class ProblemSpec:
    """存在的问题 or 有关建议; `owner` is a user id of the unit or a name as free text."""

    problem: str
    cause: str = ""
    measure: str = ""
    owner: int | str | None = None
    due_date: date | None = None
    kind: str = "problem"


def _apply_problem(
    session: Session, evaluation: Evaluation, row: ReportProblem, spec: ProblemSpec
) -> None:
    problems: list[FieldError] = []
    if spec.kind not in PROBLEM_KINDS:
        problems.append(FieldError("kind", "类型应为存在的问题或有关建议"))
    if not (spec.problem or "").strip():
        problems.append(FieldError("problem", "问题或建议的内容不能为空"))
    for name in ("problem", "cause", "measure"):
        if len((getattr(spec, name) or "").strip()) > limits.MAX_PROBLEM_CHARS:
            problems.append(FieldError(name, f"内容过长（上限{limits.MAX_PROBLEM_CHARS}字）"))
    owner_id, owner_text = None, ""
    if isinstance(spec.owner, int) and not isinstance(spec.owner, bool):
        owner = session.get(User, spec.owner)
        if owner is None or owner.role != "unit_user" or owner.unit_id != evaluation.unit_id:
            problems.append(FieldError("owner", "责任人应为本单位用户，或直接填写责任人姓名"))
        owner_id = spec.owner
    elif isinstance(spec.owner, str):
        owner_text = spec.owner.strip()[:200]
    elif spec.owner is not None:
        problems.append(FieldError("owner", "责任人应为用户编号或姓名"))
    if problems:
        raise InvalidInput(errors=problems)
    row.kind = spec.kind
    row.problem = spec.problem.strip()
    row.cause = (spec.cause or "").strip()
    row.measure = (spec.measure or "").strip()
    row.owner_id = owner_id
    row.owner_text = owner_text
    row.due_date = spec.due_date
    row.updated_at = clock.now()


def _problem(session: Session, evaluation: Evaluation, problem_id: int) -> ReportProblem:
    row = session.get(ReportProblem, problem_id)
    if row is None or row.evaluation_id != evaluation.id:
        raise NotFound("问题或建议不存在")
    return row


def _problem_event(session, evaluation, actor, action, row, client_addr) -> None:
    audit(
        session,
        evaluation,
        actor,
        action,
        comment=f"{PROBLEM_KINDS[row.kind]}：{_short(row.problem, 40)}",
        client_addr=client_addr,
        details={"problem_id": row.id},
    )


@unit_of_work
def add_problem(
    session: Session,
    actor: User,
    evaluation_id: int,
    spec: ProblemSpec,
    client_addr: str | None = None,
) -> dict[str, Any]:
    evaluation = get_visible(session, actor, evaluation_id)
    _require_editable(actor, evaluation)
    if len(problems_of(session, evaluation)) >= limits.MAX_PROBLEMS:
        raise InvalidInput(
            f"问题与建议已达上限（每份报告合计{limits.MAX_PROBLEMS}条），请合并相近的条目",
            code="report_too_large",
        )
    row = ReportProblem(evaluation_id=evaluation.id, created_by_id=actor.id, created_at=clock.now())
    _apply_problem(session, evaluation, row, spec)
    session.add(row)
    session.flush()
    _problem_event(session, evaluation, actor, "report_problem_added", row, client_addr)
    session.refresh(row, ["owner"])
    return problem_dict(row)


@unit_of_work
def update_problem(
    session: Session,
    actor: User,
    evaluation_id: int,
    problem_id: int,
    spec: ProblemSpec,
    client_addr: str | None = None,
) -> dict[str, Any]:
    evaluation = get_visible(session, actor, evaluation_id)
    _require_editable(actor, evaluation)
    row = _problem(session, evaluation, problem_id)
    _apply_problem(session, evaluation, row, spec)
    session.flush()
    _problem_event(session, evaluation, actor, "report_problem_updated", row, client_addr)
    session.refresh(row, ["owner"])
    return problem_dict(row)


@unit_of_work
def delete_problem(
    session: Session,
    actor: User,
    evaluation_id: int,
    problem_id: int,
    client_addr: str | None = None,
) -> None:
    evaluation = get_visible(session, actor, evaluation_id)
    _require_editable(actor, evaluation)
    row = _problem(session, evaluation, problem_id)
    _problem_event(session, evaluation, actor, "report_problem_deleted", row, client_addr)
    session.delete(row)


@unit_of_work
def add_comment(
    session: Session,
    actor: User,
    evaluation_id: int,
    section_key: str,
    body: str,
    client_addr: str | None = None,
) -> dict[str, Any]:
    """审核意见 on a section, in this review round."""
    evaluation = get_visible(session, actor, evaluation_id)
    if not roles.can_comment_report(actor, evaluation):
        raise NotAllowed(
            "只有领导小组审批人（领导小组审核阶段）或财政局审核人（财政局审核阶段）可以提出审核意见"
        )
    section = section_of(session, evaluation, section_key)
    body = (body or "").strip()
    if not body:
        raise InvalidInput.field("body", "审核意见不能为空")
    comment = ReportComment(
        evaluation_id=evaluation.id,
        section_key=section.key,
        round=evaluation.round,
        stage=evaluation.state,
        author_id=actor.id,
        body=body[: limits.MAX_BODY],
        at=clock.now(),
    )
    session.add(comment)
    session.flush()
    audit(
        session,
        evaluation,
        actor,
        "report_commented",
        comment=f"对“{section.title}”提出审核意见：{_short(body, 40)}",
        client_addr=client_addr,
        details={"section": section.key, "comment_id": comment.id},
    )
    session.refresh(comment, ["author"])
    return comment_dict(comment)


def archive_on_enter(ctx: ActionContext, evaluation: Evaluation) -> None:
    """归档: freeze the report as approved and queue its signed PDF and Word file, open the
    整改 items. The files are rendered after the commit (`render_archive`): at once in the
    background, and by the scheduler until they exist."""

    if ctx.files is None:
        raise GuardFailed(
            "归档须保存签发的报告文件，但未提供文件存储", code="no_file_store", details=[]
        )
    session = ctx.session
    sections = sections_or_draft(session, evaluation)
    problems = problems_of(session, evaluation)
    content = ReportContent.of(session, evaluation, sections, problems, final=True)
    job = ReportRender(
        evaluation_id=evaluation.id,
        content=content.to_data(),
        status="pending",
        attempts=0,
        next_attempt_at=content.generated_at,
        last_error="",
        requested_by_id=ctx.actor.id if ctx.actor else None,
        created_at=content.generated_at,
    )
    session.add(job)
    rectifications.open_items(session, evaluation, problems)
    session.flush()
    ctx.details.update(rectifications=len(problems), report_render=job.id)
    factory, files, job_id = make_sessionmaker(session.get_bind()), ctx.files, job.id
    run = ctx.background or _at_once
    after_commit(session, lambda: run(lambda: render_archive(factory, files, job_id)))


def _at_once(job: Callable[[], None]) -> None:
    job()


MAX_RENDER_ATTEMPTS = 5

#: The wait before each retry of a failed render (after the 1st, 2nd … failure).
RENDER_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))

#: A render claimed this long ago and not finished died with its process: claim it again.
RENDER_STALE = timedelta(minutes=15)


def _due(now: datetime):
    pending = (ReportRender.status == "pending") & (ReportRender.next_attempt_at <= now)
    stale = (ReportRender.status == "running") & (ReportRender.claimed_at < now - RENDER_STALE)
    return pending | stale


@unit_of_work
def claim_render(session: Session, job_id: int, now: datetime | None = None) -> bool:
    """Take the render job if it is due and nobody else has: a compare-and-set, so of two
    workers (the request's thread, the scheduler) one renders."""
    now = now or clock.now()
    claimed = session.execute(
        update(ReportRender)
        .where(ReportRender.id == job_id, _due(now))
        .values(status="running", claimed_at=now, attempts=ReportRender.attempts + 1)
    )
    return claimed.rowcount == 1


@unit_of_work
def finish_render(session: Session, files: Any, job_id: int, pdf: bytes, docx: bytes) -> None:
    """Store the signed PDF and Word file with their SHA-256, in an audit event of their own."""
    job = session.get(ReportRender, job_id)
    evaluation = session.get(Evaluation, job.evaluation_id)
    archive = ArchivedReport(
        evaluation_id=evaluation.id,
        sha256=hashlib.sha256(pdf).hexdigest(),
        storage_key=file_store.keep(session, files, pdf),
        size=len(pdf),
        docx_sha256=hashlib.sha256(docx).hexdigest(),
        docx_storage_key=file_store.keep(session, files, docx),
        docx_size=len(docx),
        generated_at=datetime.fromisoformat(job.content["generated_at"]),
        generated_by_id=job.requested_by_id,
    )
    session.add(archive)
    job.status, job.finished_at, job.last_error = "done", clock.now(), ""
    audit(
        session,
        evaluation,
        None,
        "report_signed",
        comment="签发版 PDF 与 Word 文件已生成",
        details={
            "report_sha256": archive.sha256,
            "report_size": archive.size,
            "report_docx_sha256": archive.docx_sha256,
            "report_docx_size": archive.docx_size,
            "attempts": job.attempts,
        },
    )


@unit_of_work
def fail_render(session: Session, job_id: int, error: str, now: datetime | None = None) -> None:
    """A render failed: retry after a back-off, or give up after `MAX_RENDER_ATTEMPTS`; the
    failure goes in the timeline either way."""
    now = now or clock.now()
    job = session.get(ReportRender, job_id)
    evaluation = session.get(Evaluation, job.evaluation_id)
    job.last_error = error[:2000]
    if job.attempts >= MAX_RENDER_ATTEMPTS:
        job.status, job.finished_at = "failed", now
        comment = f"签发文件生成失败（第{job.attempts}次），已停止重试，请联系管理员"
    else:
        job.status = "pending"
        job.next_attempt_at = now + RENDER_BACKOFF[min(job.attempts, len(RENDER_BACKOFF)) - 1]
        comment = f"签发文件生成失败（第{job.attempts}次），将于稍后重试"
    audit(
        session,
        evaluation,
        None,
        "report_render_failed",
        comment=comment,
        details={"attempts": job.attempts, "error": job.last_error, "status": job.status},
    )


def render_archive(
    session_factory: Callable[[], Session], files: Any, job_id: int, now: datetime | None = None
) -> bool:
    """Render one archived report's signed files, if the job is due and ours: True once stored.

    Runs outside any request's transaction, in a session of its own."""
    session = session_factory()
    try:
        if not claim_render(session, job_id, now):
            return False
        job = session.get(ReportRender, job_id)
        try:
            content = ReportContent.from_data(job.content)
            pdf, docx = render_report_pdf(content), render_report_docx(content)
        except Exception as exc:  # reported and retried, never lost
            log.exception("签发报告生成失败 evaluation=%s job=%s", job.evaluation_id, job_id)
            fail_render(session, job_id, f"{type(exc).__name__}: {exc}", now)
            return False
        finish_render(session, files, job_id, pdf, docx)
        return True
    finally:
        session.close()


@dataclass
class RenderRun:
    """What one pass over the due render jobs did."""

    rendered: int = 0
    failed: int = 0


def render_due(
    session_factory: Callable[[], Session], files: Any, now: datetime | None = None
) -> RenderRun:
    """Render every due job (the scheduler's pass): new ones, retries, and those whose render
    died with its process."""
    now = now or clock.now()
    session = session_factory()
    try:
        ids = list(session.scalars(select(ReportRender.id).where(_due(now)).order_by("id")))
    finally:
        session.close()
    run = RenderRun()
    for job_id in ids:
        if render_archive(session_factory, files, job_id, now):
            run.rendered += 1
        else:
            run.failed += 1
    return run


def sections_or_draft(session: Session, evaluation: Evaluation) -> list[ReportSection]:
    return sections_of(session, evaluation) or draft_sections(session, evaluation)
