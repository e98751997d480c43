"""整改事项 and the 佐证材料 handed in with them.

An item is made from a problem or suggestion of the report when the evaluation is archived
(`workflow.reports.operations.archive_on_enter`). Its status moves by `MOVES` only; each move
is an audit event of the evaluation, which is also the item's history (see
`workflow.rectifications.queries.history_of`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models import User
from workflow.documents.models import Document
from workflow.kernel import clock
from workflow.kernel.base import Base, _in
from workflow.lifecycle.models import Evaluation
from workflow.reports.models import PROBLEM_KINDS

RECTIFICATION_STATUSES = {
    "open": "待整改",
    "in_progress": "整改中",
    "done": "已整改待验收",
    "accepted": "已验收",
    "reopened": "退回重新整改",
}
#: Still the unit's to work on: what "open" counts, and what can be overdue (逾期: due before
#: today and not done or accepted).
UNFINISHED = ("open", "in_progress", "reopened")

#: The moves of an item, as data: name → (from which statuses, to which, the button's label).
MOVES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "start": (("open", "reopened"), "in_progress", "开始整改"),
    "finish": (UNFINISHED, "done", "整改完成，提交验收"),
    "accept": (("done",), "accepted", "验收通过"),
    "reopen": (("done",), "reopened", "退回重新整改"),
}


#: The audit event each move writes: also the item's history entry.
MOVE_EVENTS = {
    "start": "rectification_started",
    "finish": "rectification_finished",
    "accept": "rectification_accepted",
    "reopen": "rectification_reopened",
}


def move_to(current: str, status: str) -> str | None:
    """The move from `current` to `status`, or None if there is none."""
    return next(
        (
            name
            for name, (sources, dest, _label) in MOVES.items()
            if dest == status and current in sources
        ),
        None,
    )


class Rectification(Base):
    """整改事项: a problem of the archived report, its 整改措施, owner (a user, or a name as free
    text for someone outside the system), due date, status, the latest 整改说明 (`note`) and
    the latest reason it was sent back (`reason`)."""

    __tablename__ = "rectifications"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(PROBLEM_KINDS)})", name="kind"),
        CheckConstraint(f"status IN ({_in(RECTIFICATION_STATUSES)})", name="status"),
        # The lists' filters: by status, and the overdue ones (due before today, unfinished).
        Index("ix_rectifications_status_due_date", "status", "due_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    problem_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_problems.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20))
    problem: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text, default="")
    measure: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    owner_text: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    note: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    evaluation: Mapped[Evaluation] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    evidence: Mapped[list[RectificationEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="RectificationEvidence.id"
    )

    @property
    def owner_name(self) -> str:
        """责任人: the user's name, or the name written for someone outside the system."""
        return self.owner.display_name if self.owner else self.owner_text

    def is_overdue(self, today: date) -> bool:
        """逾期: due before `today` (a Beijing calendar day) and not done or accepted."""
        return self.status in UNFINISHED and self.due_date is not None and self.due_date < today


class RectificationEvidence(Base):
    """整改佐证材料: a document of the evaluation (category 佐证材料) handed in for an item."""

    __tablename__ = "rectification_evidence"
    __table_args__ = (UniqueConstraint("rectification_id", "document_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rectification_id: Mapped[int] = mapped_column(
        ForeignKey("rectifications.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )

    document: Mapped[Document] = relationship()
