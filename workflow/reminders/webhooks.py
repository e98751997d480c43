"""单位群机器人: a unit's webhook for reminders, set by administrators."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import Unit, User
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import InvalidInput, NotFound
from workflow.reminders.models import UnitSettings

#: How much of a webhook address's end a page shows (the rest is its secret key).
SHOWN_TAIL = 4


def masked_url(url: str | None) -> str | None:
    """A webhook address as a page shows it: its scheme and host, then only the last few
    characters of the rest ("https://qyapi.weixin.qq.com/…3f9a"), none of a short rest; the
    key in its path or query stays unsaid."""
    if not url:
        return None
    parts = urlsplit(url)
    rest = url.split(parts.netloc, 1)[-1] if parts.netloc else url
    tail = rest[-SHOWN_TAIL:] if len(rest) > 3 * SHOWN_TAIL else ""
    return f"{parts.scheme}://{parts.hostname or ''}/…{tail}"


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
        raise InvalidInput.field("url", "Webhook 地址应以 http:// 或 https:// 开头")
    if enabled and url is None:
        raise InvalidInput.field("url", "开启单位群机器人提醒需要填写 Webhook 地址")
    settings = session.get(UnitSettings, unit_id) or UnitSettings(unit_id=unit_id)
    settings.webhook_url, settings.webhook_enabled = url, enabled
    session.add(settings)
    return {"url": url, "enabled": enabled}
