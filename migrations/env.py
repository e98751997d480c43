"""Alembic environment: the URL comes from the caller (`jixiao init-db`) or DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from workflow.kernel.db import make_engine
from workflow.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return (
        config.attributes.get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
        or "sqlite:///instance/jixiao.db"
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            _run_without_foreign_keys(conn)
        else:
            if conn.dialect.name in ("mysql", "mariadb"):
                _binary_collation(conn)
            _run(conn)
    engine.dispose()


def _run_without_foreign_keys(conn) -> None:
    """SQLite alters a table by rebuilding it (batch mode); with foreign keys enforced, dropping
    the old copy would delete (ON DELETE CASCADE) or refuse the rows that refer to it. As
    Alembic's batch documentation advises, the keys are off while the migrations run (a pragma
    that only takes effect outside a transaction) and checked once they are done."""
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()
    try:
        _run(conn)
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"迁移后外键不一致：{broken[:5]}")
    finally:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def _binary_collation(conn) -> None:
    """MySQL/MariaDB: tables created from now on compare text exactly, as PostgreSQL does
    ("Admin" is not "admin"; the server's default collation ignores case and trailing spaces),
    and hold every Chinese character (utf8mb4). Tables made before keep their own."""
    conn.exec_driver_sql("ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    conn.commit()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
