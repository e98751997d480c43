"""No file without its row: a file stored in a transaction that then rolls back is removed."""

from __future__ import annotations

import io

import pytest
from conftest import put_in_state
from sqlalchemy import func, select

from workflow.documents.models import Document
from workflow.kernel import files as file_store
from workflow.kernel.errors import InvalidInput
from workflow.tasks import operations as tasks
from workflow.tasks.models import Task


@pytest.fixture
def store(tmp_path):
    return file_store.DocumentStore(tmp_path / "files")


@pytest.fixture
def pdf(files_dir) -> bytes:
    return (files_dir / "work-plan.pdf").read_bytes()


def stored_files(store) -> list[str]:
    return sorted(p.name for p in store.root.rglob("*") if p.is_file())


@pytest.fixture
def held_task(session, team):
    """A 资料收集 task the first member holds, in 组织实施."""
    evaluation = put_in_state(session, team.evaluation, "implementation")
    spec = tasks.TaskSpec(kind="collect", title="收集合同", assignee_id=team.members[0].id)
    return tasks.create_task(session, team.leader, evaluation.id, spec)


def test_evidence_stored_before_a_refused_file_is_removed(session, team, held_task, store, pdf):
    files = [("验收报告.pdf", io.BytesIO(pdf)), ("程序.exe", io.BytesIO(b"MZ\x90\x00"))]
    with pytest.raises(InvalidInput, match="不支持的文件类型"):
        tasks.complete_task_with_files(
            session, team.members[0], held_task.id, "已收集", files, store
        )

    assert stored_files(store) == []  # the PDF was written first, and removed again
    assert session.scalar(select(func.count()).select_from(Document)) == 0
    assert session.get(Task, held_task.id).status == "claimed"


def test_evidence_of_a_completion_without_a_note_is_removed(session, team, held_task, store, pdf):
    files = [("验收报告.pdf", io.BytesIO(pdf))]
    with pytest.raises(InvalidInput, match="完成任务须填写结果说明"):
        tasks.complete_task_with_files(session, team.members[0], held_task.id, " ", files, store)
    assert stored_files(store) == []


def test_a_completed_upload_keeps_its_file(session, team, held_task, store, pdf):
    files = [("验收报告.pdf", io.BytesIO(pdf))]
    task = tasks.complete_task_with_files(
        session, team.members[0], held_task.id, "已收集合同3份", files, store
    )
    (document,) = [a.document for a in task.attachments]
    assert stored_files(store) == [document.storage_key]
    assert store.read(document.storage_key) == pdf
