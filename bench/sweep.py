"""Time one reminder sweep over 100,000 open tasks, on SQLite and on PostgreSQL.

    .venv/bin/python bench/sweep.py [--tasks 100000] [--pg postgresql://postgres@127.0.0.1/test]

Each database is a fresh one of its own (a temporary SQLite file; a temporary PostgreSQL
database created on the server given, dropped afterwards). 1,000 evaluations in 组织实施, 200
members (half with an e-mail address), tasks due from 30 days ago to 335 days ahead, one in ten
in the pool. Printed: the first sweep of a working day (which queues the day's reminders) and a
second sweep right after (nothing new: the steady state every few minutes).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from workflow import migrate
from workflow.accounts.models import Bureau, Unit, User
from workflow.kernel import clock
from workflow.kernel.db import make_engine, make_sessionmaker, normalize_url
from workflow.lifecycle.models import Evaluation, GroupMember
from workflow.reminders import sweep as reminder_sweep
from workflow.reminders.models import Notification, OutboxMessage
from workflow.tasks.models import Task

NOW = datetime(2024, 3, 22, 2, 0)  # Friday 10:00 in Beijing
EVALUATIONS = 1_000
USERS = 200


def populate(engine, n_tasks: int) -> None:
    rng = random.Random(6)
    today = NOW.date()
    with engine.begin() as conn:
        conn.execute(
            insert(Bureau), [{"id": 1, "name": "和平县财政局", "region": "", "created_at": NOW}]
        )
        conn.execute(
            insert(Unit), [{"id": 1, "name": "和平县公安局", "bureau_id": 1, "created_at": NOW}]
        )
        conn.execute(
            insert(User),
            [
                {
                    "id": i,
                    "username": f"u{i}",
                    "password_hash": "x",
                    "display_name": f"用户{i}",
                    "role": "admin" if i == 1 else "unit_user",
                    "unit_id": None if i == 1 else 1,
                    "title": "",
                    "email": f"u{i}@example.gov.cn" if i % 2 else None,
                    "email_enabled": True,
                    "active": True,
                    "created_at": NOW,
                }
                for i in range(1, USERS + 1)
            ],
        )
        conn.execute(
            insert(Evaluation),
            [
                {
                    "id": e,
                    "unit_id": 1,
                    "project_name": f"项目{e}",
                    "year": 2023,
                    "kind": "department",
                    "targets": "",
                    "due_date": today + timedelta(days=rng.randint(10, 300)),
                    "state": "implementation",
                    "machine_version": "1",
                    "round": 1,
                    "approval_policy": "all",
                    "created_by_id": 2,
                    "created_at": NOW,
                    "updated_at": NOW,
                    "version": 1,
                }
                for e in range(1, EVALUATIONS + 1)
            ],
        )
        conn.execute(
            insert(GroupMember),
            [
                {"evaluation_id": e, "user_id": 2 + e % (USERS - 1), "role": "leader"}
                for e in range(1, EVALUATIONS + 1)
            ],
        )
        rows = []
        for t in range(1, n_tasks + 1):
            pool = rng.random() < 0.1
            rows.append(
                {
                    "id": t,
                    "evaluation_id": 1 + t % EVALUATIONS,
                    "kind": "collect",
                    "title": f"任务{t}",
                    "description": "",
                    "assignee_id": None if pool else rng.randint(2, USERS),
                    "due_date": today + timedelta(days=rng.randint(-30, 335)),
                    "required": True,
                    "status": "open" if pool else "claimed",
                    "result_note": "",
                    "created_by_id": 2,
                    "created_at": NOW,
                    "version": 1,
                }
            )
            if len(rows) == 10_000:
                conn.execute(insert(Task), rows)
                rows = []
        if rows:
            conn.execute(insert(Task), rows)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def measure(url: str, n_tasks: int) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    populate(engine, n_tasks)
    print(f"  {n_tasks:,} tasks loaded in {time.perf_counter() - started:.1f} s")
    session = make_sessionmaker(engine)()
    clock.set_now(lambda: NOW.replace(tzinfo=UTC))
    open_tasks = session.scalar(select(func.count()).select_from(Task))
    for label in ("first sweep of the day", "second sweep (nothing new)"):
        started = time.perf_counter()
        result = reminder_sweep.sweep(session, NOW)
        elapsed = time.perf_counter() - started
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(result.notifications.items()))
        print(
            f"  {label:<28} {elapsed * 1000:7.0f} ms  ({open_tasks:,} open tasks;"
            f" {result.total:,} notifications{': ' + kinds if kinds else ''};"
            f" outbox {sum(result.outbox.values()):,})"
        )
    total = session.scalar(select(func.count()).select_from(Notification))
    queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    print(f"  in the tables: {total:,} notifications, {queued:,} outbox rows")
    session.close()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument(
        "--pg",
        default=os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL server to create a temporary database on ('' to skip)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite (WAL, synchronous FULL):")
        measure(f"sqlite:///{Path(tmp) / 'bench.db'}", args.tasks)

    if not args.pg:
        return
    server = make_url(normalize_url(args.pg))
    name = f"jixiao_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: SQLite's figure still stands
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {exc}".splitlines()[0])
        return
    try:
        print(f"PostgreSQL ({server.host}:{server.port or 5432}, temporary database {name}):")
        measure(server.set(database=name).render_as_string(hide_password=False), args.tasks)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
