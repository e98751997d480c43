"""提醒 (reminders): decide who must be reminded of what, now; `notifications/` delivers.

The sweep is set-based: each rule is one `INSERT … SELECT … ON CONFLICT DO NOTHING` into
`notifications`, keyed by rule + recipient + target + time window, so sweeping twice (or two
sweepers at once) creates each reminder exactly once. The outbox rows for e-mail and the unit's
webhook are inserted from the notifications of this sweep in the same transaction.

Rules (all days are Beijing calendar days, `workflow.kernel.clock`):
- `task_due`: a task due within the largest offset (3 days) → its assignee, once per offset
  window (3 and 1 days before; a sweep that missed the 3-day mark catches up once).
- `task_overdue`: every working day while overdue → the assignee.
- `task_escalation`: every working day once `task_escalation_days` (2) overdue → the 组长
  (also for unclaimed pool tasks).
- `stage_due` / `stage_overdue`: per-stage deadlines and the evaluation's overall due date
  (until archived) → the 组长, 7/3/1 days before and every working day once missed.
- `review_waiting`: `group_review` approvers who have not approved in this round after 2 days;
  `finance_review` reviewers of the covering bureau after 3 days; every working day. Who holds
  a review is `roles.holders("approve", stage)`, the permission table as SQL.
- `review_escalation`: at twice that → the 组长 and the system administrators (there is no unit
  administrator role: the administrators stand in for "the unit's administrator"), naming who
  is holding the review.
Quiet rules: the in-app notification is recorded whenever the sweep runs; e-mail and webhook
wait for the working window (`delivery_window`), and e-mail goes out as one digest a day.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

import roles
from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.audit import AuditEvent
from workflow.kernel.db import unit_of_work
from workflow.lifecycle.models import Evaluation, GroupMember
from workflow.lifecycle.states import CLOSED_STATES, FLOW, STAGES, WORKING_STATES
from workflow.rectifications.models import UNFINISHED, Rectification
from workflow.reminders.models import (
    DEADLINE_STAGES,
    Notification,
    OutboxMessage,
    StageDeadline,
)
from workflow.reminders.policy import is_working_day, load_policy, local
from workflow.reminders.queue import insert_new, queue_outbox
from workflow.tasks.models import Task

SWEEP_LOCK = 7_310_001  # pg_advisory_xact_lock: sweeps take turns (the unique key is the guarantee)


@dataclass
class SweepResult:
    """What one sweep queued: notifications per kind, outbox rows per channel."""

    sweep_id: str
    at: datetime
    notifications: dict[str, int] = field(default_factory=dict)
    outbox: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.notifications.values())


def _s(value: Any) -> ColumnElement[str]:
    if hasattr(value, "__clause_element__") or isinstance(value, ColumnElement):
        return cast(value, String)
    return literal(str(value))


def _cat(*parts: Any) -> ColumnElement[str]:
    """SQL string concatenation (`||` on SQLite and PostgreSQL) of columns and literals."""
    result = _s(parts[0])
    for part in parts[1:]:
        result = result + _s(part)
    return result


def _stage_order(column: ColumnElement[str]) -> ColumnElement[int]:
    return case({stage: i for i, stage in enumerate(FLOW)}, value=column, else_=len(FLOW))


@dataclass
class _Sweep:
    session: Session
    policy: dict[str, Any]
    now: datetime
    today: date
    sweep_id: str
    statements: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def working_day(self) -> bool:
        return is_working_day(self.policy, self.today)

    def add(self, kind: str, rows: Any) -> None:
        """`rows` selects (dedupe_key, user_id, target_type, target_id, evaluation_id, title,
        body, link); the constant columns are added here."""
        self.statements.append((kind, rows))

    def run(self) -> None:
        cols = [
            "dedupe_key",
            "user_id",
            "target_type",
            "target_id",
            "evaluation_id",
            "title",
            "body",
            "link",
            "kind",
            "sweep_id",
            "created_at",
        ]
        for kind, rows in self.statements:
            sub = rows.subquery()
            stmt = select(
                *[sub.c[c] for c in cols[:8]],
                literal(kind),
                literal(self.sweep_id),
                literal(self.now, DateTime),
            ).where(sub.c.user_id.is_not(None))
            self.session.execute(insert_new(self.session, Notification).from_select(cols, stmt))


def _offset_windows(offsets: list[int]) -> list[tuple[int, int, int]]:
    """[3, 1] → [(1, 0, 1), (3, 2, 3)]: offset N covers 'due in lo..hi days'."""
    windows, lo = [], 0
    for n in sorted(set(offsets)):
        windows.append((n, lo, n))
        lo = n + 1
    return windows


def _leaders():
    return aliased(GroupMember, name="leader")


def _task_notice(
    kind: str, user: Any, window: tuple[Any, ...], title: str, *body_tail: Any
) -> list[ColumnElement[Any]]:
    """The columns of one task reminder: who, which task, the window it is once per, the text."""
    return [
        _cat(f"{kind}:", user, ":task:", Task.id, ":", *window).label("dedupe_key"),
        user.label("user_id"),
        literal("task").label("target_type"),
        Task.id.label("target_id"),
        Task.evaluation_id.label("evaluation_id"),
        _cat(title, Task.title).label("title"),
        _cat("「", Evaluation.project_name, "」的任务「", Task.title, *body_tail).label("body"),
        _cat("/tasks/", Task.id).label("link"),
    ]


def _task_rules(sw: _Sweep) -> None:
    holder = aliased(User, name="holder")
    open_task = and_(
        Task.status != "done",
        Task.due_date.is_not(None),
        Evaluation.state.in_(WORKING_STATES),
    )
    base = select().select_from(Task).join(Evaluation, Evaluation.id == Task.evaluation_id)
    today = (sw.today.isoformat(),)
    for n, lo, hi in _offset_windows(sw.policy["task_due_days"]):
        sw.add(
            "task_due",
            base.add_columns(
                *_task_notice(
                    "task_due",
                    Task.assignee_id,
                    (Task.due_date, f":d{n}"),
                    "任务即将到期：",
                    "」将于 ",
                    Task.due_date,
                    " 到期，请按时完成。",
                )
            ).where(
                open_task,
                Task.assignee_id.is_not(None),
                Task.due_date.between(sw.today + timedelta(days=lo), sw.today + timedelta(days=hi)),
            ),
        )
    if not sw.working_day:
        return
    if sw.policy["task_overdue_daily"]:
        sw.add(
            "task_overdue",
            base.add_columns(
                *_task_notice(
                    "task_overdue",
                    Task.assignee_id,
                    today,
                    "任务已逾期：",
                    "」已于 ",
                    Task.due_date,
                    " 到期，尚未完成。",
                )
            ).where(open_task, Task.assignee_id.is_not(None), Task.due_date < sw.today),
        )
    leader = _leaders()
    cutoff = sw.today - timedelta(days=int(sw.policy["task_escalation_days"]))
    sw.add(
        "task_escalation",
        base.join(leader, and_(leader.evaluation_id == Task.evaluation_id, leader.role == "leader"))
        .outerjoin(holder, holder.id == Task.assignee_id)
        .add_columns(
            *_task_notice(
                "task_escalation",
                leader.user_id,
                today,
                "任务逾期未完成：",
                "」已于 ",
                Task.due_date,
                " 到期，逾期超过 ",
                sw.policy["task_escalation_days"],
                " 天仍未完成（负责人：",
                func.coalesce(holder.display_name, "任务池，尚无人领取"),
                "）。",
            )
        )
        .where(
            open_task,
            Task.due_date <= cutoff,
            or_(Task.assignee_id.is_(None), Task.assignee_id != leader.user_id),
        ),
    )


def _rectification_rules(sw: _Sweep) -> None:
    """整改事项 still to be worked on → their owner, N days before the due date; an owner only
    named in text (someone outside the system) cannot be reminded, so the 组长 is instead."""
    leader = _leaders()
    owner_or_leader = func.coalesce(Rectification.owner_id, leader.user_id)
    base = (
        select()
        .select_from(Rectification)
        .join(Evaluation, Evaluation.id == Rectification.evaluation_id)
        .outerjoin(
            leader,
            and_(
                leader.evaluation_id == Rectification.evaluation_id,
                leader.role == "leader",
                Rectification.owner_id.is_(None),
            ),
        )
    )
    for n, lo, hi in _offset_windows(sw.policy["rectification_due_days"]):
        sw.add(
            "rectification_due",
            base.add_columns(
                _cat(
                    "rectification_due:",
                    owner_or_leader,
                    ":rectification:",
                    Rectification.id,
                    ":",
                    Rectification.due_date,
                    f":d{n}",
                ).label("dedupe_key"),
                owner_or_leader.label("user_id"),
                literal("rectification").label("target_type"),
                Rectification.id.label("target_id"),
                Rectification.evaluation_id.label("evaluation_id"),
                _cat("整改事项即将到期：", Rectification.problem).label("title"),
                _cat(
                    "「",
                    Evaluation.project_name,
                    "」的整改事项「",
                    Rectification.problem,
                    "」应于 ",
                    Rectification.due_date,
                    " 前完成整改",
                    case(
                        (
                            Rectification.owner_id.is_(None),
                            _cat(
                                "（责任人",
                                func.coalesce(func.nullif(Rectification.owner_text, ""), "未指定"),
                                "不在系统中，请组长跟进）",
                            ),
                        ),
                        else_="",
                    ),
                    "：",
                    Rectification.measure,
                ).label("body"),
                _cat("/rectifications/", Rectification.id).label("link"),
            ).where(
                Rectification.status.in_(UNFINISHED),
                owner_or_leader.is_not(None),
                Rectification.due_date.between(
                    sw.today + timedelta(days=lo), sw.today + timedelta(days=hi)
                ),
            ),
        )


def _stage_rules(sw: _Sweep) -> None:
    deadlines = union_all(
        select(
            StageDeadline.evaluation_id.label("evaluation_id"),
            StageDeadline.stage.label("stage"),
            StageDeadline.due_date.label("due_date"),
        ),
        select(
            Evaluation.id.label("evaluation_id"),
            literal("archived").label("stage"),
            Evaluation.due_date.label("due_date"),
        ).where(Evaluation.due_date.is_not(None)),
    ).subquery("deadline")
    leader = _leaders()
    stage_label = case(
        {s: f"「{STAGES[s]}」阶段" for s in DEADLINE_STAGES},
        value=deadlines.c.stage,
        else_="评价整体",
    )
    due = deadlines.c.due_date
    base = (
        select()
        .select_from(deadlines)
        .join(Evaluation, Evaluation.id == deadlines.c.evaluation_id)
        .join(leader, and_(leader.evaluation_id == Evaluation.id, leader.role == "leader"))
        .where(
            Evaluation.state.not_in(CLOSED_STATES),
            _stage_order(Evaluation.state) <= _stage_order(deadlines.c.stage),
        )
    )

    def columns(key: ColumnElement[str], title: ColumnElement[str], body: ColumnElement[str]):
        return (
            key.label("dedupe_key"),
            leader.user_id.label("user_id"),
            literal("evaluation").label("target_type"),
            Evaluation.id.label("target_id"),
            Evaluation.id.label("evaluation_id"),
            title.label("title"),
            body.label("body"),
            _cat("/evaluations/", Evaluation.id).label("link"),
        )

    for n, lo, hi in _offset_windows(sw.policy["stage_due_days"]):
        sw.add(
            "stage_due",
            base.add_columns(
                *columns(
                    _cat(
                        "stage_due:",
                        leader.user_id,
                        ":evaluation:",
                        Evaluation.id,
                        ":",
                        deadlines.c.stage,
                        ":",
                        deadlines.c.due_date,
                        f":d{n}",
                    ),
                    _cat("期限临近：", Evaluation.project_name),
                    _cat(
                        "「",
                        Evaluation.project_name,
                        "」",
                        stage_label,
                        "须于 ",
                        deadlines.c.due_date,
                        " 前完成。",
                    ),
                )
            ).where(due.between(sw.today + timedelta(days=lo), sw.today + timedelta(days=hi))),
        )
    if sw.working_day and sw.policy["stage_overdue_daily"]:
        sw.add(
            "stage_overdue",
            base.add_columns(
                *columns(
                    _cat(
                        "stage_overdue:",
                        leader.user_id,
                        ":evaluation:",
                        Evaluation.id,
                        ":",
                        deadlines.c.stage,
                        ":",
                        sw.today.isoformat(),
                    ),
                    _cat("已逾期：", Evaluation.project_name),
                    _cat(
                        "「",
                        Evaluation.project_name,
                        "」",
                        stage_label,
                        "的期限 ",
                        deadlines.c.due_date,
                        " 已过，尚未完成。",
                    ),
                )
            ).where(due < sw.today),
        )


def _review_rules(sw: _Sweep) -> None:
    if not sw.working_day:
        return
    factor = int(sw.policy["review_escalation_factor"])
    for stage, days in sw.policy["review_waiting_days"].items():
        holders = roles.holders("approve", stage)  # who holds the review, not approved yet
        entered = (
            select(func.max(AuditEvent.at))
            .where(
                AuditEvent.evaluation_id == Evaluation.id,
                AuditEvent.to_state == stage,
                AuditEvent.from_state != stage,
            )
            .scalar_subquery()
        )
        since = func.coalesce(entered, Evaluation.updated_at)
        waiting = and_(Evaluation.state == stage, since <= sw.now - timedelta(days=int(days)))
        label = STAGES[stage]

        def key(kind: str, user: Any) -> ColumnElement[str]:
            return _cat(
                f"{kind}:",
                user,
                ":evaluation:",
                Evaluation.id,
                f":{stage}:r",  # noqa: B023
                Evaluation.round,
                ":",
                sw.today.isoformat(),
            )

        sw.add(
            "review_waiting",
            select(
                key("review_waiting", holders.c.user_id).label("dedupe_key"),
                holders.c.user_id.label("user_id"),
                literal("evaluation").label("target_type"),
                Evaluation.id.label("target_id"),
                Evaluation.id.label("evaluation_id"),
                _cat(f"待您审核（{label}）：", Evaluation.project_name).label("title"),
                _cat(
                    "「", Evaluation.project_name, f"」已在{label}等待超过 {days} 天，请尽快审核。"
                ).label("body"),
                _cat("/evaluations/", Evaluation.id).label("link"),
            )
            .join(holders, holders.c.evaluation_id == Evaluation.id)
            .where(waiting),
        )

        names = aliased(User, name="holder_user")
        held_by = (
            select(func.aggregate_strings(names.display_name, "、"))
            .select_from(holders)
            .join(names, names.id == holders.c.user_id)
            .where(holders.c.evaluation_id == Evaluation.id)
            .scalar_subquery()
        )
        told = _escalation_recipients()
        sw.add(
            "review_escalation",
            select(
                key("review_escalation", told.c.user_id).label("dedupe_key"),
                told.c.user_id.label("user_id"),
                literal("evaluation").label("target_type"),
                Evaluation.id.label("target_id"),
                Evaluation.id.label("evaluation_id"),
                _cat(f"审核滞留（{label}）：", Evaluation.project_name).label("title"),
                _cat(
                    "「",
                    Evaluation.project_name,
                    f"」在{label}已等待超过 {days * factor} 天，尚未审核的是：",
                    func.coalesce(held_by, "（无）"),
                    "。",
                ).label("body"),
                _cat("/evaluations/", Evaluation.id).label("link"),
            )
            .join(told, or_(told.c.evaluation_id == Evaluation.id, told.c.evaluation_id.is_(None)))
            .where(Evaluation.state == stage, since <= sw.now - timedelta(days=days * factor)),
        )


def _escalation_recipients():
    """The 组长 of each evaluation, and every active administrator (evaluation_id NULL)."""
    return union_all(
        select(GroupMember.evaluation_id.label("evaluation_id"), GroupMember.user_id).where(
            GroupMember.role == "leader"
        ),
        select(cast(null(), Integer).label("evaluation_id"), User.id.label("user_id")).where(
            User.role == "admin", User.active
        ),
    ).subquery("told")


@unit_of_work
def sweep(session: Session, at: datetime | None = None) -> SweepResult:
    """One reminder sweep as of `at` (naive UTC; default now): one transaction, idempotent."""
    now = at or clock.now()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SWEEP_LOCK})
    sw = _Sweep(session, load_policy(session), now, local(now).date(), uuid.uuid4().hex)
    _task_rules(sw)
    _stage_rules(sw)
    _review_rules(sw)
    _rectification_rules(sw)
    sw.run()
    queue_outbox(session, sw.sweep_id, now)
    result = SweepResult(sw.sweep_id, now)
    result.notifications = dict(
        session.execute(
            select(Notification.kind, func.count())
            .where(Notification.sweep_id == sw.sweep_id)
            .group_by(Notification.kind)
        ).all()
    )
    result.outbox = dict(
        session.execute(
            select(OutboxMessage.channel, func.count())
            .join(Notification, Notification.id == OutboxMessage.notification_id)
            .where(Notification.sweep_id == sw.sweep_id)
            .group_by(OutboxMessage.channel)
        ).all()
    )
    return result
