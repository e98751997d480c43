"""站内通知 (the inbox): what the header's unread count, the inbox page and the API read.

A notification belongs to one person; anybody else asking for it gets NotFound.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import NotFound
from workflow.reminders.models import Notification, OutboxMessage


def inbox(
    session: Session, user: User, *, limit: int = 50, unread_only: bool = False
) -> list[Notification]:
    """The user's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(session.scalars(stmt.order_by(Notification.id.desc()).limit(limit)))


def unread_count(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


@unit_of_work
def mark_read(session: Session, user: User, notification_id: int) -> Notification:
    """标为已读 (the first reading time is kept)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound("通知不存在")
    if notification.read_at is None:
        notification.read_at = clock.now()
    return notification


@unit_of_work
def mark_all_read(session: Session, user: User) -> int:
    """全部标为已读; returns how many were unread."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    return result.rowcount or 0


@unit_of_work
def set_email_preference(session: Session, user: User, enabled: bool) -> User:
    """邮件提醒开关: switching it off also stops e-mails already queued for the user."""
    user = session.get(User, user.id) or user
    user.email_enabled = enabled
    if not enabled:
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.user_id == user.id,
                OutboxMessage.channel == "email",
                OutboxMessage.status == "pending",
            )
            .values(status="skipped", last_error="用户已关闭邮件提醒")
        )
    return user
