"""The declarative base: one MetaData with the naming convention Alembic relies on, and the
numeric column types (money in 万元, points, rates) every domain's tables share.
"""

from __future__ import annotations

from sqlalchemy import MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase

from workflow.kernel.money import Money as Money  # 金额: its rules live in kernel.money

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def taken(message: str) -> dict[str, str]:
    """The `info` of a unique column people fill in (a name, a username): the Chinese message
    that refuses a value already taken, when the unique constraint is what refuses it (a
    duplicate saved by someone else between the operation's check and its insert)."""
    return {"taken": message}


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


Points = Numeric(7, 2)  # 分值、得分: two decimals, never binary floats

Rate = Numeric(14, 2)  # 完成率、满意度 in %: may exceed 100 (over-achievement)
