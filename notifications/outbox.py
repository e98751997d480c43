"""Deliver what the outbox holds: one digest per person (e-mail), one message per unit (webhook).

Each recipient is handled in a transaction of its own. On PostgreSQL the recipient is taken with
`pg_try_advisory_xact_lock` and its rows with `SELECT … FOR UPDATE SKIP LOCKED`, so two
deliverers running at once never send the same row twice; on SQLite (one machine, one process)
the plain SELECT is enough. A refused message stays `pending` with `attempts`, `last_error` and
a later `next_attempt_at` (exponential back-off); after `MAX_ATTEMPTS` it becomes `failed`,
is logged, and stays in the table: nothing is dropped silently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select, text
from sqlalchemy.orm import Session, selectinload

from notifications import render
from notifications.senders import DeliveryError, Mailer, Poster
from workflow.accounts.models import Unit, User
from workflow.reminders.models import Notification, OutboxMessage, UnitSettings

log = logging.getLogger("jixiao.notifications")

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 8
LOCK_NAMESPACE = {"email": 7_310_002, "webhook": 7_310_003}


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


@dataclass
class Delivery:
    """What one delivery run did, counted in outbox rows (`messages` counts what went out)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Outbound:
    mailer: Mailer | None
    poster: Poster | None
    base_url: str = ""


def deliver(
    session: Session,
    now: datetime,
    out: Outbound,
    *,
    digest_day: date | None = None,
    open_window: bool = True,
) -> Delivery:
    """Send everything due at `now` (naive UTC). With `digest_day`, a person gets at most one
    e-mail that (local) day; what comes later waits for the next day's digest. Outside the
    working window (`open_window` False) nothing is sent."""
    result = Delivery()
    if not open_window:
        return result
    session.rollback()  # start from a clean transaction
    due = (OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
    channels: list[tuple[str, Callable[[Session, int, Delivery], None]]] = []
    if out.mailer is not None:
        channels.append(("email", lambda s, uid, r: _email(s, uid, r, now, out, digest_day)))
    if out.poster is not None:
        channels.append(("webhook", lambda s, unit_id, r: _webhook(s, unit_id, r, now, out)))
    for channel, handle in channels:
        recipient = OutboxMessage.user_id if channel == "email" else OutboxMessage.unit_id
        ids = list(
            session.scalars(
                select(recipient).where(OutboxMessage.channel == channel, *due).distinct()
            )
        )
        session.rollback()
        for recipient_id in ids:
            if recipient_id is None or not _lock(session, channel, recipient_id):
                session.rollback()
                continue
            try:
                handle(session, recipient_id, result)
                session.commit()
            except BaseException:
                session.rollback()
                raise
    return result


def _lock(session: Session, channel: str, recipient_id: int) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:ns, :id)"),
            {"ns": LOCK_NAMESPACE[channel], "id": recipient_id},
        )
    )


def _claim(session: Session, now: datetime, *where) -> list[OutboxMessage]:
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now, *where)
        .order_by(OutboxMessage.id)
        .options(selectinload(OutboxMessage.notification).selectinload(Notification.user))
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


def _items(rows: list[OutboxMessage]) -> list[dict[str, str]]:
    return [
        {
            "title": row.notification.title,
            "body": row.notification.body,
            "link": row.notification.link,
            "recipient": row.notification.user.display_name,
        }
        for row in rows
    ]


def _email(
    session: Session,
    user_id: int,
    result: Delivery,
    now: datetime,
    out: Outbound,
    digest_day: date | None,
) -> None:
    if digest_day is not None and session.scalar(
        select(
            exists().where(
                OutboxMessage.user_id == user_id,
                OutboxMessage.channel == "email",
                OutboxMessage.status == "sent",
                OutboxMessage.digest_day == digest_day,
            )
        )
    ):
        return  # today's digest has gone out: the rest waits for tomorrow's
    rows = _claim(session, now, OutboxMessage.channel == "email", OutboxMessage.user_id == user_id)
    if not rows:
        return
    user = session.get(User, user_id)
    if user is None or not (user.active and user.email_enabled and user.email):
        _skip(rows, result, "用户没有可用的邮箱或已关闭邮件提醒")
        return
    subject, body = render.digest(user.display_name, _items(rows), out.base_url)
    assert out.mailer is not None
    _send(rows, result, now, lambda: out.mailer.send(user.email, subject, body), digest_day)


def _webhook(
    session: Session, unit_id: int, result: Delivery, now: datetime, out: Outbound
) -> None:
    rows = _claim(
        session, now, OutboxMessage.channel == "webhook", OutboxMessage.unit_id == unit_id
    )
    if not rows:
        return
    settings = session.get(UnitSettings, unit_id)
    if settings is None or not (settings.webhook_enabled and settings.webhook_url):
        _skip(rows, result, "单位未启用群机器人")
        return
    unit = session.get(Unit, unit_id)
    content = render.webhook_text(unit.name if unit else "", _items(rows), out.base_url)
    assert out.poster is not None
    _send(rows, result, now, lambda: out.poster.send(settings.webhook_url, content), None)


def _skip(rows: list[OutboxMessage], result: Delivery, reason: str) -> None:
    for row in rows:
        row.status, row.last_error = "skipped", reason
    result.skipped += len(rows)


def _send(
    rows: list[OutboxMessage],
    result: Delivery,
    now: datetime,
    send: Callable[[], None],
    digest_day: date | None,
) -> None:
    try:
        send()
    except DeliveryError as exc:
        _record_failure(rows, result, now, str(exc))
        return
    for row in rows:
        row.status, row.sent_at, row.attempts = "sent", now, row.attempts + 1
        row.digest_day = digest_day
        row.last_error = None
    result.sent += len(rows)
    result.messages += 1


def _record_failure(rows: list[OutboxMessage], result: Delivery, now: datetime, error: str) -> None:
    result.errors.append(error)
    for row in rows:
        row.attempts += 1
        row.last_error = error[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
            result.failed += 1
            log.error("通知投递失败（已放弃）outbox=%s key=%s: %s", row.id, row.key, error)
        else:
            row.next_attempt_at = now + backoff(row.attempts)
            result.retrying += 1
            log.warning(
                "通知投递失败，%s 后重试 outbox=%s: %s", backoff(row.attempts), row.id, error
            )
