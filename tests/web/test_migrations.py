"""The Alembic migrations produce exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workflow.kernel.db import make_engine
from workflow.models import Base


def test_migrations_match_models(database_url):
    engine = make_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_init_db_command_migrates_an_empty_database(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from web.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    monkeypatch.setenv("JIXIAO_INSTANCE", str(tmp_path))
    result = CliRunner().invoke(main, ["init-db"])
    assert result.exit_code == 0, result.output
    assert "数据库已就绪" in result.output
    result = CliRunner().invoke(main, ["create-admin", "--username", "root", "--password", "x"])
    assert result.exit_code != 0 and "密码至少 8 位" in result.output
    result = CliRunner().invoke(
        main, ["create-admin", "--username", "root", "--password", "long-enough"]
    )
    assert result.exit_code == 0 and "已创建管理员 root" in result.output


def test_migrating_a_database_with_data_keeps_every_row(tmp_path):
    """Down to the release before this session's migrations and up again, with the demo data
    in it: SQLite rebuilds tables to alter them, and rows referring to a rebuilt table (tasks,
    the audit trail, the outbox) must neither block the rebuild nor be deleted with it."""

    from workflow import demo, migrate
    from workflow.kernel import files as file_store
    from workflow.kernel.db import make_sessionmaker

    url = f"sqlite:///{tmp_path / 'kept.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    session = make_sessionmaker(engine)()
    demo.load(session, file_store.DocumentStore(tmp_path / "files"))
    # The failure counters and the render jobs (their downgrade drops them) are not data.
    transient = ("login_failures", "report_renders")
    tables = [t for name, t in Base.metadata.tables.items() if name not in transient]
    counted = _counts(session, tables)
    session.close()
    engine.dispose()
    assert counted["audit_events"] and counted["tasks"] and counted["group_members"]

    migrate.downgrade(url, "0007")
    migrate.upgrade(url)

    engine = make_engine(url)
    with engine.connect() as conn:
        after = _counts(conn, tables)
    engine.dispose()
    assert after == counted


def _counts(connection, tables) -> dict[str, int]:
    """Rows per table; of the notifications, the reminders' (going back before the event
    notifications' migration deletes those of the new kinds, as its downgrade says)."""
    from sqlalchemy import func, select

    from workflow.reminders.events import EVENT_KINDS
    from workflow.reminders.models import Notification

    counts = {t.name: connection.scalar(select(func.count()).select_from(t)) for t in tables}
    reminders = Notification.kind.notin_(EVENT_KINDS)
    counts["notifications"] = connection.scalar(
        select(func.count()).select_from(Notification).where(reminders)
    )
    return counts
