"""Transitions per second: jixiao's `advance` (guards + state + audit + commit, one process)
beside a plain-SQL script doing the same writes (lock the row, update the state, insert the
audit row, commit). Prints figures and the ratio for SQLite and, if reachable, PostgreSQL.

    .venv/bin/python bench/transitions [--n 1000] [--pg postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text, update
from sqlalchemy.engine import make_url

from workflow import migrate
from workflow.accounts import operations as accounts
from workflow.accounts.models import User
from workflow.documents import operations as documents
from workflow.kernel import files as file_store
from workflow.kernel.db import make_engine, make_sessionmaker, normalize_url
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.models import Evaluation

accounts.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def seed(maker, n: int, store) -> tuple[int, list[int]]:
    """N evaluations in 前期准备, each with a group and a work plan: ready to advance."""
    with maker() as s:
        admin = accounts.create_admin(s, "admin", "bench-pass")
        bureau = accounts.save_bureau(s, admin, "财政局")
        unit = accounts.save_unit(s, admin, "公安局", bureau.id)
        mk = lambda name: accounts.save_user(  # noqa: E731
            s, admin, accounts.UserFields(name, name, "unit_user", "bench-pass", unit.id)
        )
        leader, member = mk("leader"), mk("member")
        ids = []
        for i in range(n):
            e = lifecycle.create_evaluation(
                s,
                leader,
                unit.id,
                lifecycle.ProjectFields(
                    f"项目{i}", 2023, "department", Decimal("300"), Decimal("300"), Decimal("290")
                ),
            )
            lifecycle.set_group(
                s, leader, e.id, lifecycle.GroupSpec(leader.id, [], [member.id], [])
            )
            documents.add_document(
                s, leader, e.id, "work_plan", "plan.txt", io.BytesIO(b"plan"), store
            )
            ids.append(e.id)
        return leader.id, ids


def reset(engine, ids: list[int]) -> None:
    with engine.begin() as conn:
        conn.execute(update(Evaluation).where(Evaluation.id.in_(ids)).values(state="preparation"))


def run_jixiao(maker, leader_id: int, ids: list[int]) -> float:
    with maker() as s:
        leader = s.get(User, leader_id)
        start = time.perf_counter()
        for eid in ids:
            lifecycle.perform(s, leader, eid, "advance", comment="bench")
        return len(ids) / (time.perf_counter() - start)


def run_plain(engine, leader_id: int, ids: list[int]) -> float:
    lock = " FOR UPDATE" if engine.dialect.name == "postgresql" else ""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        ph = "%s" if engine.dialect.name == "postgresql" else "?"
        start = time.perf_counter()
        for eid in ids:
            if engine.dialect.name == "sqlite":
                cur.execute("BEGIN IMMEDIATE")
            cur.execute(f"SELECT state, round FROM evaluations WHERE id = {ph}{lock}", (eid,))
            state, rnd = cur.fetchone()
            cur.execute(
                f"UPDATE evaluations SET state = {ph}, version = version + 1 WHERE id = {ph}",
                ("implementation", eid),
            )
            cur.execute(
                "INSERT INTO audit_events (evaluation_id, action, from_state, to_state, actor_id,"
                f" actor_role, at, comment, round) VALUES ({', '.join([ph] * 9)})",
                (
                    eid,
                    "advance",
                    state,
                    "implementation",
                    leader_id,
                    "leader",
                    "2026-01-01 00:00:00",
                    "bench",
                    rnd,
                ),
            )
            raw.commit()
        return len(ids) / (time.perf_counter() - start)
    finally:
        raw.close()


@contextmanager
def database(kind: str, pg_url: str | None):
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    server = make_url(normalize_url(pg_url))
    name = f"jixiao_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(kind: str, n: int, pg_url: str | None, rounds: int = 5, chunks: int = 10) -> None:
    with database(kind, pg_url) as url, tempfile.TemporaryDirectory() as files:
        migrate.upgrade(url)
        engine = make_engine(url)
        maker = make_sessionmaker(engine)
        leader_id, ids = seed(maker, n, file_store.DocumentStore(files))
        reset(engine, ids)
        run_jixiao(maker, leader_id, ids[: n // 10])  # warm up
        # The disk's fsync time drifts, within a run and between runs: the two take turns on
        # short chunks (the plain script rewrites the rows jixiao has just advanced), so both
        # see the same disk, and each round's ratio is of times taken side by side.
        ours, plain = [], []
        size = max(n // chunks, 1)
        for _ in range(rounds):
            reset(engine, ids)
            ours_time = plain_time = 0.0
            for start in range(0, n, size):
                chunk = ids[start : start + size]
                ours_time += len(chunk) / run_jixiao(maker, leader_id, chunk)
                plain_time += len(chunk) / run_plain(engine, leader_id, chunk)
            ours.append(n / ours_time)
            plain.append(n / plain_time)
        with maker() as s:
            assert all(s.get(Evaluation, i).state == "implementation" for i in ids[:5])
        engine.dispose()
    ratios = sorted(o / p for o, p in zip(ours, plain, strict=True))
    print(
        f"{kind:<10} jixiao advance: {statistics.median(ours):8.0f}/s   "
        f"plain SQL: {statistics.median(plain):8.0f}/s   "
        f"ratio: {statistics.median(ratios):.2f} (rounds {ratios[0]:.2f}–{ratios[-1]:.2f}; "
        f"{rounds} rounds of {n}, alternating in chunks of {size})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    bench("sqlite", args.n, None)
    try:
        bench("postgresql", args.n, args.pg)
    except Exception as exc:
        print(f"postgresql skipped: {exc}")


if __name__ == "__main__":
    main()
