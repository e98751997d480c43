"""Reading 整改事项: one item with its evidence and history, the lists (a unit's, a bureau's, an
evaluation's) and the bureau's count per unit of items open and overdue.

History is read from the audit trail, not kept in a table of its own: every move of an item is
an audit event of its evaluation (`details.rectification_id`), and that trail is append-only
(the database refuses UPDATE and DELETE on it), so the history shown can never differ from
what was audited, as on the task page. The first entry is the item's making at archive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session, selectinload

import roles
from workflow.accounts.models import Unit, User
from workflow.kernel import clock
from workflow.kernel.audit import AuditEvent
from workflow.kernel.errors import NotFound
from workflow.kernel.paging import FIRST_PAGE, Page, PageRequest, paginate
from workflow.lifecycle.models import Evaluation
from workflow.rectifications.models import (
    MOVE_EVENTS,
    RECTIFICATION_STATUSES,
    UNFINISHED,
    Rectification,
    RectificationEvidence,
)

MISSING = "整改事项不存在或无权查看"

MADE_AT_ARCHIVE = "归档时由评价报告的问题转为整改事项"


@dataclass(frozen=True)
class EvidenceFile:
    """整改佐证材料: a document of the evaluation."""

    id: int
    filename: str


@dataclass(frozen=True)
class HistoryEntry:
    """One status change of an item: to which status, by whom, when, with its note or reason."""

    status: str
    actor: str
    actor_id: int | None
    at: datetime
    note: str = ""
    reason: str = ""
    from_status: str | None = None

    @property
    def status_label(self) -> str:
        return RECTIFICATION_STATUSES.get(self.status, self.status)


@dataclass(frozen=True)
class RectificationView:
    """整改事项 as the API and the pages show it (`item` is the row, for permission checks)."""

    item: Rectification
    history: list[HistoryEntry] = field(default_factory=list)

    id = property(lambda self: self.item.id)
    evaluation_id = property(lambda self: self.item.evaluation_id)
    unit_id = property(lambda self: self.item.evaluation.unit_id)
    unit_name = property(lambda self: self.item.evaluation.unit.name)
    project_name = property(lambda self: self.item.evaluation.project_name)
    year = property(lambda self: self.item.evaluation.year)
    kind = property(lambda self: self.item.kind)
    problem = property(lambda self: self.item.problem)
    cause = property(lambda self: self.item.cause)
    measure = property(lambda self: self.item.measure)
    owner_id = property(lambda self: self.item.owner_id)
    owner_name = property(lambda self: self.item.owner_name)
    due_date = property(lambda self: self.item.due_date)
    status = property(lambda self: self.item.status)
    note = property(lambda self: self.item.note)
    reason = property(lambda self: self.item.reason)
    version = property(lambda self: self.item.version)

    @property
    def status_label(self) -> str:
        return RECTIFICATION_STATUSES[self.item.status]

    @property
    def overdue(self) -> bool:
        return self.item.is_overdue(clock.today_local())

    @property
    def evidence(self) -> list[EvidenceFile]:
        return [EvidenceFile(e.document.id, e.document.filename) for e in self.item.evidence]


@dataclass(frozen=True)
class Filters:
    """The lists' filters: 预算单位, status, and 逾期 (due before today, not done/accepted)."""

    unit_id: int | None = None
    status: str | None = None
    overdue: bool = False


def overdue_condition(today: date):
    """逾期 as SQL: due before `today` and not done or accepted (`Rectification.is_overdue`)."""
    return and_(Rectification.status.in_(UNFINISHED), Rectification.due_date < today)


def _details(statement: Select) -> Select:
    return statement.options(
        selectinload(Rectification.evaluation).undefer(Evaluation.group_roles),
        selectinload(Rectification.owner),
        selectinload(Rectification.evidence).selectinload(RectificationEvidence.document),
    )


def get_item(session: Session, actor: User, item_id: int) -> Rectification:
    """A 整改事项 the actor may see (its evaluation's visibility); any other answers exactly
    as a missing one (404)."""
    item = session.scalars(
        _details(select(Rectification).where(Rectification.id == item_id)).execution_options(
            populate_existing=True
        )
    ).one_or_none()
    if item is None or not roles.can_view(actor, item.evaluation):
        raise NotFound(MISSING)
    return item


def view_of(session: Session, item: Rectification) -> RectificationView:
    return RectificationView(item, history_of(session, [item])[item.id])


def get_view(session: Session, actor: User, item_id: int) -> RectificationView:
    """One item with its evidence and history."""
    return view_of(session, get_item(session, actor, item_id))


