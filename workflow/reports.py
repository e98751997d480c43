"""报告撰写 and sign-off services: the drafted report, its editing, checks, reviews and archive.

- Entering `reporting` drafts the sections on the outline for the kind (see `report_draft`), the
  first time only: a return to 报告撰写 keeps the edited text, and the consistency checks then
  point at any figure the data no longer supports.
- Sections are edited with the version read (a stale one is a Conflict); every save is a version.
- Leaving `reporting` is refused while a check fails (an empty section, a stale figure, a total,
  grade or rate stated by hand that does not match, a problem without a measure).
- Reviewers comment per section and round; the author sees the comments in the next round.
- Entering `archived` renders the final PDF once, stores it, records its SHA-256 in the archive's
  audit event, and turns the problems and suggestions into 整改 items.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import roles
from workflow import clock, documents, report_draft
from workflow.db import unit_of_work
from workflow.errors import Conflict, GuardFailed, InvalidInput, NotAllowed, NotFound
from workflow.evaluations import audit, get_visible
from workflow.guards import register
from workflow.machine import STATES, ActionContext, on_enter
from workflow.models import TASK_STATUSES, Evaluation, Task, User
from workflow.report_models import (
    PROBLEM_KINDS,
    ArchivedReport,
    Rectification,
    ReportComment,
    ReportProblem,
    ReportSection,
    ReportSectionVersion,
)
from workflow.report_text import diff_rows

MAX_BODY = 100_000
STALE_SECTION_MESSAGE = "该章节已被他人修改，请刷新后再保存"

# --- reading ------------------------------------------------------------------------------------


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


def can_edit(actor: User, evaluation: Evaluation) -> bool:
    """May the actor edit sections and problems now (组长、副组长、成员 in 报告撰写)?"""
    return roles.can(actor, "edit_report", evaluation)


def can_comment(actor: User, evaluation: Evaluation) -> bool:
    return roles.can_comment_report(actor, evaluation)


# --- drafting -----------------------------------------------------------------------------------


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


def _draft_on_enter(ctx: ActionContext, evaluation: Evaluation) -> None:
    """Entering 报告撰写: draft the report unless a draft exists (a return keeps the text)."""
    if not sections_of(ctx.session, evaluation):
        draft_sections(ctx.session, evaluation, ctx.actor)


on_enter("reporting", _draft_on_enter)


def _sections_or_draft(session: Session, evaluation: Evaluation) -> list[ReportSection]:
    return sections_of(session, evaluation) or draft_sections(session, evaluation)


def _sections_or_preview(session: Session, evaluation: Evaluation) -> list[ReportSection]:
    """Stored sections, or (before 报告撰写) what the draft would say, without storing it."""
    return sections_of(session, evaluation) or drafted_sections(session, evaluation)


# --- checks -------------------------------------------------------------------------------------


@dataclass
class Check:
    """Something that still blocks submission, in Chinese, with the section it is about."""

    code: str
    message: str
    section: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "section": self.section}


_SAYS = r"(?:为|是|达到|：|:|\s)*"
TOTAL_WORDS = r"(总分|总得分|综合得分|绩效得分|自评得分|评分结果|综合评分)"
TOTAL_STATED = re.compile(TOTAL_WORDS + _SAYS + r"([0-9]+(?:\.[0-9]+)?)\s*分")
TOTAL_BLANK = re.compile(TOTAL_WORDS + r"(?:为|是|：|:)?[ \t\u3000]*分")
GRADE_STATED = re.compile(r"等级" + _SAYS + r"[“\"「『]?([优良中差])")
RATE_STATED = re.compile(r"(预算执行率|资金到位率)" + _SAYS + r"([0-9]+(?:\.[0-9]+)?)\s*%")


def _matches(stated: str, actual: Decimal) -> bool:
    """ "96" and "96.0" state 96.00; "100" does not state 99.52 (no rounding up to a grade)."""
    try:
        return Decimal(stated) == actual
    except InvalidOperation:
        return False


def _label(section: ReportSection, number: int) -> str:
    return f"“{report_draft.numeral(number)}、{section.title}”"


def _stale_figures(
    section: ReportSection, number: int, current: dict[str, str]
) -> tuple[list[Check], str]:
    """Figures the draft stated that the data no longer supports, if the words are still there.

    Returns the checks and the body with those words removed (for the hand-stated checks)."""
    checks, body = [], section.body
    for label, words in (section.figures or {}).items():
        now = current.get(label)
        if now == words or words not in body:
            continue
        if now is None:
            message = f"{_label(section, number)}中的“{words}”已无对应数据，请删除或改写"
        else:
            message = f"{_label(section, number)}中的“{words}”与当前数据不符，应为“{now}”"
        checks.append(Check("stale_figure", message, section.key))
        body = body.replace(words, "")
    return checks, body


def _hand_stated(
    section: ReportSection, number: int, body: str, data: report_draft.ReportData
) -> list[Check]:
    card, checks, where = data.card, [], _label(section, number)
    total = card.get("total")
    for match in TOTAL_BLANK.finditer(body):
        checks.append(Check("total_missing", f"{where}中“{match.group(0)}”未写明分数", section.key))
    if total is not None:
        for match in TOTAL_STATED.finditer(body):
            if not _matches(match.group(2), Decimal(total)):
                checks.append(
                    Check(
                        "total_mismatch",
                        f"{where}中写明的“{match.group(0)}”与评分表总分{total}分不符",
                        section.key,
                    )
                )
        for match in GRADE_STATED.finditer(body):
            if match.group(1) != card.get("grade"):
                checks.append(
                    Check(
                        "grade_mismatch",
                        f"{where}中写明的“{match.group(0)}”与评分表等级“{card['grade']}”不符",
                        section.key,
                    )
                )
    rates = {"预算执行率": data.execution_rate, "资金到位率": data.funds_rate}
    for match in RATE_STATED.finditer(body):
        actual = rates[match.group(1)]
        if actual is not None and not _matches(match.group(2), actual):
            checks.append(
                Check(
                    "rate_mismatch",
                    f"{where}中写明的“{match.group(0)}”与按金额计算的{match.group(1)}{actual}%不符",
                    section.key,
                )
            )
    return checks


def _is_empty(section: ReportSection | None, problem_kinds: set[str]) -> bool:
    """尚未填写: no text, and (for 存在的问题/有关建议) no listed item of its kind either."""
    if section is None:
        return True
    has_items = report_draft.ITEM_SECTIONS.get(section.key) in problem_kinds
    return not section.body.strip() and not has_items


def section_is_empty(session: Session, evaluation: Evaluation, key: str) -> bool:
    """Is the section still empty (or not drafted yet)? The same test as the `empty_section`
    check."""
    section = session.scalar(
        select(ReportSection).where(
            ReportSection.evaluation_id == evaluation.id, ReportSection.key == key
        )
    )
    return _is_empty(section, {p.kind for p in problems_of(session, evaluation)})


def checks_of(session: Session, evaluation: Evaluation) -> list[Check]:
    """Everything that still blocks submission of the report, all at once."""
    sections = sections_of(session, evaluation)
    if not sections:
        return [Check("not_drafted", "报告尚未起草")]
    problems = problems_of(session, evaluation)
    data = report_draft.gather(session, evaluation, problems)
    current = {part.key: part.figures for part in report_draft.draft(data)}
    kinds = {p.kind for p in problems}
    checks: list[Check] = []
    for number, section in enumerate(sections, start=1):
        if _is_empty(section, kinds):
            checks.append(Check("empty_section", f"{_label(section, number)}尚未填写", section.key))
            continue
        stale, rest = _stale_figures(section, number, current.get(section.key, {}))
        checks += stale + _hand_stated(section, number, rest, data)
    for problem in problems:
        if problem.kind == "problem" and not problem.measure.strip():
            checks.append(
                Check(
                    "problem_without_measure",
                    f"问题“{_short(problem.problem)}”尚未填写整改措施",
                    "problems",
                )
            )
    return checks


def _short(text: str, length: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length] + "…"


@register("reporting")
def report_is_consistent(session: Session, evaluation: Evaluation) -> list[str]:
    """推进条件 of 报告撰写: the report passes every consistency check."""
    return [check.message for check in checks_of(session, evaluation)]


# --- the report as data (API and pages) ----------------------------------------------------------


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
) -> dict[str, Any]:
    """A section; `tasks` (open 报告章节 tasks by section) says who it is assigned to."""
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
    }


def report_view(session: Session, actor: User, evaluation_id: int) -> dict[str, Any]:
    """The report as the API and the pages show it: sections, problems, checks, comments."""
    evaluation = get_visible(session, actor, evaluation_id)
    sections = sections_of(session, evaluation)
    comments = comments_of(session, evaluation)
    tasks = section_tasks(session, evaluation)
    archive = archived_report(session, evaluation)
    editable = can_edit(actor, evaluation)
    return {
        "evaluation_id": evaluation.id,
        "title": report_draft.report_title(evaluation),
        "state": evaluation.state,
        "round": evaluation.round,
        "editable": editable,
        "can_comment": can_comment(actor, evaluation),
        "sections": [section_dict(s, n, comments, tasks) for n, s in enumerate(sections, start=1)],
        "problems": [problem_dict(p) for p in problems_of(session, evaluation)],
        "checks": [c.as_dict() for c in checks_of(session, evaluation)]
        if evaluation.state == "reporting"
        else [],
        "archived": None
        if archive is None
        else {"sha256": archive.sha256, "size": archive.size, "generated_at": archive.generated_at},
    }


# --- editing sections -----------------------------------------------------------------------


def _require_editable(actor: User, evaluation: Evaluation) -> None:
    if evaluation.state != "reporting":
        raise NotAllowed(
            f"报告只能在报告撰写阶段修改，当前阶段为{STATES[evaluation.state]}",
            code="report_read_only",
        )
    if not can_edit(actor, evaluation):
        raise NotAllowed("只有评价工作组的组长、副组长和成员可以修改报告")


def _section(session: Session, evaluation: Evaluation, key: str) -> ReportSection:
    section = session.scalar(
        select(ReportSection).where(
            ReportSection.evaluation_id == evaluation.id, ReportSection.key == key
        )
    )
    if section is None:
        raise NotFound(f"报告章节“{key}”不存在")
    return section


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
    section = _section(session, evaluation, key)
    if expected_version != section.version:
        raise Conflict(STALE_SECTION_MESSAGE, details={"current_version": section.version})
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_BODY:
        raise InvalidInput(f"章节内容过长（上限{MAX_BODY}字）", details=["body"])
    if body != section.body:
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
        audit(
            session,
            evaluation,
            actor,
            "report_section_saved",
            comment=f"修改报告章节“{section.title}”（第{section.version}版）",
            client_addr=client_addr,
            details={"section": key, "version": section.version},
        )
    session.refresh(section, ["updated_by"])
    comments = comments_of(session, evaluation)
    tasks = section_tasks(session, evaluation)
    return section_dict(section, _number(session, evaluation, section), comments, tasks)


def section_versions(
    session: Session, actor: User, evaluation_id: int, key: str
) -> list[dict[str, Any]]:
    """Every saved version of a section, oldest first."""
    evaluation = get_visible(session, actor, evaluation_id)
    section = _section(session, evaluation, key)
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


# --- problems and suggestions ---------------------------------------------------------------


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
    problems = []
    if spec.kind not in PROBLEM_KINDS:
        problems.append("kind：应为 problem（存在的问题）或 suggestion（有关建议）")
    if not (spec.problem or "").strip():
        problems.append("problem：问题或建议的内容不能为空")
    owner_id, owner_text = None, ""
    if isinstance(spec.owner, int) and not isinstance(spec.owner, bool):
        owner = session.get(User, spec.owner)
        if owner is None or owner.role != "unit_user" or owner.unit_id != evaluation.unit_id:
            problems.append("owner：责任人应为本单位用户，或直接填写责任人姓名")
        owner_id = spec.owner
    elif isinstance(spec.owner, str):
        owner_text = spec.owner.strip()[:200]
    elif spec.owner is not None:
        problems.append("owner：责任人应为用户编号或姓名")
    if problems:
        raise InvalidInput("；".join(problems), details=problems)
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


# --- review comments ------------------------------------------------------------------------


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
    if not can_comment(actor, evaluation):
        raise NotAllowed(
            "只有领导小组审批人（领导小组审核阶段）或财政局审核人（财政局审核阶段）可以提出审核意见"
        )
    section = _section(session, evaluation, section_key)
    body = (body or "").strip()
    if not body:
        raise InvalidInput("审核意见不能为空", details=["body"])
    comment = ReportComment(
        evaluation_id=evaluation.id,
        section_key=section.key,
        round=evaluation.round,
        stage=evaluation.state,
        author_id=actor.id,
        body=body[:MAX_BODY],
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


def list_comments(session: Session, actor: User, evaluation_id: int) -> list[dict[str, Any]]:
    """审核意见 by round: [{"round", "comments": […]}], oldest round first."""
    evaluation = get_visible(session, actor, evaluation_id)
    rounds: dict[int, list[dict[str, Any]]] = {}
    for comment in comments_of(session, evaluation):
        rounds.setdefault(comment.round, []).append(comment_dict(comment))
    return [{"round": n, "comments": items} for n, items in rounds.items()]


# --- the PDF, the Word file, the archive --------------------------------------------------------


@dataclass
class ReportFile:
    data: bytes
    filename: str
    sha256: str
    archived: bool = False


def _content(session: Session, evaluation: Evaluation):
    from workflow import report_render

    sections = _sections_or_preview(session, evaluation)
    return report_render.ReportContent.of(
        session, evaluation, sections, problems_of(session, evaluation)
    )


def _file(data: bytes, evaluation: Evaluation, ext: str, archived: bool = False) -> ReportFile:
    return ReportFile(
        data=data,
        filename=f"{report_draft.report_title(evaluation)}.{ext}",
        sha256=hashlib.sha256(data).hexdigest(),
        archived=archived,
    )


def report_pdf(session: Session, actor: User, evaluation_id: int, files: Any) -> ReportFile:
    """The report as PDF: the archived file, unchanged, once archived; otherwise rendered now."""
    evaluation = get_visible(session, actor, evaluation_id)
    archive = archived_report(session, evaluation)
    if archive is not None:
        data = files.read(archive.storage_key)
        if hashlib.sha256(data).hexdigest() != archive.sha256:
            raise Conflict(
                "归档报告文件校验失败（SHA-256 不符），请联系管理员", code="archive_corrupt"
            )
        return _file(data, evaluation, "pdf", archived=True)
    from workflow import report_render

    return _file(report_render.render_report_pdf(_content(session, evaluation)), evaluation, "pdf")


def report_docx(session: Session, actor: User, evaluation_id: int) -> ReportFile:
    """The same report as a Word file, for those who edit in Word."""
    from workflow import report_render

    evaluation = get_visible(session, actor, evaluation_id)
    data = report_render.render_report_docx(_content(session, evaluation))
    return _file(data, evaluation, "docx")


def _archive_on_enter(ctx: ActionContext, evaluation: Evaluation) -> None:
    """归档: render the final PDF once, store it, record its SHA-256, open the 整改 items."""
    from workflow import report_render

    if ctx.files is None:
        raise GuardFailed(
            "归档须保存签发的报告文件，但未提供文件存储", code="no_file_store", details=[]
        )
    session = ctx.session
    sections = _sections_or_draft(session, evaluation)
    problems = problems_of(session, evaluation)
    content = report_render.ReportContent.of(session, evaluation, sections, problems, final=True)
    data = report_render.render_report_pdf(content)
    sha256 = hashlib.sha256(data).hexdigest()
    key = documents.keep(session, ctx.files, data)
    session.add(
        ArchivedReport(
            evaluation_id=evaluation.id,
            sha256=sha256,
            storage_key=key,
            size=len(data),
            generated_at=content.generated_at,
            generated_by_id=ctx.actor.id if ctx.actor else None,
        )
    )
    for problem in problems:
        session.add(
            Rectification(
                evaluation_id=evaluation.id,
                problem_id=problem.id,
                kind=problem.kind,
                problem=problem.problem,
                cause=problem.cause,
                measure=problem.measure,
                owner_id=problem.owner_id,
                owner_text=problem.owner_text,
                due_date=problem.due_date,
                status="open",
                created_at=clock.now(),
            )
        )
    ctx.details.update(report_sha256=sha256, report_size=len(data), rectifications=len(problems))


on_enter("archived", _archive_on_enter)


def rectifications_of(session: Session, actor: User, evaluation_id: int) -> list[Rectification]:
    """整改事项 made at archive."""
    evaluation = get_visible(session, actor, evaluation_id)
    return list(
        session.scalars(
            select(Rectification)
            .where(Rectification.evaluation_id == evaluation.id)
            .order_by(Rectification.id)
        )
    )
