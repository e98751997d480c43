"""The scheduler's leader election on a server database (PostgreSQL's advisory lock, MySQL's
and MariaDB's GET_LOCK): one leads, a second stands by until the first lets go."""

from __future__ import annotations

import pytest

from web.scheduler import Leadership


def test_one_scheduler_leads_the_other_stands_by_until_it_lets_go(db_url):
    if db_url.startswith("sqlite"):
        pytest.skip("a server database (DATABASE_URL): on SQLite the one scheduler leads")
    first, second = Leadership(db_url), Leadership(db_url)
    try:
        assert first.try_acquire() and first.alive()
        assert not second.try_acquire() and not second.alive()
        first.release()
        assert second.try_acquire() and second.alive()
    finally:
        first.release()
        second.release()
