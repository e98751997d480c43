"""Engine and session set-up; the unit-of-work boundary that every service call runs in."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from workflow.kernel.errors import Conflict

P = ParamSpec("P")

R = TypeVar("R")

CONFLICT_MESSAGE = "已被他人处理，请刷新"


def normalize_url(url: str) -> str:
    """Accept URLs as users write them: `postgresql://…` means psycopg 3 here."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and a busy timeout so writers queue."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def after_commit(session: Session, fn: Callable[[], None]) -> None:
    """Queue a side effect (mail, webhook) to run only once the transaction has committed."""
    session.info.setdefault("after_commit", []).append(fn)


def after_rollback(session: Session, fn: Callable[[], None]) -> None:
    """Queue an undo for work outside the database (a file stored for a row of this
    transaction) to run if the transaction rolls back instead."""
    session.info.setdefault("after_rollback", []).append(fn)


def unit_of_work(fn: Callable[P, R]) -> Callable[P, R]:
    """Make a service function one transaction: commit on success, roll back on any error.

    The first argument must be the Session. Nested calls join the outer transaction. A lost
    optimistic-lock race (StaleDataError) becomes `Conflict` with "已被他人处理，请刷新".
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        session: Session = args[0]  # type: ignore[assignment]
        depth = session.info.get("uow_depth", 0)
        session.info["uow_depth"] = depth + 1
        try:
            result = fn(*args, **kwargs)
            if depth == 0:
                session.commit()
        except StaleDataError as exc:
            _roll_back(session)
            raise Conflict(CONFLICT_MESSAGE) from exc
        except IntegrityError as exc:
            _roll_back(session)
            raise Conflict(CONFLICT_MESSAGE, code="conflict") from exc
        except BaseException:
            if depth == 0:
                _roll_back(session)
            raise
        finally:
            session.info["uow_depth"] = depth
        if depth == 0:
            session.info.pop("after_rollback", None)
            for hook in session.info.pop("after_commit", []):
                hook()
        return result

    return wrapper


def _roll_back(session: Session) -> None:
    session.rollback()
    session.info.pop("after_commit", None)
    for undo in session.info.pop("after_rollback", []):
        undo()
