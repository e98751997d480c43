"""Migration 0011_rectifications going back keeps every item, its new statuses mapped onto the
old two (整改中/退回重新整改 → open, 已验收 → done), and coming up again works."""

from __future__ import annotations

import pytest
from rectification_helpers import archived_items
from sqlalchemy import text

from workflow import migrate
from workflow.kernel.db import make_engine
from workflow.rectifications.models import Rectification

NEW = ["in_progress", "done", "accepted", "reopened"]


def _statuses(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT status FROM rectifications ORDER BY id")).scalars().all()
    engine.dispose()
    return list(rows)


def test_going_back_maps_the_new_statuses_and_keeps_every_item(
    app, db_url, is_postgres, session, team
):
    if is_postgres:
        pytest.skip("migrates the test's own SQLite copy (PostgreSQL's database is shared)")
    items = archived_items(session, team)  # two, 待整改
    session.add_all(
        Rectification(evaluation_id=items[0].evaluation_id, kind="problem", problem=s, status=s)
        for s in NEW
    )
    session.commit()
    session.close()
    app.extensions["jixiao.engine"].dispose()

    migrate.downgrade(db_url, "0010")
    expected = ["open", "open", "open", "done", "done", "open"]
    assert _statuses(db_url) == expected
    migrate.upgrade(db_url)
    assert _statuses(db_url) == expected
