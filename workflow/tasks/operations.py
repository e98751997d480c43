"""工作任务 services (组织实施): the 组长 creates tasks; members claim, transfer and complete them.

A task is `open` in the pool (no assignee), `claimed` while someone holds it, `done` when
completed with a result note and optional 佐证材料. Every event goes into the evaluation's audit
timeline. Leaving `implementation` needs every required task done.

A 报告章节 task names the report section it is for (a key of the outline for the evaluation's
kind); it can be completed only once that section has text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.documents import operations as documents
from workflow.documents.models import Document
from workflow.kernel import clock
from workflow.kernel import files as file_store
from workflow.kernel.access import get_visible, require
from workflow.kernel.audit import audit
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import Conflict, FieldError, GuardFailed, InvalidInput, NotAllowed
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import ActionContext
from workflow.reminders import events
from workflow.tasks.models import FINISHED_STATUSES, TASK_KINDS, Task, TaskAttachment
from workflow.tasks.queries import (
    _section_problems,
    completion_blockers,
    get_task,
    kind_label,
    section_title,
)


@dataclass
class TaskSpec:
    """A new task: kind (资料收集、现场核验…), title, assignee (None = 任务池), due date, and for
    a 报告章节 task the key of its report section."""

    kind: str
    title: str
    description: str = ""
    assignee_id: int | None = None
    due_date: date | None = None
    required: bool = True
    section: str | None = None


def _check_spec(evaluation: Evaluation, spec: TaskSpec) -> None:
    problems: list[FieldError] = []
    if spec.kind not in TASK_KINDS:
        kinds = "、".join(TASK_KINDS.values())
        problems.append(FieldError("kind", f"任务类型应为 {kinds}"))
    else:
        problems += _section_problems(evaluation, spec.kind, spec.section)
    if not spec.title.strip():
        problems.append(FieldError("title", "任务标题不能为空"))
    if spec.due_date is not None and spec.due_date < clock.today_local():
        today = clock.today_local().isoformat()
        problems.append(FieldError("due_date", f"完成期限不能早于今天（{today}）"))
    if spec.assignee_id is not None and not roles.is_group_worker(spec.assignee_id, evaluation):
        problems.append(FieldError("assignee", "任务只能分派给本评价工作组的组长、副组长或成员"))
    if problems:
        raise InvalidInput(errors=problems)


def _event(
    session: Session,
    task: Task,
    actor: User,
    action: str,
    comment: str = "",
    client_addr: str | None = None,
    **details,
) -> None:
    audit(
        session,
        task.evaluation,
        actor,
        action,
        comment=comment or f"{kind_label(task.kind)}：{task.title}",
        client_addr=client_addr,
        details={"task_id": task.id, "title": task.title, **details},
    )


def close_on_cancel(ctx: ActionContext, evaluation: Evaluation) -> None:
    """终止 closes the evaluation's unfinished tasks with it (their holders keep them listed
    as 已关闭); the 终止 event's details count them."""
    unfinished = ctx.session.scalars(
        select(Task).where(
            Task.evaluation_id == evaluation.id, Task.status.notin_(FINISHED_STATUSES)
        )
    ).all()
    for task in unfinished:
        task.status = "closed"
    if unfinished:
        ctx.session.flush()
        ctx.details["tasks_closed"] = len(unfinished)


