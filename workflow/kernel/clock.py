"""The one source of "now": injectable so tests and `jixiao sweep --at` can move the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """Current time as a naive UTC datetime (how every timestamp is stored)."""
    return _now().astimezone(UTC).replace(tzinfo=None)


def set_now(fn: Callable[[], datetime] | None) -> None:
    """Replace the clock (None restores the real one); `fn` returns an aware datetime."""
    global _now
    _now = fn or (lambda: datetime.now(UTC))


def to_local(ts: datetime | None) -> datetime | None:
    """A stored naive-UTC timestamp in Beijing time, for display."""
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


def today_local():
    """Today's date in Asia/Shanghai: due dates are local calendar days."""
    return _now().astimezone(LOCAL_TZ).date()


@contextmanager
def days_ago(days: int) -> Iterator[None]:
    """Act as if `days` days ago (the demo and tests building a past: a task created then,
    now overdue); the clock is put back after."""
    global _now
    before = _now
    _now = lambda: before() - timedelta(days=days)  # noqa: E731
    try:
        yield
    finally:
        _now = before
