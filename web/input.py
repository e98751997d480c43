"""Hostile input refused at the door (输入检查), once for every page and API call.

An id no column can hold never reaches the database (the `int` route converter answers 404),
nor does a number beyond the column (`Integer` fields answer 400 "超出范围"). Text with a NUL
byte or a lone surrogate, which PostgreSQL refuses with a 500, is a 400 on its field, whether it
came in a query string, a form or JSON; JSON nested or numbered past reason (100,000 brackets,
a 5,000-digit integer, NaN) is a 400 before anything reads it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, g, request
from werkzeug.routing import IntegerConverter

from workflow.kernel.errors import FieldError, InvalidInput, NotFound

# PostgreSQL's `integer`, the type of every id and count column.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
RANGE_MESSAGE = "超出范围"
TEXT_MESSAGE = "不能包含空字符或无效字符"
BAD_JSON = "请求体不是有效的 JSON"
MAX_JSON_DEPTH = 32

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: at most ten digits and within `integer`, else the route does not
    match (404: no object has that id)."""

    regex = r"\d{1,10}"

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def query_int(name: str) -> int | None:
    """A page's numeric filter from the query string; None (no filter) unless an `integer`."""
    value = request.args.get(name, type=int)
    return value if value is not None and INT_MIN <= value <= INT_MAX else None


def bad_text(value: str) -> bool:
    """True if `value` holds a NUL byte or a lone surrogate (no database stores either)."""
    return bool(_BAD_TEXT.search(value))


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity: not JSON


def json_body() -> Any:
    """The request's JSON, parsed once and checked: every string free of NUL and lone
    surrogates, nested at most `MAX_JSON_DEPTH` deep (`InvalidInput` otherwise)."""
    if "json_body" not in g:
        data = request.get_data(cache=True)
        try:
            value = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, RecursionError, UnicodeDecodeError):
            # ValueError covers JSONDecodeError and an integer of more than 4,300 digits
            raise InvalidInput(BAD_JSON, errors=[FieldError(None, BAD_JSON)]) from None
        _check_json(value, "", 0)
        g.json_body = value
    return g.json_body


def _check_json(value: Any, path: str, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise InvalidInput(f"{BAD_JSON}（嵌套过深）")
    if isinstance(value, str):
        if bad_text(value):
            raise InvalidInput.field(path or "json", TEXT_MESSAGE)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if bad_text(key):
                raise InvalidInput.field(path or "json", TEXT_MESSAGE)
            _check_json(item, name, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}.{index}" if path else str(index), depth + 1)


def screen_request() -> None:
    """Refuse a query string, form or JSON body carrying text no database stores; a path
    with such text names nothing (404)."""
    if bad_text(request.path):
        raise NotFound("页面或对象不存在")
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if name is None:  # a multipart part without a name: nothing can read it
                raise InvalidInput("表单中有未命名的字段")
            if bad_text(name) or bad_text(value or ""):
                raise InvalidInput.field(name.replace("\x00", ""), TEXT_MESSAGE)
    if request.is_json and request.content_length != 0:
        json_body()


def init_app(app: Flask) -> None:
    """Install the route converter (before any route is added) and the request screen."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(screen_request)
