"""The database going away: requests answer 503 "数据库暂时不可用" at once (no hang, no 500, no
page that asks the database again), and succeed again on their own once it is back, without
one failing on a stale pooled connection. Files left by a transaction that died before its
commit are swept by `jixiao gc-files`, which is safe to run at any time."""

from __future__ import annotations

import io
import os
import time

import pytest
from click.testing import CliRunner
from page_helpers import Browser
from sqlalchemy import text

from web import database
from web.cli import main
from workflow.documents import operations as documents
from workflow.kernel import files as file_store
from workflow.kernel.db import make_engine


@pytest.fixture
def outage(app, db_url, is_postgres, tmp_path):
    """`outage()` points the app at a database that is not there; the fixture points it back."""
    down = (
        "postgresql://postgres@127.0.0.1:9/jixiao"
        if is_postgres
        else f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}"
    )
    yield lambda: database.bind(app, down)
    database.bind(app, db_url)


def test_the_api_answers_503_at_once(api, make, outage):
    me = api.as_(make.admin)
    outage()
    began = time.perf_counter()
    res = me.get("/api/v1/evaluations")
    assert time.perf_counter() - began < 1
    assert res.status_code == 503
    assert res.json == {"code": "database_unavailable", "message": "数据库暂时不可用，请稍后再试"}
    assert res.headers["Retry-After"]


def test_a_page_answers_503_without_asking_the_database_again(client, auth, make, outage):
    Browser(client, auth, make.admin)
    outage()
    res = client.get("/evaluations")
    assert res.status_code == 503
    assert "数据库暂时不可用" in res.get_data(as_text=True)
    assert res.headers["Content-Security-Policy"]


def test_requests_succeed_again_once_it_is_back(app, api, make, db_url, outage):
    me = api.as_(make.admin)
    outage()
    assert me.get("/api/v1/evaluations").status_code == 503
    database.bind(app, db_url)
    assert me.get("/api/v1/evaluations").status_code == 200


def test_no_request_fails_on_a_stale_pooled_connection(app, api, make, db_url, is_postgres):
    """The server restarting kills every pooled connection; the pre-ping replaces them."""
    if not is_postgres:
        pytest.skip("runs on PostgreSQL (DATABASE_URL)")
    me = api.as_(make.admin)
    assert me.get("/api/v1/evaluations").status_code == 200  # a connection now in the pool
    killer = make_engine(db_url)
    with killer.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        conn.commit()
    killer.dispose()
    for _ in range(3):
        assert me.get("/api/v1/evaluations").status_code == 200


def age(path, minutes: int) -> None:
    then = time.time() - minutes * 60
    os.utime(path, (then, then))


def test_gc_files_sweeps_only_old_files_no_row_refers_to(
    db_url, session, team, tmp_path, monkeypatch
):
    store = file_store.DocumentStore(tmp_path / "uploads")
    kept = documents.add_document(
        session,
        team.leader,
        team.evaluation.id,
        "basis",
        "方案.txt",
        io.BytesIO("方案".encode()),
        store,
    )
    orphan = store.path(store.save(b"written, then kill -9 before the commit"))
    young = store.path(store.save(b"a transaction still running"))
    half = store.path(orphan.name[::-1]).with_suffix(".part")
    half.parent.mkdir(parents=True, exist_ok=True)
    half.write_bytes(b"half written")
    for path in (store.path(kept.storage_key), orphan, half):
        age(path, 120)
    age(young, 5)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("JIXIAO_INSTANCE", str(tmp_path))

    dry = CliRunner().invoke(main, ["gc-files", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "将删除 2 个" in dry.output and orphan.exists()

    result = CliRunner().invoke(main, ["gc-files"])
    assert result.exit_code == 0, result.output
    assert "已删除 2 个无记录引用的文件" in result.output
    assert not orphan.exists() and not half.exists()
    assert store.path(kept.storage_key).exists() and young.exists()
    again = CliRunner().invoke(main, ["gc-files"])
    assert "已删除 0 个" in again.output


def test_gc_files_refuses_a_too_short_age(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("JIXIAO_INSTANCE", str(tmp_path))
    result = CliRunner().invoke(main, ["gc-files", "--older-than", "1"])
    assert result.exit_code != 0
