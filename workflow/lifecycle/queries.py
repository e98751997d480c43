"""Reading evaluations: lists, 我的待办, the actions a user may take, the audit timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload, undefer

import roles
from workflow.accounts.models import Unit, User
from workflow.kernel import clock
from workflow.kernel.access import get_visible
from workflow.kernel.audit import AuditEvent
from workflow.kernel.paging import FIRST_PAGE, Page, PageRequest, paginate
from workflow.lifecycle.approvals import (
    approvals_this_round,
    approved_this_round,
    required_approvals,
)
from workflow.lifecycle.models import EVALUATION_KINDS, Approval, Evaluation
from workflow.lifecycle.states import ACTIONS, CLOSED_STATES

#: 排序 of the evaluation list: key → (label, ORDER BY), the first the default.
SORTS: dict[str, tuple[str, tuple]] = {
    "newest": ("最新创建", (Evaluation.id.desc(),)),
    "due_date": ("完成期限", (Evaluation.due_date.is_(None), Evaluation.due_date, Evaluation.id)),
    "project_name": ("项目名称", (Evaluation.project_name, Evaluation.id)),
    "year": ("年度", (Evaluation.year.desc(), Evaluation.id.desc())),
    "updated": ("最近更新", (Evaluation.updated_at.desc(), Evaluation.id.desc())),
}


def list_statement(
    user: User,
    *,
    state: str | None = None,
    unit_id: int | None = None,
    year: int | None = None,
    kind: str | None = None,
    search: str | None = None,
    open_only: bool = False,
    sort: str = "newest",
    with_group: bool = False,
) -> Select:
    """The SELECT of the evaluations `user` may see, filtered and sorted (`open_only`: not
    已归档 or 已终止; `search`: in the project name): the list reads a page of it, the exports
    all of it. Each comes with its unit, in the same SELECT; `with_group` also reads who holds
    which role (for permissions)."""
    stmt: Select = select(Evaluation).where(roles.visible_evaluations(user))
    if state:
        stmt = stmt.where(Evaluation.state == state)
    if open_only:
        stmt = stmt.where(Evaluation.state.notin_(CLOSED_STATES))
    if unit_id:
        stmt = stmt.where(Evaluation.unit_id == unit_id)
    if year:
        stmt = stmt.where(Evaluation.year == year)
    if kind:
        stmt = stmt.where(Evaluation.kind == kind)
    if search:
        stmt = stmt.where(Evaluation.project_name.icontains(search, autoescape=True))
    if with_group:
        stmt = stmt.options(undefer(Evaluation.group_roles))
    return stmt.order_by(*SORTS.get(sort, SORTS["newest"])[1])


def list_visible(
    session: Session, user: User, *, page: PageRequest = FIRST_PAGE, **filters: Any
) -> Page[Evaluation]:
    """评价列表: one page of `list_statement` (the same filters)."""
    return paginate(session, list_statement(user, **filters), page)


def visible_units(session: Session, user: User) -> list[Unit]:
    """The units whose evaluations `user` may see, by name (the list's 预算单位 filter)."""
    return list(session.scalars(select(Unit).where(roles.visible_units(user)).order_by(Unit.name)))


def available_actions(
    session: Session,
    user: User,
    evaluation: Evaluation,
    approved_by: roles.ApprovedBy | None = None,
) -> list[str]:
    """The actions `user` may take now (the page's buttons): `roles.allowed_actions`, the same
    decision `operations.perform` takes when one is pressed (`approved_by`: who approved this
    round, when a list has read it for its whole page)."""
    approved = approved_by or approved_this_round(session, evaluation)
    return roles.allowed_actions(user, evaluation, approved)


def todo(
    session: Session, user: User, page: PageRequest = FIRST_PAGE
) -> Page[tuple[Evaluation, list[str]]]:
    """我的待办: the evaluations where `user` can take an action now (终止 aside), the one
    waiting longest first, with those actions. Set-based: `roles.waiting_actions` says which
    in one query; a page costs two statements however many there are (the page with the
    total beside each row, then the page's actions)."""
    bound = {roles.WAITING_USER: user.id}
    waiting = roles.waiting_actions().subquery("waiting")
    stmt = (
        select(Evaluation, func.count().over())
        .where(Evaluation.id.in_(select(waiting.c.evaluation_id)))
        .order_by(waiting_since(), Evaluation.id)
        .limit(page.per_page)
        .offset(page.offset)
    )
    rows = session.execute(stmt, bound).all()
    total = rows[0][1] if rows else 0
    if not rows and page.page > 1:  # past the last page: how many there are, for the pager
        distinct = select(func.count(func.distinct(waiting.c.evaluation_id)))
        total = session.scalar(distinct, bound) or 0
    actions: dict[int, set[str]] = defaultdict(set)
    if rows:
        on_page = [evaluation.id for evaluation, _total in rows]
        found = session.execute(
            select(waiting.c.evaluation_id, waiting.c.action).where(
                waiting.c.evaluation_id.in_(on_page)
            ),
            bound,
        )
        for evaluation_id, action in found:
            actions[evaluation_id].add(action)
    items = [(e, [a for a in ACTIONS if a in actions[e.id]]) for e, _total in rows]
    return Page(items, total, page.page, page.per_page)


def waiting_since():
    """Since when an evaluation waits in its stage (its creation for rows written before the
    column existed)."""
    return func.coalesce(Evaluation.stage_entered_at, Evaluation.created_at)


def waiting_days(evaluation: Evaluation, today: date | None = None) -> int:
    """等待天数: whole days (Beijing calendar) since the evaluation entered its stage."""
    since = clock.to_local(evaluation.stage_entered_at or evaluation.created_at)
    return max(0, ((today or clock.today_local()) - since.date()).days)


#: 我的已办: the audit events that are someone's decision or work on an evaluation.
DONE_EVENTS = (
    *ACTIONS,  # 推进、审核通过、退回、撤回、终止
    "indicator_scored",
    "scores_finalized",
    "task_claimed",
    "task_transferred",
    "task_completed",
    "report_section_saved",
    "report_section_regenerated",
    "report_commented",
    "rectification_finished",  # 整改完成, by the owner or the 组长
    "rectification_accepted",  # 验收 and 退回 of 整改, by the finance bureau
    "rectification_reopened",
)


def done(session: Session, user: User, page: PageRequest = FIRST_PAGE) -> Page[AuditEvent]:
    """我的已办: what `user` acted on (approved, returned, scored, completed …), newest first,
    on evaluations they may still see."""
    stmt = (
        select(AuditEvent)
        .join(Evaluation, Evaluation.id == AuditEvent.evaluation_id)
        .where(
            AuditEvent.actor_id == user.id,
            AuditEvent.action.in_(DONE_EVENTS),
            roles.visible_evaluations(user),
        )
        .options(contains_eager(AuditEvent.evaluation))
        .order_by(AuditEvent.id.desc())
    )
    return paginate(session, stmt, page)


@dataclass(frozen=True)
class AuditFilter:
    """What a 审计记录 list is narrowed to: one 事件类型 (`action`, an `EVENTS` key), one
    操作人 (`actor_id`); None is every one."""

    action: str | None = None
    actor_id: int | None = None

    def apply(self, stmt: Select) -> Select:
        """`stmt` (of AuditEvent) with these conditions, in SQL."""
        if self.action is not None:
            stmt = stmt.where(AuditEvent.action == self.action)
        if self.actor_id is not None:
            stmt = stmt.where(AuditEvent.actor_id == self.actor_id)
        return stmt


ALL_EVENTS = AuditFilter()


@dataclass(frozen=True)
class AuditChoices:
    """What an evaluation's 审计记录 can be filtered by: the actions and the people in it."""

    actions: list[str]
    actors: list[User]


def audit_choices(session: Session, evaluation: Evaluation) -> AuditChoices:
    """The 事件类型 and 操作人 that occur in the evaluation's 审计记录 (two small SELECTs)."""
    of_evaluation = AuditEvent.evaluation_id == evaluation.id
    actions = session.scalars(select(AuditEvent.action).where(of_evaluation).distinct()).all()
    actor_ids = select(AuditEvent.actor_id).where(of_evaluation).distinct()
    actors = session.scalars(
        select(User).where(User.id.in_(actor_ids)).order_by(User.display_name, User.id)
    ).all()
    return AuditChoices(sorted(actions), list(actors))


def audit_log(
    session: Session,
    user: User,
    evaluation_id: int,
    page: PageRequest = FIRST_PAGE,
    *,
    newest_first: bool = False,
    task_id: int | None = None,
    filters: AuditFilter = ALL_EVENTS,
) -> Page[AuditEvent]:
    """审计时间线: a page of the evaluation's events, oldest first (`newest_first` for the
    evaluation page); `task_id`: only that task's (the task page's history); `filters`: one
    事件类型 and/or one 操作人."""
    evaluation = get_visible(session, user, evaluation_id)
    stmt = filters.apply(select(AuditEvent).where(AuditEvent.evaluation_id == evaluation.id))
    if task_id is not None:
        stmt = stmt.where(AuditEvent.details["task_id"].as_integer() == task_id)
    order = AuditEvent.id.desc() if newest_first else AuditEvent.id
    return paginate(session, stmt.options(selectinload(AuditEvent.actor)).order_by(order), page)


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
