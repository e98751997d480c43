"""The JSON API's common parts: its blueprints (flask-smorest; bad input is a 400, never a 422),
the caller and the session, and the error responses each operation documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask_smorest import Blueprint
from flask_smorest.arguments import ArgumentsMixin
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from web.auth import require_api_user
from web.database import db
from web.input import json_body
from workflow.accounts.models import User
from workflow.kernel.paging import Page


class Parser(FlaskParser):
    """Bad input is a 400 (the contract), not webargs' default 422."""

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        """The body as `web.input` parsed and checked it (NUL, surrogates, depth, huge ints)."""
        if not is_json_request(req) or not req.get_data(cache=True):
            return core.missing
        return json_body()


ArgumentsMixin.ARGUMENTS_PARSER = Parser()


def make_blueprint(name: str, description: str, *, public: bool = False) -> Blueprint:
    """An API area. Every operation needs a valid token (401 first, before any input is read),
    unless the area is `public` and its views ask for the caller themselves (tokens)."""
    blp = Blueprint(name, __name__, url_prefix="/api/v1", description=description)
    if not public:
        blp.before_request(lambda: require_api_user() and None)
    return blp


ERRORS = {
    400: "输入有误：fields 逐项列出有误的字段（field）及中文说明（message）",
    401: "未登录",
    403: "无权操作",
    404: "不存在或不可见",
    409: "冲突或条件未满足",
    429: "登录失败次数过多，请稍后再试",
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


#: What a paged list's 200 response documents: flask-smorest's `X-Pagination` header.
PAGED = {Blueprint.PAGINATION_HEADER_NAME: "PAGINATION"}


def paged(page: Page, items: Iterable[Any] | None = None) -> tuple[list[Any], dict[str, str]]:
    """A paged list's body (a JSON array, `items` or the page's own) and its `X-Pagination`
    header, in flask-smorest's format (total, total_pages, page, next_page …)."""
    metadata = Blueprint._make_pagination_metadata(page.page, page.per_page, page.total)
    body = list(page.items if items is None else items)
    return body, {Blueprint.PAGINATION_HEADER_NAME: json.dumps(metadata)}
