"""The tables of 结果应用 and 评价结果公开.

`workflow.models` imports this module so that `Base.metadata` (and Alembic) see these tables.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.base import Base, _in
from workflow.results.rules import DECISIONS
from workflow.scoring.rules import GRADE_TITLES

Percentage = Numeric(5, 2)  # 压减/增加比例 in %, two decimals


class ResultDecision(Base):
    """结果应用: the bureau's decision for an archived evaluation's project in the next budget."""

    __tablename__ = "result_decisions"
    __table_args__ = (CheckConstraint(f"decision IN ({_in(DECISIONS)})", name="decision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), unique=True
    )
    decision: Mapped[str] = mapped_column(String(10))
    percentage: Mapped[Decimal | None] = mapped_column(Percentage)
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    decided_by: Mapped[User | None] = relationship()


class DecisionRule(Base):
    """结果应用规则: the decision one 等级 suggests, as an administrator set it."""

    __tablename__ = "decision_rules"
    __table_args__ = (
        CheckConstraint(f"grade IN ({_in(GRADE_TITLES)})", name="grade"),
        CheckConstraint(f"decision IN ({_in(DECISIONS)})", name="decision"),
    )
    grade: Mapped[str] = mapped_column(String(4), primary_key=True)
    decision: Mapped[str] = mapped_column(String(10))
    percentage: Mapped[Decimal | None] = mapped_column(Percentage)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class Publication(Base):
    """评价结果公开: an archived evaluation's public page, reached by an unguessable token.

    Switched off, the row stays (who did it, when) and the token is no longer answered;
    switched on again, it gets a new token, so a link handed out before stays dead."""

    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), unique=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
