"""站内通知 (the inbox): what the header's unread count, the inbox page and the API read.

A notification belongs to one person; anybody else asking for it gets NotFound.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import roles
from workflow import clock
from workflow.db import unit_of_work
from workflow.errors import InvalidInput, NotFound
from workflow.models import Unit, User
from workflow.notification_models import Notification, OutboxMessage, UnitSettings


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


def _admin_unit(session: Session, actor: User, unit_id: int) -> None:
    roles.require_admin(actor)
    if session.get(Unit, unit_id) is None:
        raise NotFound("预算单位不存在")


def unit_webhook(session: Session, actor: User, unit_id: int) -> dict[str, object]:
    """单位群机器人: the unit's webhook settings (off by default)."""
    _admin_unit(session, actor, unit_id)
    settings = session.get(UnitSettings, unit_id)
    if settings is None:
        return {"url": None, "enabled": False}
    return {"url": settings.webhook_url, "enabled": settings.webhook_enabled}


@unit_of_work
def set_unit_webhook(
    session: Session, actor: User, unit_id: int, url: str | None, enabled: bool
) -> dict[str, object]:
    """Set the unit's chat-robot webhook; switching it on needs an http(s) URL."""
    _admin_unit(session, actor, unit_id)
    url = (url or "").strip() or None
    if url is not None and urlsplit(url).scheme not in ("http", "https"):
        raise InvalidInput("Webhook 地址应以 http:// 或 https:// 开头", details=["url"])
    if enabled and url is None:
        raise InvalidInput("开启单位群机器人提醒需要填写 Webhook 地址", details=["url"])
    settings = session.get(UnitSettings, unit_id) or UnitSettings(unit_id=unit_id)
    settings.webhook_url, settings.webhook_enabled = url, enabled
    session.add(settings)
    return {"url": url, "enabled": enabled}
