"""发件箱排队: the outbox rows (e-mail, the unit's webhook) for one batch of notifications.

A batch is what one reminder sweep created, or what one event (退回, 归档 …) created: the
notifications carry its id in `sweep_id`. Both the sweep (`workflow.reminders.sweep`) and the
event notices (`workflow.reminders.events`) queue through here, so e-mail goes into the same
daily digest and the webhook into the same delivery (`notifications.outbox`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, cast, literal, null, select
from sqlalchemy.orm import Session

from workflow.accounts.models import User
from workflow.lifecycle.models import Evaluation
from workflow.reminders.models import Notification, OutboxMessage, UnitSettings


def insert_new(session: Session, model: Any):
    """INSERT for `model` that skips rows whose unique key exists (add `.values()` or
    `.from_select()`): how a reminder or an event notice is made exactly once. PostgreSQL and
    SQLite say ON CONFLICT DO NOTHING; MySQL/MariaDB INSERT IGNORE (which also lets other
    errors pass as warnings: the rows are built from the database's own, so none arise)."""
    dialect = session.get_bind().dialect.name
    if dialect in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        return mysql_insert(model).prefix_with("IGNORE")
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model).on_conflict_do_nothing()


_COLUMNS = [
    "key",
    "channel",
    "notification_id",
    "user_id",
    "unit_id",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
]


def queue_outbox(session: Session, batch_id: str, at: datetime) -> None:
    """Outbox rows for the notifications of batch `batch_id`: e-mail for people who want it,
    the unit's webhook where one is switched on. Same key as the notification, so also
    exactly once."""
    now = literal(at, DateTime)
    email = (
        select(
            Notification.dedupe_key,
            literal("email"),
            Notification.id,
            Notification.user_id,
            cast(null(), Integer),
            literal("pending"),
            literal(0),
            now,
            now,
        )
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.sweep_id == batch_id,
            User.active,
            User.email_enabled,
            User.email.is_not(None),
            User.email != "",
        )
    )
    webhook = (
        select(
            Notification.dedupe_key,
            literal("webhook"),
            Notification.id,
            Notification.user_id,
            Evaluation.unit_id,
            literal("pending"),
            literal(0),
            now,
            now,
        )
        .join(Evaluation, Evaluation.id == Notification.evaluation_id)
        .join(UnitSettings, UnitSettings.unit_id == Evaluation.unit_id)
        .where(
            Notification.sweep_id == batch_id,
            UnitSettings.webhook_enabled,
            UnitSettings.webhook_url.is_not(None),
        )
    )
    for stmt in (email, webhook):
        session.execute(insert_new(session, OutboxMessage).from_select(_COLUMNS, stmt))
