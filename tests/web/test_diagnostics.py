"""X-Jixiao-Statements (web/diagnostics.py): the SQL statements of a request, for bench/scale."""

from __future__ import annotations

import pytest
from conftest import PASSWORD
from sqlalchemy import event

from web import create_app
from web.diagnostics import HEADER


@pytest.fixture
def counting_app(db_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "test",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "STATEMENT_HEADER": True,
        }
    )
    yield app
    app.extensions["jixiao.engine"].dispose()


def test_no_statement_header_by_default(client, make):
    res = client.post("/api/v1/tokens", json={"username": "admin", "password": PASSWORD})
    assert res.status_code == 201
    assert HEADER not in res.headers


def test_statement_header_counts_the_requests_statements(counting_app, client, make):
    api = counting_app.test_client()
    token = api.post("/api/v1/tokens", json={"username": "admin", "password": PASSWORD})
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = counting_app.extensions["jixiao.engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        res = api.get(
            "/api/v1/evaluations", headers={"Authorization": f"Bearer {token.json['token']}"}
        )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert res.status_code == 200
    assert seen and int(res.headers[HEADER]) == len(seen)
    # An app without the setting, in the same process, still sends no header.
    assert HEADER not in client.get("/login").headers