@unit_of_work
def create_task(
    session: Session,
    actor: User,
    evaluation_id: int,
    spec: TaskSpec,
    client_addr: str | None = None,
) -> Task:
    """分派任务: the 组长 creates a task for a member, or for the pool (assignee None)."""
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "manage_tasks", evaluation)
    _check_spec(evaluation, spec)
    task = Task(
        evaluation=evaluation,
        kind=spec.kind,
        section=spec.section or None,
        title=spec.title.strip(),
        description=spec.description.strip(),
        assignee_id=spec.assignee_id,
        due_date=spec.due_date,
        required=spec.required,
        status="open" if spec.assignee_id is None else "claimed",
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    session.add(task)
    session.flush()
    _event(
        session,
        task,
        actor,
        "task_created",
        client_addr=client_addr,
        assignee=spec.assignee_id,
        kind=spec.kind,
        section=task.section,
    )
    events.task_assigned(session, task, actor)
    return task


def _editable(session: Session, actor: User, task_id: int, expected_version: int | None) -> Task:
    task = get_task(session, actor, task_id)
    if expected_version is not None and expected_version != task.version:
        raise Conflict("任务已被他人处理，请刷新")
    return task


@unit_of_work
def claim_task(
    session: Session,
    actor: User,
    task_id: int,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> Task:
    """领取任务: a member takes an open task from the pool."""
    task = _editable(session, actor, task_id, expected_version)
    if task.status != "open":
        raise Conflict("任务已被领取或已完成", code="task_taken")
    if not roles.can_claim_task(actor, task):
        raise NotAllowed("只有本评价工作组的组长、副组长或成员可以领取任务")
    task.assignee_id = actor.id
    task.status = "claimed"
    session.flush()
    _event(session, task, actor, "task_claimed", client_addr=client_addr)
    return task


@unit_of_work
def transfer_task(
    session: Session,
    actor: User,
    task_id: int,
    to_user_id: int,
    reason: str,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> Task:
    """转交任务: the holder (or the 组长) passes a task to another member, with a reason."""
    task = _editable(session, actor, task_id, expected_version)
    if task.status == "done":
        raise Conflict("任务已完成，不能转交；如需继续请组长重新打开", code="task_done")
    if not roles.can_transfer_task(actor, task):
        raise NotAllowed("只有任务负责人或组长可以转交任务")
    problems: list[FieldError] = []
    if not (reason or "").strip():
        problems.append(FieldError("reason", "转交任务须写明理由"))
    if not roles.is_group_worker(to_user_id, task.evaluation):
        problems.append(FieldError("to", "只能转交给本评价工作组的组长、副组长或成员"))
    elif to_user_id == task.assignee_id:
        problems.append(FieldError("to", "任务已由该成员负责"))
    if problems:
        raise InvalidInput(errors=problems)
    previous = task.assignee_id
    task.assignee_id = to_user_id
    task.status = "claimed"
    session.flush()
    _event(
        session,
        task,
        actor,
        "task_transferred",
        comment=reason.strip(),
        client_addr=client_addr,
        **{"from": previous, "to": to_user_id},
    )
    events.task_assigned(session, task, actor)
    return task


@unit_of_work
def set_task_section(
    session: Session,
    actor: User,
    task_id: int,
    section: str,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> Task:
    """指定章节: the 组长 sets or changes the report section of a 报告章节 task not yet done."""
    task = _editable(session, actor, task_id, expected_version)
    if task.kind != "report_section":
        raise InvalidInput.field("section", "只有“报告章节”任务可以指定报告章节")
    if task.status == "done":
        raise Conflict("任务已完成，不能更改章节；如需更改请先重新打开", code="task_done")
    if not roles.can_set_task_section(actor, task):
        raise NotAllowed("只有组长可以指定任务的报告章节")
    problems = _section_problems(task.evaluation, task.kind, section)
    if problems:
        raise InvalidInput(errors=problems)
    if section != task.section:
        previous = task.section
        task.section = section
        session.flush()
        _event(
            session,
            task,
            actor,
            "task_section_set",
            comment=f"报告章节：{section_title(task)}",
            client_addr=client_addr,
            **{"from": previous, "to": section},
        )
    return task


def _require_completable(session: Session, task: Task) -> None:
    blockers = completion_blockers(session, task)
    if blockers:
        raise GuardFailed(blockers[0], code="section_empty", details=blockers)


def _evidence(session: Session, task: Task, document_ids: list[int]) -> list[Document]:
    documents = []
    for document_id in dict.fromkeys(document_ids):
        document = session.get(Document, document_id)
        if document is None or document.evaluation_id != task.evaluation_id:
            raise InvalidInput.field("documents", f"附件（编号 {document_id}）不是本评价的文件")
        if document.deleted:
            raise InvalidInput.field("documents", f"附件“{document.filename}”已删除")
        if document.category != "evidence":
            raise InvalidInput.field("documents", f"附件“{document.filename}”须为佐证材料类文件")
        documents.append(document)
    return documents


@unit_of_work
def complete_task(
    session: Session,
    actor: User,
    task_id: int,
    note: str,
    document_ids: list[int] | None = None,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> Task:
    """完成任务: the holder completes it with a result note and optional 佐证材料."""
    task = _editable(session, actor, task_id, expected_version)
    if task.status == "done":
        raise Conflict("任务已完成", code="task_done")
    if not roles.can_complete_task(actor, task):
        raise NotAllowed("请先领取任务" if task.status == "open" else "只有任务负责人可以完成任务")
    if not (note or "").strip():
        raise InvalidInput("完成任务须填写结果说明", errors=[FieldError("note", "必填")])
    _require_completable(session, task)
    documents = _evidence(session, task, document_ids or [])
    attached = {a.document_id for a in task.attachments}
    task.attachments.extend(
        TaskAttachment(document_id=d.id) for d in documents if d.id not in attached
    )
    task.status = "done"
    task.result_note = note.strip()
    task.completed_at = clock.now()
    task.completed_by_id = actor.id
    session.flush()
    _event(
        session,
        task,
        actor,
        "task_completed",
        comment=task.result_note,
        client_addr=client_addr,
        documents=[d.id for d in documents],
    )
    return task


@unit_of_work
def complete_task_with_files(
    session: Session,
    actor: User,
    task_id: int,
    note: str,
    files: Sequence[tuple[str, BinaryIO]],
    store: file_store.DocumentStore,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> Task:
    """完成任务 from the page: store the uploaded 佐证材料 (category `evidence`) and complete the
    task with them, in one transaction."""
    task = _editable(session, actor, task_id, expected_version)
    if task.status != "done":  # before any file is stored
        if not roles.can_complete_task(actor, task):
            raise NotAllowed(
                "请先领取任务" if task.status == "open" else "只有任务负责人可以完成任务"
            )
        _require_completable(session, task)
    uploaded = [
        documents.add_document(
            session, actor, task.evaluation_id, "evidence", name, stream, store, client_addr
        )
        for name, stream in files
    ]
    return complete_task(
        session,
        actor,
        task_id,
        note,
        [document.id for document in uploaded],
        expected_version,
        client_addr,
    )


@unit_of_work
def reopen_task(
    session: Session,
    actor: User,
    task_id: int,
    reason: str,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> Task:
    """重新打开: the 组长 sends a done task back to its holder (or the pool), with a reason."""
    task = _editable(session, actor, task_id, expected_version)
    if not roles.can_reopen_task(actor, task):
        if not roles.can(actor, "manage_tasks", task.evaluation):
            raise NotAllowed("只有组长可以重新打开任务")
        raise Conflict("任务尚未完成，无需重新打开", code="task_not_done")
    if not (reason or "").strip():
        raise InvalidInput("重新打开任务须写明理由", errors=[FieldError("reason", "必填")])
    task.status = "open" if task.assignee_id is None else "claimed"
    task.completed_at = None
    task.completed_by_id = None
    session.flush()
    _event(session, task, actor, "task_reopened", comment=reason.strip(), client_addr=client_addr)
    return task
