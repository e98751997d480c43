"""Who is calling: a session cookie for pages, a bearer token for the API.

A login cookie names the user and their session epoch (see `User.get_id`): logging out,
a password change or a deactivation raises the epoch, and every older cookie stops working.
A session idle for longer than `SESSION_IDLE_MINUTES` ends too.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from flask import Flask, current_app, flash, g, request, session
from flask_login import current_user, login_user, logout_user

from web.database import db
from web.extensions import login_manager
from workflow.accounts import operations as accounts
from workflow.accounts.models import ApiToken, User
from workflow.kernel import clock
from workflow.kernel.errors import Unauthenticated

DEFAULT_IDLE_MINUTES = 30
IDLE_MESSAGE = "长时间未操作，登录已失效，请重新登录"


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "SESSION_IDLE_MINUTES",
        int(os.environ.get("JIXIAO_SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES)),
    )

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        return accounts.user_for_session(db(), session_id)

    app.before_request(_end_idle_session)


def start_session(user: User) -> None:
    """Log `user` in on this browser (登录), the idle clock started."""
    login_user(user)
    session["seen"] = clock.now().isoformat()


def _end_idle_session() -> None:
    """Log out a page session idle too long; otherwise note that it was seen now."""
    if request.path.startswith(("/api/", "/static/")) or not current_user.is_authenticated:
        return
    now = clock.now()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    try:
        seen = datetime.fromisoformat(session.get("seen", ""))
    except ValueError:
        seen = None
    if seen is None or now - seen > idle:
        logout_user()
        session.pop("seen", None)
        flash(IDLE_MESSAGE, "warning")
        return
    session["seen"] = now.isoformat()


def api_token() -> ApiToken | None:
    """The token row of the request's bearer token (`Authorization: Bearer …`), cached."""
    if "api_token" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g.api_token = (
            accounts.token_row(db(), token.strip())
            if scheme.lower() == "bearer" and token.strip()
            else None
        )
    return g.api_token


def api_user() -> User | None:
    """The user of the request's bearer token, if any."""
    row = api_token()
    return row.user if row is not None else None


class Unauthorized(Unauthenticated):
    """No valid bearer token (401)."""


def require_api_user() -> User:
    user = api_user()
    if user is None:
        raise Unauthorized("请提供有效的访问令牌（Authorization: Bearer …）")
    return user


def page_user() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def client_addr() -> str | None:
    return request.remote_addr
