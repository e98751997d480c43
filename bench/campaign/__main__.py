"""Dispatch a 自评任务 of 500 items, then read its summary, on SQLite and on PostgreSQL.

    .venv/bin/python bench/campaign [--items 500] [--pg postgresql://postgres@127.0.0.1/test]

Each database is a fresh one of its own (a temporary SQLite file; a temporary PostgreSQL
database created on the server given, dropped afterwards). 50 units of one bureau, two users
each; every other item names its 组长. Printed: the dispatch (one transaction) and the
campaign's summary, each with its time and SQL statements; the summary's count must not grow
with the items (it is the same for 50 and for 500).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from sqlalchemy import event, insert, text
from sqlalchemy.engine import make_url

from workflow import migrate
from workflow.accounts.models import Bureau, Unit, User
from workflow.campaigns import operations as campaigns
from workflow.campaigns import queries as campaign_queries
from workflow.campaigns.models import Campaign
from workflow.campaigns.summary import summary_table
from workflow.kernel.db import make_engine, make_sessionmaker, normalize_url

NOW = datetime(2024, 3, 22, 2, 0)
UNITS = 50


def populate(engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Bureau), [{"id": 1, "name": "和平县财政局", "region": "", "created_at": NOW}]
        )
        conn.execute(
            insert(Unit),
            [{"id": u, "name": f"单位{u:02d}", "bureau_id": 1, "created_at": NOW}
             for u in range(1, UNITS + 1)],
        )  # fmt: skip
        people = [_user(1, "finance_reviewer", None)]
        people += [_user(1 + n, "unit_user", 1 + (n - 1) % UNITS) for n in range(1, 2 * UNITS + 1)]
        conn.execute(insert(User), people)


def _user(uid: int, role: str, unit_id: int | None) -> dict:
    return {
        "id": uid,
        "username": f"u{uid}",
        "password_hash": "x",
        "display_name": f"用户{uid}",
        "role": role,
        "unit_id": unit_id,
        "bureau_id": 1 if role == "finance_reviewer" else None,
        "title": "",
        "email": None,
        "email_enabled": False,
        "active": True,
        "created_at": NOW,
    }


def _spec(n_items: int, title: str) -> campaigns.CampaignSpec:
    items = [
        campaigns.ItemSpec(
            unit_id=1 + k % UNITS,
            project_name=f"项目{k}",
            budget="38.766462",
            leader=(2 + k % UNITS) if k % 2 else None,  # the unit's first user
        )
        for k in range(n_items)
    ]
    return campaigns.CampaignSpec(title, 2024, date(2025, 3, 31), "unit_self", items)


def _timed(engine, fn):
    statements: list[str] = []
    record = lambda *_args: statements.append("")  # noqa: E731
    event.listen(engine, "before_cursor_execute", record)
    started = time.perf_counter()
    try:
        result = fn()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return result, (time.perf_counter() - started) * 1000, len(statements)


def measure(url: str, n_items: int) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    populate(engine)
    session = make_sessionmaker(engine)()
    reviewer = session.get(User, 1)
    summaries = []
    for n in (n_items // 10, n_items):
        (campaign, opened), ms, count = _timed(
            engine, lambda n=n: campaigns.dispatch(session, reviewer, _spec(n, f"自评{n}"))
        )
        print(f"  dispatch {len(opened):>5} items  {ms:8.0f} ms  {count:6,} statements")
        session.expire_all()

        def summary(cid=campaign.id):
            detail = campaign_queries.campaign_detail(session, reviewer, cid)
            rows = list(summary_table(session, reviewer, session.get(Campaign, cid)).rows)
            return detail, rows

        (detail, rows), ms, count = _timed(engine, summary)
        print(f"  summary  {len(rows):>5} items  {ms:8.0f} ms  {count:6,} statements"
              f"  (submitted {detail['submitted']}/{detail['total']})")  # fmt: skip
        summaries.append(count)
        session.rollback()
    flat = "the same" if len(set(summaries)) == 1 else "NOT the same"
    print(f"  summary statements for {n_items // 10} and {n_items} items: {flat}")
    session.close()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument(
        "--pg",
        default=os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL server to create a temporary database on ('' to skip)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite:")
        measure(f"sqlite:///{Path(tmp) / 'bench.db'}", args.items)
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
        measure(server.set(database=name).render_as_string(hide_password=False), args.items)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
