"""自评任务: one campaign of a bureau (财政局), its evaluations tied to it by
`Evaluation.campaign_id`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models import Bureau
from workflow.kernel import clock
from workflow.kernel.base import Base


class Campaign(Base):
    """自评任务: the bureau asks its units for one 自评表 per project by a due date."""

    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_bureau_year", "bureau_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    template: Mapped[str] = mapped_column(String(60))  # the indicator template's key
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    bureau: Mapped[Bureau] = relationship()
