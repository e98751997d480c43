"""Reading tasks: an evaluation's, mine and the pool, one task, what blocks its completion."""

from __future__ import annotations

from sqlalchemy import Select, select, union
from sqlalchemy.orm import Session, selectinload

import roles
from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.access import get_visible
from workflow.kernel.errors import FieldError, NotFound
from workflow.kernel.paging import FIRST_PAGE, Page, PageRequest, paginate
from workflow.lifecycle.models import GROUP_WORKERS, Evaluation, GroupMember
from workflow.lifecycle.states import CLOSED_STATES
from workflow.reports import checks as report_checks
from workflow.reports import draft as report_draft
from workflow.tasks.models import TASK_KINDS, TASK_STATUSES, Task, TaskAttachment


def kind_label(kind: str) -> str:
    return TASK_KINDS.get(kind, kind)


def status_label(status: str) -> str:
    return TASK_STATUSES.get(status, status)


def section_choices(evaluation: Evaluation) -> list[tuple[str, str]]:
    """The report sections a 报告章节 task may name: the outline for the evaluation's kind."""
    return list(report_draft.outline(evaluation.kind))


def section_title(task: Task) -> str | None:
    """The title of the task's report section (its key if the outline no longer has it)."""
    if task.section is None:
        return None
    return dict(section_choices(task.evaluation)).get(task.section, task.section)


def is_overdue(task: Task) -> bool:
    """逾期: not done and past its due date (Beijing calendar day)."""
    return task.is_overdue(clock.today_local())


def _with_details(stmt: Select, *, evaluations: bool = False) -> Select:
    """A task's attachments and holder with it; `evaluations` for lists across evaluations
    (one evaluation's own list finds it in the session, already loaded)."""
    details = [
        selectinload(Task.attachments).selectinload(TaskAttachment.document),
        selectinload(Task.assignee),
    ]
    if evaluations:
        details.append(selectinload(Task.evaluation).undefer(Evaluation.group_roles))
    return stmt.options(*details)


def list_tasks(
    session: Session,
    actor: User,
    evaluation_id: int,
    page: PageRequest = FIRST_PAGE,
    *,
    newest_first: bool = False,
) -> Page[Task]:
    """A page of an evaluation's tasks, oldest first (`newest_first` for its page)."""
    evaluation = get_visible(session, actor, evaluation_id)
    order = Task.id.desc() if newest_first else Task.id
    stmt = select(Task).where(Task.evaluation_id == evaluation.id).order_by(order)
    return paginate(session, _with_details(stmt), page)


#: Which of my tasks: held by me (not done), open in the pool of my groups, or both.
MINE, POOL, BOTH = "mine", "pool", "both"


def _held(actor: User) -> Select:
    return select(Task.id).where(Task.assignee_id == actor.id, Task.status != "done")


def _claimable(actor: User) -> Select:
    groups = select(GroupMember.evaluation_id).where(
        GroupMember.user_id == actor.id, GroupMember.role.in_(GROUP_WORKERS)
    )
    return select(Task.id).where(Task.status == "open", Task.evaluation_id.in_(groups))


def my_tasks(
    session: Session, actor: User, which: str = BOTH, page: PageRequest = FIRST_PAGE
) -> Page[Task]:
    """我的待办任务, a page at a time, the nearest due date first: tasks held by the actor and
    not done (MINE), open pool tasks of evaluations where the actor is 组长、副组长 or 成员
    (POOL), or both, across open evaluations. Each part is its own indexed SELECT (by assignee,
    by the groups' evaluations), never one OR over every task."""
    parts = {MINE: [_held(actor)], POOL: [_claimable(actor)]}.get(
        which, [_held(actor), _claimable(actor)]
    )
    ids = parts[0] if len(parts) == 1 else union(*parts)
    stmt = (
        select(Task)
        .join(Evaluation, Evaluation.id == Task.evaluation_id)
        .where(Task.id.in_(ids), roles.visible_evaluations(actor))
        .where(Evaluation.state.notin_(CLOSED_STATES))
        .order_by(Task.due_date.is_(None), Task.due_date, Task.id)
    )
    return paginate(session, _with_details(stmt, evaluations=True), page)


TASK_MISSING = "任务不存在"


def get_task(session: Session, actor: User, task_id: int) -> Task:
    """A task of an evaluation the actor may see; any other answers exactly as a missing one
    (404 "任务不存在"), so ids tell nothing of other units' work."""
    task = session.get(Task, task_id)
    try:
        if task is None:
            raise NotFound(TASK_MISSING)
        get_visible(session, actor, task.evaluation_id)
    except NotFound:
        raise NotFound(TASK_MISSING) from None
    return task


def completion_blockers(session: Session, task: Task) -> list[str]:
    """Why the task cannot be completed yet, whoever holds it: a 报告章节 task's section is
    still empty (or the report is not drafted yet)."""
    if task.kind != "report_section" or task.section is None:
        return []
    if not report_checks.section_is_empty(session, task.evaluation, task.section):
        return []
    return [f"报告章节“{section_title(task)}”尚未填写，请先在报告撰写中填写该章节，再完成任务"]


def _section_problems(evaluation: Evaluation, kind: str, section: str | None) -> list[FieldError]:
    """A 报告章节 task needs a section of the outline; no other kind may have one."""
    if kind != "report_section":
        return [FieldError("section", "只有“报告章节”任务可以指定报告章节")] if section else []
    keys = "、".join(f"“{title}”" for _, title in section_choices(evaluation))
    if not section:
        return [FieldError("section", f"“报告章节”任务须指定报告章节，可选 {keys}")]
    if section not in dict(section_choices(evaluation)):
        kind_label = report_draft.EVALUATION_KINDS[evaluation.kind]
        return [FieldError("section", f"{kind_label}报告没有章节“{section}”，可选 {keys}")]
    return []
