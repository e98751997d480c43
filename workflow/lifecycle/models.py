"""绩效评价, its working group, its approvals."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal

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
    cast,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from workflow.accounts.models import Unit, User
from workflow.documents.models import Document
from workflow.kernel import clock
from workflow.kernel.base import Base, Money, _in
from workflow.lifecycle.states import STATES

#: 评价年度: the years an evaluation may be for.
YEARS = range(2000, 2101)

EVALUATION_KINDS = {"unit_self": "单位自评", "department": "部门评价", "finance": "财政评价"}

#: The roles of the 评价工作组 and the leading group, with their labels.
GROUP_ROLES = {"leader": "组长", "deputy": "副组长", "member": "成员", "approver": "领导小组审批人"}
#: 组长、副组长、成员: the group's workers, who may hold tasks and score leaves (an 审批人 only
#: approves).
GROUP_WORKERS = tuple(role for role in GROUP_ROLES if role != "approver")
#: 领导小组审批人 when none is named: the 组长 and the 副组长.
DEFAULT_APPROVERS = ("leader", "deputy")


class Evaluation(Base):
    """绩效评价: one evaluation of one project for one year, moving through the stages."""

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(EVALUATION_KINDS)})", name="kind"),
        CheckConstraint(f"state IN ({_in(STATES)})", name="state"),
        CheckConstraint("round >= 1", name="round"),
        # The list's filters (年度, 完成期限) and a unit's own list, newest first.
        Index("ix_evaluations_year", "year"),
        Index("ix_evaluations_due_date", "due_date"),
        Index("ix_evaluations_state_entered", "state", "stage_entered_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    project_name: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    competent_department: Mapped[str] = mapped_column(String(200), default="")  # 主管部门
    initial_budget: Mapped[Decimal | None] = mapped_column(Money)  # 年初预算数
    budget: Mapped[Decimal | None] = mapped_column(Money)  # 全年预算数
    funds_received: Mapped[Decimal | None] = mapped_column(Money)
    funds_spent: Mapped[Decimal | None] = mapped_column(Money)  # 全年执行数
    #: 预算执行率口径: "budget" (实际支出÷预算) or "received" (实际支出÷到位资金)
    #: (`workflow.scoring.rules.EXECUTION_BASES`)
    execution_basis: Mapped[str] = mapped_column(
        String(10), default="budget", server_default="budget"
    )
    # 资金来源: [{"source", "initial_budget", "budget", "spent"}] (`lifecycle.funds`)
    fund_sources: Mapped[list | None] = mapped_column(JSON)
    targets: Mapped[str] = mapped_column(Text, default="")  # 年度总体目标：预期目标
    targets_achieved: Mapped[str] = mapped_column(Text, default="")  # 实际完成情况
    due_date: Mapped[date | None] = mapped_column(Date)
    #: 自评任务: the bureau's campaign that dispatched this 单位自评 (None: opened by the unit).
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="preparation", index=True)
    machine_version: Mapped[str] = mapped_column(String(20))
    round: Mapped[int] = mapped_column(Integer, default=1)
    approval_policy: Mapped[str] = mapped_column(String(20), default="all")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    #: When the evaluation entered its current stage: how long it has waited there (待办的
    #: 等待天数, the portfolio's 停留最久), written with the state by the same statement (set on
    #: every row; nullable only because SQLite adds columns that way, migration 0009).
    stage_entered_at: Mapped[datetime | None] = mapped_column(DateTime, default=clock.now)
    # Checked and moved on by `workflow.lifecycle.operations._compare_and_set`, the one way the
    # row is written once created (not the ORM's version_id_col).
    version: Mapped[int] = mapped_column(Integer, default=1)

    # The unit (and through it the covering bureau) comes with the row, in the same SELECT.
    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    members: Mapped[list[GroupMember]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan", order_by="GroupMember.id"
    )
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    def users_in(self, role: str) -> list[User]:
        return [m.user for m in self.members if m.role == role]

    def ids_in(self, role: str) -> list[int]:
        """The user ids holding `role`, in the group's order: permissions and guards read these
        (from `group_roles`, loaded with the row), never the member or User rows."""
        return list(parse_group_roles(self.group_roles).get(role, ()))

    def roles_of(self, user_id: int) -> set[str]:
        """The group roles (组长/副组长/成员/审批人) `user_id` holds in this evaluation."""
        return {role for role, ids in parse_group_roles(self.group_roles).items() if user_id in ids}

    @property
    def bureau_id(self) -> int:
        """财政局: the bureau covering the evaluation's unit, which finance reviewers' access
        turns on (the unit is loaded with the row)."""
        return self.unit.bureau_id

    @property
    def approver_ids(self) -> list[int]:
        """领导小组审批人 by id: the named approvers, by default the 组长 and 副组长."""
        return self.ids_in("approver") or [
            user_id for role in DEFAULT_APPROVERS for user_id in self.ids_in(role)
        ]

    @property
    def leader(self) -> User | None:
        leaders = self.users_in("leader")
        return leaders[0] if leaders else None

    @property
    def approvers(self) -> list[User]:
        """领导小组审批人: the named approvers, by default the 组长 and 副组长."""
        named = self.users_in("approver")
        if named:
            return named
        return [user for role in DEFAULT_APPROVERS for user in self.users_in(role)]


class GroupMember(Base):
    """评价工作组成员: a user's role (组长/副组长/成员/审批人) in one evaluation."""

    __tablename__ = "group_members"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "user_id", "role", name="member"),
        CheckConstraint(f"role IN ({_in(GROUP_ROLES)})", name="role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    evaluation: Mapped[Evaluation] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


# The group by id, as "member id:role:user id" joined by commas, computed from group_members
# in the evaluation's own SELECT when asked for: who holds which role is asked on every
# permission check, and this answers it from the row alone. Kept current by `set_group`
# (refresh) like `members`.
Evaluation.group_roles = column_property(
    select(
        func.aggregate_strings(
            cast(GroupMember.id, String)
            + ":"
            + GroupMember.role
            + ":"
            + cast(GroupMember.user_id, String),
            # A literal column, not a str: a str separator is rendered anew at each execution.
            literal_column("','"),
        )
    )
    .where(GroupMember.evaluation_id == Evaluation.id)
    .correlate_except(GroupMember)
    .scalar_subquery(),
    # Deferred: a list reads it only where a permission needs it (`undefer`), not per row.
    deferred=True,
)


@functools.lru_cache(maxsize=4096)
def parse_group_roles(encoded: str | None) -> dict[str, tuple[int, ...]]:
    """`Evaluation.group_roles` → {role: user ids in the order the members were added}.

    Cached and shared between callers: read it, never change it."""
    entries = sorted(
        (int(row), role, int(user))
        for row, role, user in (item.split(":") for item in (encoded or "").split(",") if item)
    )
    group: dict[str, tuple[int, ...]] = {}
    for _row, role, user in entries:
        group[role] = (*group.get(role, ()), user)
    return group


# 已上传评价工作方案: what the 前期准备 guard asks, as a column of the evaluation so that an
# action loads it with the row instead of asking again (deferred: lists do not need it).
Evaluation.has_work_plan = column_property(
    exists()
    .where(
        Document.evaluation_id == Evaluation.id,
        Document.category == "work_plan",
        Document.deleted_at.is_(None),  # a deleted work plan is no work plan
    )
    .correlate_except(Document),
    deferred=True,
)


class Approval(Base):
    """One approver's approval in one review round (会签/或签 are counted from these)."""

    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("evaluation_id", "round", "stage", "user_id", name="once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    user: Mapped[User] = relationship()
