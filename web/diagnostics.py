"""Opt-in diagnostics for benchmarks: the SQL statements a request ran, in a response header.

On only when `STATEMENT_HEADER` is set (`JIXIAO_STATEMENT_HEADER=1`), as `bench/scale` does:
each response then carries `X-Jixiao-Statements: N`. Off by default; nothing is listened to.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

HEADER = "X-Jixiao-Statements"


def init_app(app: Flask) -> None:
    if not app.config.get("STATEMENT_HEADER"):
        return
    # On the Engine class, not the app's engine: `web.database.bind` may replace the engine.
    if not event.contains(Engine, "before_cursor_execute", _count):
        event.listen(Engine, "before_cursor_execute", _count)
    app.after_request(_add_header)


def _count(*_args: Any) -> None:
    """One statement sent to the database, counted for the current request of an app that
    asked for the header (another app in the same process is left alone)."""
    if has_request_context() and current_app.config.get("STATEMENT_HEADER"):
        g.jixiao_statements = g.get("jixiao_statements", 0) + 1


def _add_header(response: Response) -> Response:
    response.headers[HEADER] = str(g.get("jixiao_statements", 0))
    return response
