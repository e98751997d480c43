"""Reading tasks: an evaluation's, mine and the pool, one task, what blocks its completion."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

import roles
from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.access import get_visible
from workflow.kernel.errors import FieldError, NotFound
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


def _with_details(stmt: Select) -> Select:
    return stmt.options(
        selectinload(Task.attachments).selectinload(TaskAttachment.document),
        selectinload(Task.assignee),
    )


def list_tasks(session: Session, actor: User, evaluation_id: int) -> list[Task]:
    """An evaluation's tasks, oldest first."""
    evaluation = get_visible(session, actor, evaluation_id)
    stmt = select(Task).where(Task.evaluation_id == evaluation.id).order_by(Task.id)
    return list(session.scalars(_with_details(stmt)))


def my_tasks(session: Session, actor: User, *, include_pool: bool = True) -> list[Task]:
    """我的待办任务: tasks held by the actor and not done, plus (optionally) pool tasks of
    evaluations where the actor is 组长、副组长 or 成员, across evaluations."""
    mine = Task.assignee_id == actor.id
    condition = mine
    if include_pool:
        groups = select(GroupMember.evaluation_id).where(
            GroupMember.user_id == actor.id, GroupMember.role.in_(GROUP_WORKERS)
        )
        condition = mine | ((Task.status == "open") & Task.evaluation_id.in_(groups))
    stmt = (
        select(Task)
        .join(Evaluation, Evaluation.id == Task.evaluation_id)
        .where(condition, Task.status != "done", roles.visible_evaluations(actor))
        .where(Evaluation.state.notin_(CLOSED_STATES))
        .order_by(Task.due_date.is_(None), Task.due_date, Task.id)
    )
    return list(session.scalars(_with_details(stmt)))


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
    keys = "、".join(f"{key}（{title}）" for key, title in section_choices(evaluation))
    if not section:
        return [FieldError("section", f"“报告章节”任务须指定报告章节，可选 {keys}")]
    if section not in dict(section_choices(evaluation)):
        kind_label = report_draft.EVALUATION_KINDS[evaluation.kind]
        return [FieldError("section", f"{kind_label}报告没有章节“{section}”，可选 {keys}")]
    return []
