"""The Chinese web UI: one blueprint per area (auth, evaluations, admin)."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

import roles
from web.database import db
from workflow.reminders import inbox


def _nav() -> dict[str, bool]:
    """What the header offers the current user (the pages check again)."""
    if not current_user.is_authenticated:
        return {"nav_can_create": False, "nav_is_admin": False, "nav_unread": 0}
    user = current_user
    return {
        "nav_unread": inbox.unread_count(db(), user),
        "nav_can_create": roles.is_admin(user)
        or (user.unit_id is not None and roles.can_create_evaluation(user, user.unit_id)),
        "nav_is_admin": roles.is_admin(user),
    }


def register_pages(app: Flask) -> None:
    from web.pages import admin, auth, evaluations, indicators, notifications, reports, tasks

    for module in (auth, evaluations, indicators, tasks, reports, notifications, admin):
        app.register_blueprint(module.bp)
    app.context_processor(_nav)
