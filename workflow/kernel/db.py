"""Engine and session set-up; the unit-of-work boundary that every service call runs in."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Column, UniqueConstraint, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from workflow.kernel.base import Base
from workflow.kernel.errors import Conflict, InvalidInput, JixiaoError

P = ParamSpec("P")

R = TypeVar("R")

CONFLICT_MESSAGE = "已被他人处理，请刷新"


#: The driver a URL without one means: psycopg 3 for PostgreSQL, PyMySQL for MySQL/MariaDB.
DEFAULT_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}


def normalize_url(url: str) -> str:
    """Accept URLs as users write them: `postgresql://…` means psycopg 3 here, `mysql://…` and
    `mariadb://…` PyMySQL; MySQL and MariaDB always talk utf8mb4 (every Chinese character)."""
    parsed = make_url(url)
    parsed = parsed.set(drivername=DEFAULT_DRIVERS.get(parsed.drivername, parsed.drivername))
    if parsed.get_backend_name() in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed.render_as_string(hide_password=False)


# Seconds to wait for the database server to answer a new connection (libpq's least is 2; a
# server that is down refuses at once): a request then fails fast with 503, never hangs.
CONNECT_TIMEOUT = 2


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and a busy timeout so writers queue.

    A server database gets a connect timeout, and every pooled connection is pinged before use
    (`pool_pre_ping`), so after a restart of the server no request fails on a stale one."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    else:
        kwargs.setdefault("pool_pre_ping", True)
        if url.startswith(("postgresql", "mysql", "mariadb")):
            kwargs.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT})
        if url.startswith(("mysql", "mariadb")):
            # PostgreSQL's default: each statement sees what is committed when it starts
            # (InnoDB's REPEATABLE READ would keep a transaction on its first snapshot).
            kwargs.setdefault("isolation_level", "READ COMMITTED")
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


_MEMO = "jixiao.read_memo"


def read_once(session: Session, key: Any, load: Callable[[], R]) -> R:
    """What `load()` reads, read once per session between writes: a page asks for the same
    rows from several places (the indicator tree: the guards, the 指标 card, the scorecard)
    and the database answers once. Any write (a flush, an UPDATE or DELETE statement), the
    start of an operation and the end of the transaction forget it, so an operation always
    reads what is committed."""
    memo = session.info.setdefault(_MEMO, {})
    if key not in memo:
        memo[key] = load()
    return memo[key]


def forget_reads(session: Session, *_args: Any) -> None:
    """Drop what `read_once` kept (before work that must read the database as it is now)."""
    session.info.pop(_MEMO, None)


event.listen(Session, "after_flush", forget_reads)
event.listen(Session, "after_commit", forget_reads)
event.listen(Session, "after_soft_rollback", forget_reads)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state) -> None:
    if not state.is_select:
        forget_reads(state.session)


def unit_of_work(fn: Callable[P, R]) -> Callable[P, R]:
    """Make a service function one transaction: commit on success, roll back on any error.

    The first argument must be the Session. Nested calls join the outer transaction. A lost
    optimistic-lock race (StaleDataError) becomes `Conflict` with "已被他人处理，请刷新"; so does
    an IntegrityError, unless it refuses a name already taken (see `integrity_refusal`).
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        session: Session = args[0]  # type: ignore[assignment]
        depth = session.info.get("uow_depth", 0)
        session.info["uow_depth"] = depth + 1
        if depth == 0:
            forget_reads(session)
        try:
            result = fn(*args, **kwargs)
            if depth == 0:
                session.commit()
        except StaleDataError as exc:
            _roll_back(session)
            raise Conflict(CONFLICT_MESSAGE) from exc
        except IntegrityError as exc:
            _roll_back(session)
            raise integrity_refusal(exc) from exc
        except OperationalError as exc:
            _roll_back(session)
            if is_lost_race(exc):
                raise Conflict(CONFLICT_MESSAGE) from exc
            raise
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


#: MySQL/MariaDB error codes of a transaction the server chose to roll back for another's sake.
_MYSQL_LOST_RACE = {1205, 1213}  # lock wait timeout, deadlock


def is_lost_race(exc: OperationalError) -> bool:
    """Whether InnoDB rolled this transaction back because a concurrent one holds what it
    needs (a deadlock, e.g. two approvals whose foreign-key checks share the evaluation's row
    and then both update it): to the person who asked, the same as a lost compare-and-set."""
    args = getattr(exc.orig, "args", ())
    code = getattr(exc.orig, "errno", None) or (args[0] if args else None)
    return code in _MYSQL_LOST_RACE


def integrity_refusal(exc: IntegrityError) -> JixiaoError:
    """What a constraint's refusal means to the person who asked.

    A unique column people fill in (its `info` from `workflow.kernel.base.taken`: a bureau's or a
    unit's name, a username, a template's code) refuses a duplicate the operation's own check
    did not see, saved by someone else in between: InvalidInput on that field, code "duplicate",
    with the column's message ("用户名已被使用"). Any other violation is a lost race (one approval
    per round, one score per leaf, a row deleted meanwhile): Conflict "已被他人处理，请刷新".
    """
    columns = _unique_columns(exc)
    if columns is not None and len(columns) == 1 and "taken" in columns[0].info:
        column = columns[0]
        return InvalidInput.field(column.key, column.info["taken"], code="duplicate")
    return Conflict(CONFLICT_MESSAGE)


# SQLite names the columns, not the constraint: "UNIQUE constraint failed: units.name".
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w.]+(?:, [\w.]+)*)$")
# MySQL/MariaDB name the key: "Duplicate entry '和平县' for key 'uq_units_name'" (MySQL 8
# prefixes the table: 'units.uq_units_name').
_MYSQL_DUPLICATE = re.compile(r"Duplicate entry .* for key '(?:\w+\.)?(?P<name>\w+)'$", re.S)


def _unique_columns(exc: IntegrityError) -> list[Column] | None:
    """The columns of the unique constraint `exc` violates, if it is one of ours: found by the
    constraint's name on PostgreSQL (psycopg's diag.constraint_name, e.g. "uq_units_name") and
    MySQL/MariaDB (in the message), by the table and columns SQLite reports."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None:
        return _constraint_columns(getattr(diag, "constraint_name", None))
    duplicate = _MYSQL_DUPLICATE.search(str(exc.orig.args[-1]) if exc.orig.args else "")
    if duplicate is not None:
        return _constraint_columns(duplicate["name"])
    match = _SQLITE_UNIQUE.search(str(exc.orig))
    if match is None:
        return None
    names = [part.split(".", 1) for part in match["columns"].split(", ")]
    table = Base.metadata.tables.get(names[0][0])
    if table is None or any(len(n) != 2 or n[0] != table.name for n in names):
        return None
    columns = [table.c.get(n[1]) for n in names]
    return None if any(c is None for c in columns) else columns


def _constraint_columns(name: str | None) -> list[Column] | None:
    """The columns of our unique constraint called `name` (None if there is none)."""
    for table in Base.metadata.tables.values() if name else ():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.name == name:
                return list(constraint.columns)
    return None


def _roll_back(session: Session) -> None:
    session.rollback()
    session.info.pop("after_commit", None)
    for undo in session.info.pop("after_rollback", []):
        undo()
