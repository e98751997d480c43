"""Reading evaluations: lists, 我的待办, the actions a user may take, the audit timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

import roles
from workflow.accounts.models import User
from workflow.kernel.access import get_visible
from workflow.kernel.audit import AuditEvent
from workflow.lifecycle.approvals import (
    approvals_this_round,
    approved_this_round,
    required_approvals,
)
from workflow.lifecycle.models import EVALUATION_KINDS, Approval, Evaluation
from workflow.lifecycle.states import CLOSED_STATES


def list_visible(
    session: Session,
    user: User,
    *,
    state: str | None = None,
    unit_id: int | None = None,
    year: int | None = None,
    open_only: bool = False,
) -> list[Evaluation]:
    """评价列表: the evaluations `user` may see, newest first, optionally filtered (`open_only`:
    not 已归档 or 已终止). Each comes with its unit; its group is read from the row."""
    stmt: Select = select(Evaluation).where(roles.visible_evaluations(user))
    if state:
        stmt = stmt.where(Evaluation.state == state)
    if open_only:
        stmt = stmt.where(Evaluation.state.notin_(CLOSED_STATES))
    if unit_id:
        stmt = stmt.where(Evaluation.unit_id == unit_id)
    if year:
        stmt = stmt.where(Evaluation.year == year)
    stmt = stmt.options(selectinload(Evaluation.unit))
    return list(session.scalars(stmt.order_by(Evaluation.id.desc())))


def available_actions(session: Session, user: User, evaluation: Evaluation) -> list[str]:
    """The actions `user` may take now (the page's buttons): `roles.allowed_actions`, the same
    decision `operations.perform` takes when one is pressed."""
    return roles.allowed_actions(user, evaluation, approved_this_round(session, evaluation))


def todo(session: Session, user: User) -> list[tuple[Evaluation, list[str]]]:
    """我的待办: visible open evaluations where `user` can take an action now."""
    items = []
    for evaluation in list_visible(session, user, open_only=True):
        actions = [a for a in available_actions(session, user, evaluation) if a != "cancel"]
        if actions:
            items.append((evaluation, actions))
    return items


def audit_log(session: Session, user: User, evaluation_id: int) -> list[AuditEvent]:
    """审计时间线: the evaluation's events, oldest first."""
    evaluation = get_visible(session, user, evaluation_id)
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.evaluation_id == evaluation.id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.id)
        )
    )


def approvals(session: Session, evaluation: Evaluation) -> list[Approval]:
    """Every approval ever recorded, by round (for the approval page of the report)."""
    return list(
        session.scalars(
            select(Approval)
            .where(Approval.evaluation_id == evaluation.id)
            .options(selectinload(Approval.user))
            .order_by(Approval.round, Approval.id)
        )
    )


def kind_label(kind: str) -> str:
    return EVALUATION_KINDS.get(kind, kind)


@dataclass(frozen=True)
class ActionNote:
    """One workflow action as the evaluation page recalls it: who, when, to which state, why
    (最近一次退回, the 终止)."""

    by: str
    by_id: int | None
    role: str
    at: datetime
    to: str
    reason: str
    round: int


#: The latest 退回 (its shape in the API is `last_return`).
ReturnNote = ActionNote


def _latest(session: Session, evaluation: Evaluation, action: str) -> AuditEvent | None:
    return session.scalar(
        select(AuditEvent)
        .where(AuditEvent.evaluation_id == evaluation.id, AuditEvent.action == action)
        .order_by(AuditEvent.id.desc())
        .limit(1)
        .options(selectinload(AuditEvent.actor))
    )


def _note(event: AuditEvent) -> ActionNote:
    return ActionNote(
        by=event.actor.display_name if event.actor else "",
        by_id=event.actor_id,
        role=event.actor_role,
        at=event.at,
        to=event.to_state or "",
        reason=event.comment,
        round=event.round,
    )


def last_return(session: Session, evaluation: Evaluation) -> ActionNote | None:
    """The latest 退回, until the evaluation is submitted (推进 into 领导小组审核) again."""
    event = _latest(session, evaluation, "return")
    if event is None:
        return None
    resubmitted = session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.evaluation_id == evaluation.id,
            AuditEvent.id > event.id,
            AuditEvent.action == "advance",
            AuditEvent.to_state == "group_review",
        )
    )
    return None if resubmitted is not None else _note(event)


def cancellation(session: Session, evaluation: Evaluation) -> ActionNote | None:
    """终止: who stopped the evaluation, when and why (None unless it is 已终止)."""
    if evaluation.state != "cancelled":
        return None
    event = _latest(session, evaluation, "cancel")
    return None if event is None else _note(event)


@dataclass(frozen=True)
class ApprovalProgress:
    """领导小组审核 this round: how many of the approvals the policy needs are in, and the
    approvers who have not approved yet."""

    done: int
    needed: int
    waiting: list[User]

    def message(self) -> str:
        """The flash after an approval: 您已同意（1/2），待周建华审核 (or 尚需 1 人同意（…）
        when any of several will do)."""
        names = "、".join(u.display_name for u in self.waiting)
        head = f"您已同意（{self.done}/{self.needed}）"
        missing = self.needed - self.done
        if missing <= 0 or not names:
            return head
        if missing == len(self.waiting):
            return f"{head}，待{names}审核"
        return f"{head}，尚需 {missing} 人同意（{names}）"


def approval_progress(session: Session, evaluation: Evaluation) -> ApprovalProgress:
    approver_ids = list(dict.fromkeys(evaluation.approver_ids))
    approved = {
        a.user_id
        for a in approvals_this_round(session, evaluation, "group_review")
        if a.user_id in approver_ids
    }
    pending = [uid for uid in approver_ids if uid not in approved]
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(pending)))}
    return ApprovalProgress(
        done=len(approved),
        needed=max(required_approvals(evaluation), 1),
        waiting=[users[uid] for uid in pending if uid in users],
    )
