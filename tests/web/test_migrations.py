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
