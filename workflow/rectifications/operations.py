"""整改 services: the only writers of 整改事项.

- At archive the report's problems and suggestions become items (`open_items`), status 待整改.
- Their owner or the evaluation's 组长 edit the measure, due date and 整改说明, hand in 整改佐证
  材料, start (整改中) and finish (已整改待验收: a note and at least one evidence file).
- The finance reviewer of the bureau covering the unit accepts (已验收) or sends it back with a
  reason (退回重新整改), after which the owner works on it again.

Who may is `roles` (RECTIFICATION_ROLES/STATES); each change is an audit event of the
evaluation, naming the item, and the moves are the item's history. A stale `version` is a
Conflict; a move the status does not allow is bad input (400).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.documents import operations as documents
from workflow.kernel import clock
from workflow.kernel import files as file_store
from workflow.kernel.audit import audit
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import Conflict, FieldError, InvalidInput, NotAllowed
from workflow.lifecycle.models import Evaluation
from workflow.rectifications.models import (
    MOVE_EVENTS,
    MOVES,
    RECTIFICATION_STATUSES,
    Rectification,
    RectificationEvidence,
    move_to,
)
from workflow.rectifications.queries import RectificationView, get_item, view_of
from workflow.reminders import events
from workflow.reports.checks import _short
from workflow.reports.models import ReportProblem

MAX_TEXT = 5000
STALE = "整改事项已被他人修改，请刷新后再试"
NOT_WORKER = "只有整改责任人或评价组长可以办理此整改事项"
NOT_REVIEWER = "只有负责该单位的财政局审核人可以验收或退回整改事项"

#: What PATCH may set `status` to: the owner's and the 组长's moves; the bureau's have their own.
WORKER_MOVES = ("start", "finish")


def open_items(
    session: Session, evaluation: Evaluation, problems: Sequence[ReportProblem]
) -> list[Rectification]:
    """归档时转为整改事项: one item per problem or suggestion, as the report states it."""
    items = [
        Rectification(
            evaluation_id=evaluation.id,
            problem_id=problem.id,
            kind=problem.kind,
            problem=problem.problem,
            cause=problem.cause,
            measure=problem.measure,
            owner_id=problem.owner_id,
            owner_text=problem.owner_text,
            due_date=problem.due_date,
            status="open",
            created_at=clock.now(),
        )
        for problem in problems
    ]
    session.add_all(items)
    return items


@dataclass
class Changes:
    """PATCH of an item: each None field is left as it is."""

    status: str | None = None
    note: str | None = None
    measure: str | None = None
    due_date: date | None = None


def _editable(
    session: Session, actor: User, item_id: int, expected_version: int | None, permission: str
) -> Rectification:
    """The item, if visible (404), fresh (409), `actor` holds a role for `permission` (403) and
    its status allows it (400)."""
    item = get_item(session, actor, item_id)
    if expected_version is not None and expected_version != item.version:
        raise Conflict(STALE, details={"current_version": item.version})
    if not roles.may_rectification(actor, permission, item):
        raise NotAllowed(NOT_WORKER if permission == "update" else NOT_REVIEWER)
    if not roles.rectification_allows(item, permission):
        raise InvalidInput.field("status", _status_refusal(item, permission))
    return item


def _status_refusal(item: Rectification, permission: str) -> str:
    current = RECTIFICATION_STATUSES[item.status]
    if permission == "review":
        return f"整改事项当前为“{current}”，只有“已整改待验收”的事项可以验收或退回"
    if item.status == "done":
        return "整改事项已提交验收，等待财政局审核人验收，不能再修改"
    return f"整改事项当前为“{current}”，不能再修改"


def _event(
    session: Session,
    item: Rectification,
    actor: User,
    action: str,
    comment: str,
    client_addr: str | None,
    **details: Any,
) -> None:
    audit(
        session,
        item.evaluation,
        actor,
        action,
        comment=f"整改事项“{_short(item.problem, 30)}”：{comment}",
        client_addr=client_addr,
        details={"rectification_id": item.id, **details},
    )


def _move(
    session: Session,
    item: Rectification,
    actor: User,
    move: str,
    client_addr: str | None,
    *,
    reason: str = "",
) -> None:
    """Move the item (MOVES) and record it: the audit event is also its history entry."""
    before, status = item.status, MOVES[move][1]
    item.status = status
    if move == "reopen":
        item.reason = reason
    item.updated_at = clock.now()
    session.flush()
    move_line = f"{RECTIFICATION_STATUSES[before]} → {RECTIFICATION_STATUSES[status]}"
    said = item.note if move == "finish" else reason
    _event(
        session,
        item,
        actor,
        MOVE_EVENTS[move],
        f"{move_line}{'：' + said if said else ''}",
        client_addr,
        **{"from": before, "to": status, "note": item.note if move == "finish" else ""},
        reason=reason,
    )
    events.rectification_moved(session, item, actor, move)


def _text(value: str | None, name: str, problems: list[FieldError]) -> str | None:
    if value is None:
        return None
    value = value.replace("\r\n", "\n").strip()
    if len(value) > MAX_TEXT:
        problems.append(FieldError(name, f"内容过长（上限{MAX_TEXT}字）"))
    return value


def _worker_move(item: Rectification, status: str | None) -> str | None:
    """The move PATCH asks for (None: status unchanged), or the refusal as bad input."""
    if status is None or status == item.status:
        return None
    if status not in RECTIFICATION_STATUSES:
        allowed = "、".join(RECTIFICATION_STATUSES)
        raise InvalidInput.field("status", f"状态应为 {allowed} 之一")
    move = move_to(item.status, status)
    if move not in WORKER_MOVES:
        current, wanted = RECTIFICATION_STATUSES[item.status], RECTIFICATION_STATUSES[status]
        hint = "验收和退回由财政局审核人办理" if status in ("accepted", "reopened") else ""
        raise InvalidInput.field(
            "status", f"整改事项不能从“{current}”改为“{wanted}”" + (f"（{hint}）" if hint else "")
        )
    return move


@unit_of_work
def update_item(
    session: Session,
    actor: User,
    item_id: int,
    changes: Changes,
    expected_version: int | None,
    client_addr: str | None = None,
) -> RectificationView:
    """修改整改事项 (措施、期限、整改说明) and/or move it: 开始整改, or 整改完成 (needs a
    整改说明 and at least one 佐证材料). The owner or the 组长, until it is handed in."""
    item = _editable(session, actor, item_id, expected_version, "update")
    move = _worker_move(item, changes.status)
    problems: list[FieldError] = []
    note = _text(changes.note, "note", problems)
    measure = _text(changes.measure, "measure", problems)
    if measure == "":
        problems.append(FieldError("measure", "整改措施不能为空"))
    if problems:
        raise InvalidInput(errors=problems)
    edited = {
        name: value
        for name, value in (("note", note), ("measure", measure), ("due_date", changes.due_date))
        if value is not None and value != getattr(item, name)
    }
    if move == "finish":
        _require_handed_in(item, edited.get("note", item.note))
    if edited:
        for name, value in edited.items():
            setattr(item, name, value)
        item.updated_at = clock.now()
        session.flush()
        labels = {"note": "整改说明", "measure": "整改措施", "due_date": "整改期限"}
        _event(
            session,
            item,
            actor,
            "rectification_updated",
            "修改" + "、".join(labels[name] for name in edited),
            client_addr,
            fields=sorted(edited),
        )
    if move is not None:
        _move(session, item, actor, move, client_addr)
    return view_of(session, item)


def _require_handed_in(item: Rectification, note: str) -> None:
    """整改完成 needs the 整改说明 and at least one 佐证材料."""
    problems = []
    if not note:
        problems.append(FieldError("note", "提交验收须填写整改说明"))
    if not item.evidence:
        problems.append(FieldError("evidence", "提交验收须上传至少一份整改佐证材料"))
    if problems:
        raise InvalidInput(errors=problems)


@unit_of_work
def add_evidence(
    session: Session,
    actor: User,
    item_id: int,
    files: Sequence[tuple[str, BinaryIO]],
    store: file_store.DocumentStore,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> RectificationView:
    """上传整改佐证材料: each file through the upload checks, kept as a document of the
    evaluation (佐证材料) and handed in for the item."""
    item = _editable(session, actor, item_id, expected_version, "update")
    if not files:
        raise InvalidInput.field("file", "请选择要上传的佐证材料")
    for filename, stream in files:
        document = documents.store_upload(
            session, actor, item.evaluation, "evidence", filename, stream, store
        )
        item.evidence.append(RectificationEvidence(document_id=document.id, document=document))
        item.updated_at = clock.now()
        session.flush()
        _event(
            session,
            item,
            actor,
            "rectification_evidence_added",
            f"上传佐证材料 {document.filename}",
            client_addr,
            document_id=document.id,
            sha256=document.sha256,
        )
    return view_of(session, item)


@unit_of_work
def finish_with_files(
    session: Session,
    actor: User,
    item_id: int,
    note: str,
    files: Sequence[tuple[str, BinaryIO]],
    store: file_store.DocumentStore,
    expected_version: int | None,
    client_addr: str | None = None,
) -> RectificationView:
    """整改完成 from the page: the files chosen with it and the move, in one transaction."""
    item = _editable(session, actor, item_id, expected_version, "update")
    if files:
        add_evidence(session, actor, item.id, files, store, None, client_addr)
    finished = Changes(status="done", note=note)
    return update_item(session, actor, item.id, finished, None, client_addr)


@unit_of_work
def accept_item(
    session: Session,
    actor: User,
    item_id: int,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> RectificationView:
    """验收通过: the covering finance reviewer closes a handed-in item."""
    item = _editable(session, actor, item_id, expected_version, "review")
    _move(session, item, actor, "accept", client_addr)
    return view_of(session, item)


@unit_of_work
def reopen_item(
    session: Session,
    actor: User,
    item_id: int,
    reason: str,
    expected_version: int | None = None,
    client_addr: str | None = None,
) -> RectificationView:
    """退回重新整改: the covering finance reviewer sends a handed-in item back, with a reason."""
    item = _editable(session, actor, item_id, expected_version, "review")
    problems: list[FieldError] = []
    reason = _text(reason, "reason", problems) or ""
    if not reason:
        problems.append(FieldError("reason", "退回重新整改须写明理由"))
    if problems:
        raise InvalidInput(errors=problems)
    _move(session, item, actor, "reopen", client_addr, reason=reason)
    return view_of(session, item)
