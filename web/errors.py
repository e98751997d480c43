"""Map errors once: JSON with a code and a Chinese message for the API, a page otherwise.

Bad input (400) also lists its problems in `fields`, one {"field", "message"} each (field null
for a problem of the input as a whole), beside `details` as it always was:

    {"code": "invalid_input", "message": "人工评分须写明评分依据",
     "details": ["reason：人工评分须写明评分依据"],
     "fields": [{"field": "reason", "message": "人工评分须写明评分依据"}]}
"""

from __future__ import annotations

import contextlib
import re

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from web import resume
from web.database import db
from workflow.kernel.errors import (
    Conflict,
    FieldError,
    GuardFailed,
    InvalidInput,
    JixiaoError,
    NotAllowed,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)

STATUS = {
    InvalidInput: 400,
    Unauthenticated: 401,
    NotAllowed: 403,
    NotFound: 404,
    GuardFailed: 409,
    Conflict: 409,
    TooManyAttempts: 429,
}
HTTP_MESSAGES = {
    400: ("invalid_input", "输入有误"),
    401: ("unauthorized", "请先登录或提供有效的访问令牌"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "页面或对象不存在"),
    405: ("method_not_allowed", "不支持此请求方法"),
    413: ("file_too_large", "上传内容过大"),
    429: ("too_many_attempts", "请求过于频繁，请稍后再试"),
    422: ("invalid_input", "输入有误"),
    500: ("server_error", "服务器内部错误"),
}
# webargs/marshmallow speak English; people reading our API errors read Chinese.
FIELD_MESSAGES = [
    (r"^Missing data for required field\.$", "必填"),
    (r"^Unknown field\.$", "未知字段"),
    (r"^Field may not be null\.$", "不能为空"),
    (r"^Not a valid integer\.$", "应为整数"),
    (r"^Not a valid (number|decimal)\.$", "应为数字"),
    (r"^Not a valid date\.$", "应为日期（YYYY-MM-DD）"),
    (r"^Not a valid datetime\.$", "应为时间（ISO 8601）"),
    (r"^Not a valid string\.$", "应为文本"),
    (r"^Not a valid boolean\.$", "应为 true 或 false"),
    (r"^Not a valid list\.$", "应为列表"),
    (r"^Invalid input type\.$", "类型错误"),
    (r"^Must be one of: (.*)\.$", r"取值应为：\1"),
    (r"^Shorter than minimum length (\d+)\.$", r"长度至少为 \1"),
    (r"^Longer than maximum length (\d+)\.$", r"长度至多为 \1"),
    (r"^Length must be between (\d+) and (\d+)\.$", r"长度应在 \1 到 \2 之间"),
    (
        r"^Must be greater than or equal to (\S+)(?: and less than or equal to (\S+))?\.$",
        r"应不小于 \1",
    ),
    (r"^Invalid JSON body\.$", "请求体不是有效的 JSON"),
]


def translate(messages):
    """Translate webargs' nested field messages to Chinese, keeping their structure."""
    if isinstance(messages, dict):
        return {k: translate(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [translate(m) for m in messages]
    if isinstance(messages, str):
        for pattern, repl in FIELD_MESSAGES:
            if re.match(pattern, messages):
                return re.sub(pattern, repl, messages)
    return messages


def _field_errors(messages, prefix: str = "") -> list[FieldError]:
    """webargs' nested messages as one problem per message, the field named by its path
    ("deductions.0.reason"; the location, json or form…, left out)."""
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            name = str(key) if key not in ("json", "form", "query", "files") else ""
            out += _field_errors(value, f"{prefix}.{name}" if prefix and name else name or prefix)
        return out
    if isinstance(messages, list):
        return [m for item in messages for m in _field_errors(item, prefix)]
    return [FieldError(prefix or None, str(messages))]


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _roll_back() -> None:
    """End the request's transaction before the error page reads the header's figures: a
    statement the database refused leaves it unusable until rolled back."""
    with contextlib.suppress(Exception):  # the error being answered matters more
        db().rollback()


def error_response(
    status: int, code: str, message: str, details=None, fields: list[FieldError] | None = None
):
    _roll_back()
    body: dict = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    if fields is not None:
        body["fields"] = [f.as_dict() for f in fields]
    if wants_json():
        return jsonify(body), status
    if fields:  # the page lists the problems in words, without the API's field names
        details = [f.text for f in fields]
    return render_template("error.html", status=status, message=message, details=details), status


UNAVAILABLE = "数据库暂时不可用，请稍后再试"
RETRY_AFTER = "5"  # seconds


def database_unavailable():
    """503 when the database cannot be reached: the session is dropped (its connection is
    dead) and the page is rendered without the header's figures, which would ask the database
    again; the pool's pre-ping reconnects on its own once the server is back."""
    with contextlib.suppress(Exception):
        current_app.extensions["jixiao.session"].remove()
    if wants_json():
        response = jsonify({"code": "database_unavailable", "message": UNAVAILABLE})
    else:
        # jinja_env directly: render_template would run the context processors (the menu)
        html = current_app.jinja_env.get_template("unavailable.html").render(message=UNAVAILABLE)
        response = current_app.response_class(html, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(JixiaoError)
    def _jixiao_error(exc: JixiaoError):
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), None)
        if status is None:
            status = 400
        fields = exc.errors if isinstance(exc, InvalidInput) else None
        return error_response(status, exc.code, exc.message, exc.details, fields)

    @app.errorhandler(DataError)
    def _data_error(exc: DataError):
        """The last resort for a value the checks at the door let through and the database
        refused (out of range, too long): the caller's input, so a 400, never a 500."""
        message = "输入有误：数值或文本超出允许范围"
        return error_response(400, "invalid_input", message, fields=[FieldError(None, message)])

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(exc: Exception):
        return database_unavailable()

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        # A page's own form carries its token: the login expired or the page is stale, so the
        # text is kept; a form without one (forged elsewhere) is simply refused.
        if resume.is_page_form() and request.form.get("csrf_token"):
            return resume.back_to_form()
        return error_response(400, "csrf", "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试")

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        code, message = HTTP_MESSAGES.get(status, ("error", exc.description or "请求失败"))
        details, fields = None, None
        data = getattr(exc, "data", None)
        if data and "messages" in data:
            details = translate(data["messages"])
            fields = _field_errors(details)
            message = "输入有误：" + "；".join(f.text for f in fields)
            code = "invalid_input"
            status = 400
        response = error_response(status, code, message, details, fields)
        if status == 405:  # which methods the resource does take (RFC 9110)
            body, status = response
            return body, status, {"Allow": ", ".join(exc.valid_methods or [])}
        return response
