"""The report (评价报告): sections and their versions, problems and suggestions, review comments,
and the archived PDF (the 整改 items made from the problems at archive are
`workflow.rectifications.models`).

`workflow.models` imports this module so that `Base.metadata` (and Alembic) see these tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
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
from workflow.kernel import clock
from workflow.kernel.base import Base, _in

PROBLEM_KINDS = {"problem": "存在的问题", "suggestion": "有关建议"}

#: 签发文件的生成状态: waiting (or waiting to retry), being rendered, stored, given up.
RENDER_STATUSES = {"pending": "生成中", "running": "生成中", "done": "已生成", "failed": "生成失败"}


class ReportSection(Base):
    """报告章节: one part of the outline, its current text and the figures the draft stated.

    `figures` maps a label to the exact words the generated draft used for it (e.g.
    {"预算执行率": "预算执行率为90.42%"}); the consistency check re-derives them from the data
    and flags any that changed while the old words are still in the text.
    """

    __tablename__ = "report_sections"
    __table_args__ = (UniqueConstraint("evaluation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[dict | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    updated_by: Mapped[User | None] = relationship()
    versions: Mapped[list[ReportSectionVersion]] = relationship(
        back_populates="section",
        cascade="all, delete-orphan",
        order_by="ReportSectionVersion.version",
    )


class ReportSectionVersion(Base):
    """A saved version of a section (append-only): version 1 is the generated draft."""

    __tablename__ = "report_section_versions"
    __table_args__ = (UniqueConstraint("section_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("report_sections.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    section: Mapped[ReportSection] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()


class ReportProblem(Base):
    """存在的问题 or 有关建议: problem, cause, measure (整改措施), owner and due date."""

    __tablename__ = "report_problems"
    __table_args__ = (CheckConstraint(f"kind IN ({_in(PROBLEM_KINDS)})", name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="problem")
    problem: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text, default="")
    measure: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    owner_text: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    @property
    def owner_label(self) -> str:
        return self.owner.display_name if self.owner else self.owner_text


class ReportComment(Base):
    """审核意见 on one section, by a reviewer, in one review round."""

    __tablename__ = "report_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    section_key: Mapped[str] = mapped_column(String(40))
    round: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    author: Mapped[User] = relationship()


class ArchivedReport(Base):
    """The signed report generated once at archive: served unchanged from the file store.

    The PDF and the Word file are rendered from the same content at the same moment, each
    stored with its own SHA-256; the `docx_*` columns are empty for reports archived before
    the Word file was kept.
    """

    __tablename__ = "archived_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), unique=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    generated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    docx_storage_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    docx_size: Mapped[int | None] = mapped_column(Integer)


class ReportRender(Base):
    """签发文件的生成任务: the report as approved at 归档, frozen, until its signed PDF and Word
    file are rendered and stored (`ArchivedReport`).

    `content` is `ReportContent.to_data()` as of the approval, so a render that runs later (or
    again, after a failure) produces the document that was approved. `attempts` counts the
    renders begun; a failed one is retried at `next_attempt_at` until `MAX_RENDER_ATTEMPTS`.
    """

    __tablename__ = "report_renders"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(RENDER_STATUSES)})", name="status"),
        Index("ix_report_renders_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), unique=True
    )
    content: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
