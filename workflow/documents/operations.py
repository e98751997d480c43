"""Uploaded documents (依据文件、工作方案、佐证材料): checked, hashed, stored by a generated key."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.accounts.models import User
from workflow.documents.models import DOCUMENT_CATEGORIES, Document
from workflow.kernel import clock
from workflow.kernel.access import get_visible, require
from workflow.kernel.audit import audit
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import InvalidInput, NotFound
from workflow.kernel.files import (
    ALLOWED,
    ALLOWED_LABEL,
    DocumentStore,
    _content_matches,
    content_type,
    display_name,
    keep,
    read_limited,
)
from workflow.lifecycle.models import Evaluation


@unit_of_work
def add_document(
    session: Session,
    actor: User,
    evaluation_id: int,
    category: str,
    filename: str,
    stream: BinaryIO,
    store: DocumentStore,
    client_addr: str | None = None,
) -> Document:
    """上传文件: validate type, size and content, store it, and record its SHA-256."""
    evaluation = get_visible(session, actor, evaluation_id)
    require(actor, "upload_document", evaluation)
    document = store_upload(session, actor, evaluation, category, filename, stream, store)
    session.expire(evaluation, ["has_work_plan"])
    audit(
        session,
        evaluation,
        actor,
        "document_uploaded",
        client_addr=client_addr,
        comment=f"{DOCUMENT_CATEGORIES[category]}：{document.filename}",
        details={"document_id": document.id, "sha256": document.sha256},
    )
    return document


def list_documents(session: Session, actor: User, evaluation_id: int) -> list[Document]:
    evaluation = get_visible(session, actor, evaluation_id)
    return list(
        session.scalars(
            select(Document).where(Document.evaluation_id == evaluation.id).order_by(Document.id)
        )
    )


def get_document(session: Session, actor: User, evaluation_id: int, document_id: int) -> Document:
    """A document of an evaluation the actor may see (404 otherwise)."""
    evaluation = get_visible(session, actor, evaluation_id)
    document = session.get(Document, document_id)
    if document is None or document.evaluation_id != evaluation.id:
        raise NotFound("文件不存在")
    return document


def store_upload(
    session: Session,
    actor: User,
    evaluation: Evaluation,
    category: str,
    filename: str,
    stream: BinaryIO,
    store: DocumentStore,
) -> Document:
    """The upload checks (type, size, content) and the stored file's row, for the caller's
    operation to permit and audit: 上传文件 here, 整改佐证材料 in `workflow.rectifications`."""
    if category not in DOCUMENT_CATEGORIES:
        raise InvalidInput.field("category", "文件类别应为 work_plan、basis、evidence 或 other")
    name = display_name(filename)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name or ext not in ALLOWED:
        raise InvalidInput(f"不支持的文件类型，仅允许 {ALLOWED_LABEL}", code="file_type")
    data = read_limited(stream, store.max_bytes)
    if not data:
        raise InvalidInput("文件为空", code="file_empty")
    if not _content_matches(ext, data):
        raise InvalidInput(f"文件内容与扩展名 .{ext} 不符", code="file_type")
    document = Document(
        evaluation_id=evaluation.id,
        category=category,
        filename=name,
        content_type=content_type(ext, data),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=keep(session, store, data),
        uploaded_by_id=actor.id,
        uploaded_at=clock.now(),
    )
    session.add(document)
    session.flush()
    return document
