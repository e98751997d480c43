"""工作任务 and the 佐证材料 handed in with them."""

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

TASK_KINDS = {
    "collect": "资料收集",
    "field_check": "现场核验",
    "survey": "满意度调查",
    "working_paper": "底稿编制",
    "report_section": "报告章节",
    "scoring": "指标打分",
}

TASK_STATUSES = {"open": "待领取", "claimed": "进行中", "done": "已完成", "closed": "已关闭"}
#: No more work: completed, or closed with its evaluation when that was 终止.
FINISHED_STATUSES = ("done", "closed")


class Task(Base):
    """工作任务 of the working group (资料收集、现场核验、问卷、底稿、报告章节、打分).

    `open` is in the pool (no assignee), `claimed` is held by its assignee, `done` is complete,
    `closed` was still open when its evaluation was 终止 (it keeps its assignee, if any).
    A 报告章节 task names its report section (`section`); no other kind has one.
    """

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(TASK_KINDS)})", name="kind"),
        CheckConstraint(f"status IN ({_in(TASK_STATUSES)})", name="status"),
        CheckConstraint(
            "(status != 'open' OR assignee_id IS NULL)"
            " AND (status != 'claimed' OR assignee_id IS NOT NULL)",
            name="assignee",
        ),
        CheckConstraint("(status = 'done') = (completed_at IS NOT NULL)", name="completed"),
        CheckConstraint("kind = 'report_section' OR section IS NULL", name="section"),
        # The reminder sweep looks tasks up by due date (due in 1 or 3 days, overdue): without
        # this index each of its task rules scans every task.
        Index("ix_tasks_reminder_due", "due_date", "status"),
        # 我的待办: my tasks (by holder) and the pool's (by the groups' evaluations), each an
        # index lookup rather than a scan of every task.
        Index("ix_tasks_assignee_status", "assignee_id", "status"),
        Index("ix_tasks_evaluation_status", "evaluation_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    #: 报告章节 tasks: the key of the report section to write (`workflow.reports.draft.outline`).
    section: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    required: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    result_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    evaluation: Mapped[Evaluation] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    attachments: Mapped[list[TaskAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="TaskAttachment.id"
    )

    def is_overdue(self, today: date) -> bool:
        """逾期: not finished and its due date (a local calendar day) has passed."""
        return (
            self.status not in FINISHED_STATUSES
            and self.due_date is not None
            and self.due_date < today
        )


class TaskAttachment(Base):
    """A 佐证材料 document handed in with a task."""

    __tablename__ = "task_attachments"
    __table_args__ = (UniqueConstraint("task_id", "document_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )

    document: Mapped[Document] = relationship()
