"""Who is calling: a session cookie for pages, a bearer token for the API."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user

from web.database import db
from web.extensions import login_manager
from workflow.accounts import operations as accounts
from workflow.accounts.models import User
from workflow.kernel.errors import JixiaoError


def init_app(app: Flask) -> None:
    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        user = db().get(User, int(user_id))
        return user if user is not None and user.active else None


def api_user() -> User | None:
    """The user of a bearer token (`Authorization: Bearer …`), cached for the request."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g.api_user = (
            accounts.user_for_token(db(), token.strip())
            if scheme.lower() == "bearer" and token.strip()
            else None
        )
    return g.api_user


class Unauthorized(JixiaoError):
    code = "unauthorized"


def require_api_user() -> User:
    user = api_user()
    if user is None:
        raise Unauthorized("请提供有效的访问令牌（Authorization: Bearer …）")
    return user


def page_user() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def client_addr() -> str | None:
    return request.remote_addr
