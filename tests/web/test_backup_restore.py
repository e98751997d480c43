"""scripts/backup-restore-check (docs/deploy.md, 备份与恢复): pg_dump and a tar of the upload
directory, restored into a new database and directory, every table's row count and every
file's SHA-256 compared."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from workflow.documents import operations as documents
from workflow.kernel.files import DocumentStore

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup-restore-check"


def check(db_url: str, upload_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--database-url", db_url, "--upload-dir", str(upload_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.fixture
def stored(session, team, files_dir, tmp_path, is_postgres):
    """An evaluation with its 评价工作方案 and an 依据文件 in an upload directory of its own."""
    if not is_postgres:
        pytest.skip("pg_dump and pg_restore: runs on PostgreSQL (DATABASE_URL)")
    store = DocumentStore(tmp_path / "uploads")
    plan = (files_dir / "work-plan.pdf").read_bytes()
    for category, name in (("work_plan", "评价工作方案.pdf"), ("basis", "预算批复.txt")):
        data = plan if name.endswith(".pdf") else "预算批复文件".encode()
        documents.add_document(
            session, team.leader, team.evaluation.id, category, name, io.BytesIO(data), store
        )
    return store


def test_a_backup_restores_every_row_and_file(stored, db_url, session):
    res = check(db_url, stored.root)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "恢复演练通过：行数与文件完全一致" in res.stdout
    assert "文件 files: 2 个，恢复后 2 个，SHA-256 一致 2 个" in res.stdout
    evaluations = session.scalar(text("SELECT count(*) FROM evaluations"))
    lines = {line.split()[0]: line.split()[1:] for line in res.stdout.splitlines() if line}
    assert lines["evaluations"] == [str(evaluations), str(evaluations)]
    assert lines["documents"] == ["2", "2"]
    # the restored copy is gone again
    names = session.scalars(text("SELECT datname FROM pg_database")).all()
    assert not [n for n in names if "_restore_" in n]


def test_a_file_missing_from_the_upload_directory_fails_the_check(stored, db_url):
    next(p for p in stored.root.rglob("*") if p.is_file()).unlink()  # lost before the backup
    res = check(db_url, stored.root)
    assert res.returncode == 1
    assert "恢复演练失败" in res.stdout and "缺失" in res.stdout


def drill(url: str, tmp_path: Path, path: str) -> subprocess.CompletedProcess:
    """The script run without a database fixture, against `url`, with PATH set to `path`."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--database-url", url, "--upload-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": path, "PYTHONIOENCODING": "utf-8"},
    )


def test_a_failing_command_is_named_with_what_to_check_not_a_traceback(tmp_path):
    if not shutil.which("pg_dump"):
        pytest.skip("needs pg_dump (postgresql-client)")
    res = drill("postgresql://nobody@127.0.0.1:1/jixiao", tmp_path, os.environ["PATH"])
    assert res.returncode == 2, res.stdout + res.stderr
    assert "恢复演练未能完成：pg_dump 失败（退出码 1）：检查 DATABASE_URL 能否连上" in res.stderr
    assert "Traceback" not in res.stderr


def test_without_the_postgresql_client_the_drill_says_what_to_install(tmp_path):
    res = drill("postgresql://nobody@127.0.0.1:1/jixiao", tmp_path, str(tmp_path / "empty"))
    assert res.returncode == 2, res.stdout + res.stderr
    assert "找不到命令 pg_dump：安装 postgresql-client（Debian）" in res.stderr
    assert "Traceback" not in res.stderr
