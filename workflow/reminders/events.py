"""事件通知 (event notices): the people an event concerns are told at once, in the inbox, and
by the same outbox as reminders (e-mail in the daily digest, the unit's webhook).

| kind 类型 | event 事件 | who is told |
|---|---|---|
| `task_assigned` 任务分派 | a task is created for, or passed on to, someone | that person |
| `report_submitted` 提交审核 | 推进 into 领导小组审核 | the 领导小组审批人 |
| `returned` 退回 (with the reason) | 退回 from either review | the working group and the 提交人 |
| `group_approved` 领导小组审核通过 | into 财政局审核 | the 组长 and the covering 财政局审核人 |
| `archived` 归档 | 财政局 审核通过 | everyone in the group |
| `rectification_handed_in` 整改待验收 | an 整改事项 handed in | the covering 财政局审核人 |
| `rectification_reviewed` 验收/退回 | accepted, or sent back (reason) | its owner, else the 组长 |

Nobody is told of what they did themselves; deactivated accounts are told nothing.

Written in the action's own transaction, not after its commit: a notice is then there exactly
when its event is (a refused or rolled-back action leaves none, a committed one cannot lose it
to a crash between two commits), which is the outbox's own design. Its unique key names the
event (the evaluation's version the action moved on, or the task's), so the same event can
never notify the same person twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.lifecycle.models import GROUP_ROLES, GROUP_WORKERS, Evaluation
from workflow.lifecycle.states import STATES, WORKING_STATES, ActionContext
from workflow.rectifications.models import Rectification
from workflow.reminders.models import Notification
from workflow.reminders.queue import insert_new, queue_outbox
from workflow.tasks.models import Task

#: The notification kinds of events (a subset of `NOTIFICATION_KINDS`).
EVENT_KINDS = (
    "task_assigned",
    "report_submitted",
    "returned",
    "group_approved",
    "archived",
    "rectification_handed_in",
    "rectification_reviewed",
)


@dataclass(frozen=True)
class Notice:
    """What one event tells its people: the text, where it links to, what it is about."""

    kind: str
    title: str
    body: str
    link: str
    target_type: str
    target_id: int
    evaluation_id: int
    event: str  # names the event in the unique key ("evaluation:7:v12", "task:3:v2")


def send(session: Session, notice: Notice, recipients: Iterable[int | None], actor: User) -> None:
    """Notify the active `recipients` (but not the `actor`) of `notice`, once each, and queue
    their e-mail and the unit's webhook, in the caller's transaction."""
    send_all(session, [(notice, recipients)], actor)


def send_all(
    session: Session, notices: Iterable[tuple[Notice, Iterable[int | None]]], actor: User
) -> int:
    """`send` for many notices at once (a campaign's 500 items): one read of who is active, one
    insert, one outbox queueing, whatever their number. Returns how many were new (a dedupe
    key already there sends nothing again)."""
    wanted = [
        (notice, {uid for uid in recipients if uid is not None and uid != actor.id})
        for notice, recipients in notices
    ]
    everyone = set().union(*(ids for _notice, ids in wanted)) if wanted else set()
    if not everyone:
        return 0
    active = set(session.scalars(select(User.id).where(User.id.in_(everyone), User.active)))
    batch, now = uuid.uuid4().hex, clock.now()
    rows = [
        {
            "dedupe_key": f"{notice.kind}:{uid}:{notice.event}",
            "user_id": uid,
            "kind": notice.kind,
            "target_type": notice.target_type,
            "target_id": notice.target_id,
            "evaluation_id": notice.evaluation_id,
            "title": notice.title[:400],
            "body": notice.body,
            "link": notice.link,
            "sweep_id": batch,
            "created_at": now,
        }
        for notice, ids in wanted
        for uid in sorted(ids & active)
    ]
    if not rows:
        return 0
    # How many were new (the dedupe key skips the rest): the ids a database returns, else the
    # row count (a multi-row INSERT's rowcount is not reliable everywhere).
    statement = insert_new(session, Notification).values(rows)
    if session.get_bind().dialect.insert_returning:
        inserted = len(session.execute(statement.returning(Notification.id)).all())
    else:
        inserted = session.execute(statement).rowcount
    queue_outbox(session, batch, now)
    return inserted


def _by(actor: User, role: str = "") -> str:
    label = roles.ROLE_LABELS.get(role)
    return f"{actor.display_name}（{label}）" if label else actor.display_name


def task_assigned(session: Session, task: Task, actor: User) -> None:
    """任务分派: the task's new holder is told (not the one who took it themselves)."""
    evaluation = task.evaluation
    due = f"，请于 {task.due_date} 前完成" if task.due_date else ""
    notice = Notice(
        kind="task_assigned",
        title=f"新任务：{task.title}",
        body=f"「{evaluation.project_name}」的任务「{task.title}」已由{_by(actor)}分派给您{due}。",
        link=f"/tasks/{task.id}",
        target_type="task",
        target_id=task.id,
        evaluation_id=evaluation.id,
        event=f"task:{task.id}:v{task.version}",
    )
    send(session, notice, [task.assignee_id], actor)


def _evaluation_notice(evaluation: Evaluation, kind: str, title: str, body: str) -> Notice:
    return Notice(
        kind=kind,
        title=f"{title}：{evaluation.project_name}",
        body=f"「{evaluation.project_name}」（{evaluation.unit.name}）{body}",
        link=f"/evaluations/{evaluation.id}",
        target_type="evaluation",
        target_id=evaluation.id,
        evaluation_id=evaluation.id,
        # the version this action moves on from: each action has its own
        event=f"evaluation:{evaluation.id}:v{evaluation.version}",
    )


def _finance_reviewers(session: Session, evaluation: Evaluation) -> list[int]:
    """The 财政局审核人 who may now take the review (`roles.acting_role`, the one rule)."""
    candidates = session.scalars(
        select(User).where(User.role == "finance_reviewer", User.bureau_id == evaluation.bureau_id)
    )
    return [u.id for u in candidates if roles.acting_role(u, "approve", evaluation)]


def _group(evaluation: Evaluation, group_roles: Iterable[str]) -> list[int]:
    return [uid for role in group_roles for uid in evaluation.ids_in(role)]


def announce(ctx: ActionContext, evaluation: Evaluation) -> None:
    """The lifecycle's hook (ON_ENTER): tell the people the action just taken concerns."""
    session, actor, state = ctx.session, ctx.actor, evaluation.state
    by = _by(actor, ctx.role)
    if ctx.action == "advance" and state == "group_review":
        notice = _evaluation_notice(
            evaluation,
            "report_submitted",
            "待您审核",
            f"的评价报告已由{by}提交领导小组审核，请审核。",
        )
        send(session, notice, evaluation.approver_ids, actor)
    elif ctx.action == "return" and state in WORKING_STATES:
        notice = _evaluation_notice(
            evaluation,
            "returned",
            "评价被退回",
            f"已被{by}退回至{STATES[state]}阶段。退回理由：{ctx.comment}",
        )
        told = [*_group(evaluation, GROUP_WORKERS), evaluation.submitted_by_id]
        send(session, notice, told, actor)
    elif ctx.action == "approve" and state == "finance_review":
        notice = _evaluation_notice(
            evaluation,
            "group_approved",
            "领导小组审核通过",
            "已通过领导小组审核，进入财政局审核。",
        )
        told = [*evaluation.ids_in("leader"), *_finance_reviewers(session, evaluation)]
        send(session, notice, told, actor)
    elif ctx.action == "approve" and state == "archived":
        notice = _evaluation_notice(
            evaluation, "archived", "评价已归档", f"已由{by}审核通过并归档。"
        )
        told = [*_group(evaluation, GROUP_ROLES), evaluation.submitted_by_id]
        send(session, notice, [*told, evaluation.created_by_id], actor)


def rectification_moved(session: Session, item: Rectification, actor: User, move: str) -> None:
    """整改: a handed-in item → the finance reviewers who may now accept it; an accepted or
    sent-back one → its owner, or the 组长 when the owner is outside the system."""
    evaluation = item.evaluation
    about = f"「{evaluation.project_name}」（{evaluation.unit.name}）的整改事项「{item.problem}」"
    if move == "finish":
        kind, title, body = (
            "rectification_handed_in",
            "整改事项待验收",
            f"已由{_by(actor)}整改完成，请验收。",
        )
        reviewers = session.scalars(
            select(User).where(
                User.role == "finance_reviewer", User.bureau_id == evaluation.bureau_id
            )
        )
        told = [u.id for u in reviewers if roles.can_rectification(u, "review", item)]
    elif move in ("accept", "reopen"):
        kind = "rectification_reviewed"
        if move == "accept":
            title, body = "整改事项已验收", f"已由{_by(actor)}验收通过。"
        else:
            title, body = "整改事项被退回", f"已被{_by(actor)}退回重新整改。退回理由：{item.reason}"
        told = [item.owner_id] if item.owner_id else evaluation.ids_in("leader")
    else:
        return
    notice = Notice(
        kind=kind,
        title=f"{title}：{item.problem}",
        body=about + body,
        link=f"/rectifications/{item.id}",
        target_type="rectification",
        target_id=item.id,
        evaluation_id=evaluation.id,
        event=f"rectification:{item.id}:v{item.version}",
    )
    send(session, notice, told, actor)
