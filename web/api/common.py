"""Helpers shared by the API modules."""

from __future__ import annotations

from web.auth import require_api_user
from web.database import db
from workflow.accounts.models import User

ERRORS = {
    400: "输入有误",
    401: "未登录",
    403: "无权操作",
    404: "不存在或不可见",
    409: "冲突或条件未满足",
}


def caller() -> User:
    """The authenticated API user (401 otherwise)."""
    return require_api_user()


def session():
    return db()


def document_errors(blp, *statuses: int):
    """Declare the JSON error responses in the OpenAPI document."""

    def decorate(fn):
        for status in statuses:
            fn = blp.alt_response(status, schema="ErrorSchema", description=ERRORS[status])(fn)
        return fn

    return decorate
