"""提醒规则: the policy an administrator sets, and the working-day and delivery windows."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import InvalidInput, NotAllowed
from workflow.lifecycle.states import REVIEW_STAGES
from workflow.reminders.models import ReminderPolicy

#: A time of day as the policy writes it (北京时间), "08:30"; "24:00" ends a working day.
HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"
#: The reminder offsets (天) a policy may name, and the 审核上报 factor.
DAYS_RANGE = (1, 60)
FACTOR_RANGE = (1, 10)

DEFAULT_POLICY: dict[str, Any] = {
    "task_due_days": [3, 1],
    "task_overdue_daily": True,
    "task_escalation_days": 2,
    "stage_due_days": [7, 3, 1],
    "stage_overdue_daily": True,
    "rectification_due_days": [7, 1],
    "review_waiting_days": {"group_review": 2, "finance_review": 3},
    "review_escalation_factor": 2,
    "work_start": "08:30",
    "work_end": "18:00",
    "weekends": False,
    "digest_time": "09:00",
    "daily_digest": True,
}


def load_policy(session: Session) -> dict[str, Any]:
    """The reminder policy in force: the stored settings over the defaults."""
    row = session.get(ReminderPolicy, 1)
    stored = row.settings if row is not None else {}
    return {**DEFAULT_POLICY, **{k: v for k, v in stored.items() if k in DEFAULT_POLICY}}


def get_policy(session: Session, actor: User) -> dict[str, Any]:
    if not roles.can_manage_reminders(actor):
        raise NotAllowed("仅管理员可以查看或修改提醒规则")
    return load_policy(session)


def _parse_hhmm(value: str) -> time:
    if value == "24:00":
        return time.max
    return time.fromisoformat(value)


def _check_policy(policy: dict[str, Any]) -> None:
    problems = []
    for name, label in (
        ("task_due_days", "任务到期提醒天数"),
        ("stage_due_days", "阶段期限提醒天数"),
        ("rectification_due_days", "整改到期提醒天数"),
    ):
        days = policy[name]
        if not isinstance(days, list) or not all(isinstance(d, int) and 0 < d <= 60 for d in days):
            problems.append(f"{label}应为 1 至 60 之间的整数列表")
    if not 1 <= int(policy["task_escalation_days"]) <= 60:
        problems.append("任务逾期上报天数应在 1 至 60 之间")
    waiting = policy["review_waiting_days"]
    if set(waiting) != set(REVIEW_STAGES) or not all(
        isinstance(d, int) and 1 <= d <= 60 for d in waiting.values()
    ):
        problems.append("审核等待天数应为领导小组审核与财政局审核各 1 至 60 天")
    if not 1 <= int(policy["review_escalation_factor"]) <= 10:
        problems.append("审核上报倍数应在 1 至 10 之间")
    try:
        start, end = _parse_hhmm(policy["work_start"]), _parse_hhmm(policy["work_end"])
        _parse_hhmm(policy["digest_time"])
        if start >= end:
            problems.append("工作时段的开始时间应早于结束时间")
    except (TypeError, ValueError):
        problems.append("时间应写作 HH:MM（如 08:30）")
    if problems:
        raise InvalidInput(errors=problems)


@unit_of_work
def update_policy(session: Session, actor: User, changes: dict[str, Any]) -> dict[str, Any]:
    """修改提醒规则 (administrator): the given settings replace the current ones, others stay."""
    current = get_policy(session, actor)
    policy = {**current, **{k: v for k, v in changes.items() if k in DEFAULT_POLICY}}
    policy["task_due_days"] = sorted(set(policy["task_due_days"]), reverse=True)
    policy["stage_due_days"] = sorted(set(policy["stage_due_days"]), reverse=True)
    _check_policy(policy)
    row = session.get(ReminderPolicy, 1)
    if row is None:
        row = ReminderPolicy(id=1, settings={})
        session.add(row)
    row.settings = policy
    row.updated_by_id = actor.id
    row.updated_at = clock.now()
    return policy


def local(at: datetime) -> datetime:
    """A stored naive-UTC time as Beijing wall-clock time."""
    result = clock.to_local(at)
    assert result is not None
    return result


def is_working_day(policy: dict[str, Any], day: date) -> bool:
    """工作日: Monday to Friday unless the policy allows weekends (public holidays not known)."""
    return bool(policy["weekends"]) or day.weekday() < 5


def delivery_window(policy: dict[str, Any], at: datetime) -> bool:
    """May e-mail and webhooks go out at `at` (naive UTC)? Working days, within working hours."""
    moment = local(at)
    if not is_working_day(policy, moment.date()):
        return False
    start, end = _parse_hhmm(policy["work_start"]), _parse_hhmm(policy["work_end"])
    if policy["daily_digest"]:
        start = max(start, _parse_hhmm(policy["digest_time"]))
    return start <= moment.time() < end
