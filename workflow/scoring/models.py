"""三级指标得分 and 评分定稿."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models import User
from workflow.indicators.models import Indicator
from workflow.kernel import clock
from workflow.kernel.base import Base, Points, Rate


class IndicatorScore(Base):
    """三级指标得分: the scorer's inputs and the computed score, or 不适用 with its reason."""

    __tablename__ = "indicator_scores"
    __table_args__ = (
        CheckConstraint("not_applicable OR score IS NOT NULL", name="scored"),
        CheckConstraint("score IS NULL OR score >= 0", name="score"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), unique=True
    )
    inputs: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[Decimal | None] = mapped_column(Points)
    actual: Mapped[Decimal | None] = mapped_column(Rate)
    rate: Mapped[Decimal | None] = mapped_column(Rate)
    details: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")  # 扣分理由, or why 不适用
    deviation_note: Mapped[str] = mapped_column(Text, default="")  # 偏差说明
    not_applicable: Mapped[bool] = mapped_column(default=False)
    scored_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scored_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    indicator: Mapped[Indicator] = relationship()
    scored_by: Mapped[User] = relationship()


class ScoreFinalization(Base):
    """评分定稿: the 组长 locked the scores; removed when the evaluation is returned before it."""

    __tablename__ = "score_finalizations"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), unique=True
    )
    finalized_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    finalized_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    round: Mapped[int] = mapped_column(Integer)
    #: 总分 and 等级 as finalised: what the bureau's portfolio counts and bins, in SQL.
    total: Mapped[Decimal | None] = mapped_column(Points)
    grade: Mapped[str | None] = mapped_column(String(4))

    finalized_by: Mapped[User] = relationship()
