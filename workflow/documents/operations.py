"""Uploaded documents (依据文件、工作方案、佐证材料): checked, hashed, stored by a generated key."""

from __future__ import annotations

import functools
import hashlib
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.documents.models import DOCUMENT_CATEGORIES, Document
from workflow.kernel import clock
from workflow.kernel.access import get_visible, require
from workflow.kernel.audit import audit
from workflow.kernel.db import after_commit, unit_of_work
from workflow.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
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
from workflow.lifecycle.states import STATES, ActionContext


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
    _check_category(category)
    name = display_name(filename)
    try:
        ext, data = _checked(name, stream, store.max_bytes)
    except InvalidInput as exc:  # several files at once: say which one
        raise InvalidInput(f"“{name}”：{exc.message}" if name else exc.message, exc.code) from None
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


def _checked(name: str, stream: BinaryIO, max_bytes: int) -> tuple[str, bytes]:
    """The file's extension and bytes, once its type, size and content pass the checks."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name or ext not in ALLOWED:
        raise InvalidInput(f"不支持的文件类型，仅允许 {ALLOWED_LABEL}", code="file_type")
    data = read_limited(stream, max_bytes)
    if not data:
        raise InvalidInput("文件为空", code="file_empty")
    if not _content_matches(ext, data):
        raise InvalidInput(f"文件内容与扩展名 .{ext} 不符", code="file_type")
    return ext, data


def _check_category(category: str) -> None:
    if category not in DOCUMENT_CATEGORIES:
        labels = "、".join(DOCUMENT_CATEGORIES.values())
        raise InvalidInput.field("category", f"文件类别应为{labels}之一")


def _changeable(
    session: Session, actor: User, evaluation_id: int, document_id: int
) -> tuple[Evaluation, Document]:
    """The evaluation and a document of it that `actor` may delete, replace or re-categorise
    now: 404 if not visible or already deleted, 409 once 已归档 (or 已终止), 403 otherwise."""
    evaluation = get_visible(session, actor, evaluation_id)
    document = session.get(Document, document_id)
    if document is None or document.evaluation_id != evaluation.id or document.deleted:
        raise NotFound("文件不存在或已删除")
    if not roles.stage_allows(evaluation, "manage_documents"):
        raise Conflict(
            f"评价{STATES[evaluation.state]}，文件不能再删除、替换或修改类别",
            code="stage_closed",
        )
    if not roles.can_change_document(actor, evaluation, document.uploaded_by_id):
        raise NotAllowed("只有组长、创建人、管理员或上传人可以删除、替换文件或修改类别")
    return evaluation, document


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", f"{what}须写明理由")
    return reason


def _soft_delete(document: Document, actor: User, reason: str) -> None:
    document.deleted_at, document.deleted_by_id = clock.now(), actor.id
    document.delete_reason = reason


@unit_of_work
def delete_document(
    session: Session,
    actor: User,
    evaluation_id: int,
    document_id: int,
    reason: str,
    client_addr: str | None = None,
) -> Document:
    """删除文件 (soft): the row stays, marked with who, when and why; the bytes are kept until
    归档. A deleted 评价工作方案 no longer counts for leaving 前期准备."""
    evaluation, document = _changeable(session, actor, evaluation_id, document_id)
    reason = _reason(reason, "删除文件")
    _soft_delete(document, actor, reason)
    session.flush()
    session.expire(evaluation, ["has_work_plan"])
    audit(
        session,
        evaluation,
        actor,
        "document_deleted",
        client_addr=client_addr,
        comment=f"{DOCUMENT_CATEGORIES[document.category]}：{document.filename}（{reason}）",
        details={"document_id": document.id, "reason": reason},
    )
    return document


@unit_of_work
def replace_document(
    session: Session,
    actor: User,
    evaluation_id: int,
    document_id: int,
    filename: str,
    stream: BinaryIO,
    store: DocumentStore,
    reason: str = "",
    client_addr: str | None = None,
) -> Document:
    """替换文件: a new file in the same category takes the old one's place; the old one is
    deleted (soft), naming the new one."""
    evaluation, old = _changeable(session, actor, evaluation_id, document_id)
    new = add_document(
        session, actor, evaluation_id, old.category, filename, stream, store, client_addr
    )
    reason = (reason or "").strip()
    _soft_delete(old, actor, reason or f"已替换为“{new.filename}”")
    old.replaced_by_id = new.id
    session.flush()
    audit(
        session,
        evaluation,
        actor,
        "document_replaced",
        client_addr=client_addr,
        comment=f"{DOCUMENT_CATEGORIES[old.category]}：{old.filename} → {new.filename}"
        + (f"（{reason}）" if reason else ""),
        details={"document_id": new.id, "replaces": old.id, "sha256": new.sha256},
    )
    return new


@unit_of_work
def recategorise_document(
    session: Session,
    actor: User,
    evaluation_id: int,
    document_id: int,
    category: str,
    client_addr: str | None = None,
) -> Document:
    """修改文件类别 (e.g. a 依据文件 uploaded as 评价工作方案 by mistake)."""
    evaluation, document = _changeable(session, actor, evaluation_id, document_id)
    _check_category(category)
    before = document.category
    if category == before:
        return document
    document.category = category
    session.flush()
    session.expire(evaluation, ["has_work_plan"])
    audit(
        session,
        evaluation,
        actor,
        "document_recategorised",
        client_addr=client_addr,
        comment=f"{document.filename}：{DOCUMENT_CATEGORIES[before]} → "
        f"{DOCUMENT_CATEGORIES[category]}",
        details={"document_id": document.id, "from": before, "to": category},
    )
    return document


def purge_on_archive(ctx: ActionContext, evaluation: Evaluation) -> None:
    """归档: the bytes of deleted documents go (after commit); their rows and hashes stay."""
    deleted = ctx.session.scalars(
        select(Document).where(
            Document.evaluation_id == evaluation.id,
            Document.deleted_at.is_not(None),
            Document.purged_at.is_(None),
        )
    ).all()
    for document in deleted:
        document.purged_at = clock.now()
        if ctx.files is not None:
            after_commit(ctx.session, functools.partial(ctx.files.delete, document.storage_key))
    ctx.session.flush()


def list_documents(
    session: Session, actor: User, evaluation_id: int, *, deleted: bool = False
) -> list[Document]:
    """评价文件, oldest first; deleted ones only when asked for (`deleted`)."""
    evaluation = get_visible(session, actor, evaluation_id)
    stmt = select(Document).where(Document.evaluation_id == evaluation.id)
    if not deleted:
        stmt = stmt.where(Document.deleted_at.is_(None))
    return list(session.scalars(stmt.order_by(Document.id)))


def get_document(session: Session, actor: User, evaluation_id: int, document_id: int) -> Document:
    """A document of an evaluation the actor may see (404 otherwise)."""
    evaluation = get_visible(session, actor, evaluation_id)
    document = session.get(Document, document_id)
    if document is None or document.evaluation_id != evaluation.id or document.purged_at:
        raise NotFound("文件不存在")
    return document
