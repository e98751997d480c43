"""One SQLAlchemy session per request (a scoped session removed at teardown)."""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy.orm import Session, scoped_session

from workflow.kernel.db import make_engine, make_sessionmaker


def init_app(app: Flask) -> None:
    bind(app, app.config["DATABASE_URL"])

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        app.extensions["jixiao.session"].remove()


def bind(app: Flask, url: str) -> None:
    """Point the app at the database at `url` (at start-up; tests rebind one app per test)."""
    old = app.extensions.get("jixiao.engine")
    if old is not None:
        old.dispose()
    engine = make_engine(url)
    app.config["DATABASE_URL"] = url
    app.extensions["jixiao.engine"] = engine
    app.extensions["jixiao.session"] = scoped_session(make_sessionmaker(engine))


def db() -> Session:
    """The current request's session."""
    return current_app.extensions["jixiao.session"]()
