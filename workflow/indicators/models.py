"""评价指标 and 指标模板."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models import User
from workflow.kernel import clock
from workflow.kernel.base import Base, Points, _in, taken
from workflow.scoring.rules import DIRECTIONS, RULE_TYPES


class Indicator(Base):
    """评价指标: one node of the three-level tree (一级、二级、三级指标); leaves carry the rule."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "code"),
        CheckConstraint("level BETWEEN 1 AND 3", name="level"),
        CheckConstraint("weight > 0", name="weight"),
        CheckConstraint(f"direction IN ({_in(DIRECTIONS)})", name="direction"),
        CheckConstraint(
            f"(level = 3 AND rule_type IN ({_in(RULE_TYPES)}))"
            " OR (level < 3 AND rule_type IS NULL)",
            name="leaf_rule",
        ),
        CheckConstraint("(level = 1) = (parent_id IS NULL)", name="parent"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(Points)
    target: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    direction: Mapped[str] = mapped_column(String(10), default="positive")
    standard: Mapped[str] = mapped_column(Text, default="")
    rule_type: Mapped[str | None] = mapped_column(String(20))
    rule_params: Mapped[dict | None] = mapped_column(JSON)
    scorer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    children: Mapped[list[Indicator]] = relationship(
        order_by="Indicator.position", cascade="all, delete-orphan", passive_deletes=True
    )
    scorer: Mapped[User | None] = relationship()

    @property
    def is_leaf(self) -> bool:
        return self.level == 3


class IndicatorTemplate(Base):
    """指标模板: a tree kept by administrators and copied into an evaluation (从模板复制).

    The built-in ones (共性指标框架、单位自评、雪亮工程, from
    `workflow.indicators.builtin.TEMPLATES`) are inserted by the migration; they may be edited
    but not deleted.
    """

    __tablename__ = "indicator_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True, info=taken("模板代码已存在"))
    title: Mapped[str] = mapped_column(String(200))
    kinds: Mapped[list] = mapped_column(JSON)  # evaluation kinds it suits (EVALUATION_KINDS)
    description: Mapped[str] = mapped_column(Text, default="")
    tree: Mapped[list] = mapped_column(JSON)  # level-1 nodes in the API shape
    built_in: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    updated_by: Mapped[User | None] = relationship()
