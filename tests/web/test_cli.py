"""The `jixiao` command a newcomer runs first."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from web.cli import main
from workflow.kernel.db import make_engine, make_sessionmaker, normalize_url
from workflow.lifecycle.models import Evaluation


def test_demo_loads_once_and_prints_logins(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("JIXIAO_INSTANCE", str(tmp_path))
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "演示数据已载入" in result.output
    for login in ("admin", "zhangjm", "caizheng", "jixiao-demo"):
        assert login in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    with make_sessionmaker(engine)() as session:
        states = {e.state for e in session.scalars(select(Evaluation))}
    engine.dispose()
    assert {"preparation", "implementation", "analysis", "group_review"} <= states
    again = CliRunner().invoke(main, ["demo"])
    assert again.exit_code == 0 and "演示数据已存在" in again.output


def test_serve_with_workers_refuses_the_embedded_scheduler(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("JIXIAO_INSTANCE", str(tmp_path))
    result = CliRunner().invoke(main, ["serve", "--workers", "2", "--scheduler"])
    assert result.exit_code == 2
    assert "多个工作进程时请单独运行 `jixiao scheduler`" in result.output
    result = CliRunner().invoke(main, ["serve", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output


def test_database_urls_as_people_write_them():
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("mysql://root@127.0.0.1:3306/test") == (
        "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"
    )
    assert normalize_url("mariadb://u:p@h/db").startswith("mariadb+pymysql://u:p@h/db?")
    assert (
        normalize_url("mysql+pymysql://u@h/db?charset=utf8")
        == "mysql+pymysql://u@h/db?charset=utf8"
    )
