"""An uploaded document of an evaluation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.base import Base, _in

DOCUMENT_CATEGORIES = {
    "work_plan": "评价工作方案",
    "basis": "依据文件",
    "evidence": "佐证材料",
    "other": "其他",
}


class Document(Base):
    """An uploaded file (依据文件, 工作方案, 佐证材料) under a generated key, never a user path.

    删除 is soft: the row stays with who deleted it, when and why (and, for a replaced file,
    which file replaced it); its stored bytes are kept until the evaluation is archived."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(f"category IN ({_in(DOCUMENT_CATEGORIES)})", name="category"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delete_reason: Mapped[str] = mapped_column(Text, default="")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime)  # bytes removed at 归档

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None