def list_statement(actor: User, filters: Filters = Filters(), *columns: Any) -> Select:
    """The SELECT of the 整改事项 the actor may see (a unit user their unit's, a finance
    reviewer their bureau's units', an administrator all), filtered, the nearest due date
    first (none last): the list reads a page of it, the exports all of it, as `columns`
    (the items themselves when none are given; `Evaluation` is joined)."""
    statement = (
        select(*(columns or (Rectification,)))
        .select_from(Rectification)
        .join(Evaluation, Evaluation.id == Rectification.evaluation_id)
        .where(roles.visible_evaluations(actor))
    )
    if filters.unit_id is not None:
        statement = statement.where(Evaluation.unit_id == filters.unit_id)
    if filters.status is not None:
        statement = statement.where(Rectification.status == filters.status)
    if filters.overdue:
        statement = statement.where(overdue_condition(clock.today_local()))
    return statement.order_by(
        Rectification.due_date.is_(None), Rectification.due_date, Rectification.id
    )


def list_items(
    session: Session, actor: User, filters: Filters = Filters(), page: PageRequest = FIRST_PAGE
) -> Page[RectificationView]:
    """整改事项 the actor may see, filtered, a page at a time (`list_statement`)."""
    found = paginate(session, _details(list_statement(actor, filters)), page)
    histories = history_of(session, found.items)
    return found.map(lambda item: RectificationView(item, histories[item.id]))


def waiting_on(
    session: Session, actor: User, page: PageRequest = FIRST_PAGE
) -> Page[Rectification]:
    """我的待办's 整改事项: what waits on the actor (`roles.rectifications_waiting_on`), the
    nearest due date first."""
    statement = (
        select(Rectification)
        .join(Evaluation, Evaluation.id == Rectification.evaluation_id)
        .where(roles.rectifications_waiting_on(actor))
        .order_by(Rectification.due_date.is_(None), Rectification.due_date, Rectification.id)
    )
    return paginate(session, _details(statement), page)


def of_evaluation(session: Session, evaluation: Evaluation) -> list[Rectification]:
    """The items an archived evaluation's problems became, in the report's order (a report
    has a handful of problems; the caller has checked the evaluation is visible)."""
    return list(
        session.scalars(
            select(Rectification)
            .where(Rectification.evaluation_id == evaluation.id)
            .options(selectinload(Rectification.owner))
            .order_by(Rectification.id)
        )
    )


@dataclass(frozen=True)
class UnitCount:
    """整改 of one unit: how many items are unfinished, overdue, handed in (待验收), accepted."""

    unit_id: int
    unit_name: str
    unfinished: int
    overdue: int
    done: int
    accepted: int


def per_unit(session: Session, actor: User) -> list[UnitCount]:
    """For the bureau's page: per unit the actor may see that has items, the counts, in SQL
    (one grouped statement, whatever the number of items); the most overdue first."""
    overdue = func.sum(case((overdue_condition(clock.today_local()), 1), else_=0))
    rows = session.execute(
        select(
            Unit.id,
            Unit.name,
            func.sum(case((Rectification.status.in_(UNFINISHED), 1), else_=0)),
            overdue,
            func.sum(case((Rectification.status == "done", 1), else_=0)),
            func.sum(case((Rectification.status == "accepted", 1), else_=0)),
        )
        .select_from(Rectification)
        .join(Evaluation, Evaluation.id == Rectification.evaluation_id)
        .join(Unit, Unit.id == Evaluation.unit_id)
        .where(roles.visible_evaluations(actor))
        .group_by(Unit.id, Unit.name)
        .order_by(overdue.desc(), Unit.name)
    )
    return [UnitCount(*(row[:2]), *(int(n or 0) for n in row[2:])) for row in rows]


def history_of(session: Session, items: Sequence[Rectification]) -> dict[int, list[HistoryEntry]]:
    """Each item's history, oldest first: its making at archive, then every move recorded in
    the audit trail (one statement for all of `items`)."""
    histories = {
        item.id: [
            HistoryEntry(
                status="open", actor="系统", actor_id=None, at=item.created_at, note=MADE_AT_ARCHIVE
            )
        ]
        for item in items
    }
    if not items:
        return histories
    item_id = AuditEvent.details["rectification_id"].as_integer()
    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.evaluation_id.in_({item.evaluation_id for item in items}),
            AuditEvent.action.in_(MOVE_EVENTS.values()),
            item_id.in_(list(histories)),
        )
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id)
    )
    for event in events:
        histories[event.details["rectification_id"]].append(_entry(event))
    return histories


def _entry(event: AuditEvent) -> HistoryEntry:
    details = event.details or {}
    return HistoryEntry(
        status=details.get("to", ""),
        actor=event.actor.display_name if event.actor else "系统",
        actor_id=event.actor_id,
        at=event.at,
        note=details.get("note", ""),
        reason=details.get("reason", ""),
        from_status=details.get("from"),
    )
