"""The database model. Schema changes go through Alembic (`migrations/`), never `create_all`."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    cast,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship

from workflow import clock

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2)  # 万元, two decimals; never binary floats

SYSTEM_ROLES = ("admin", "unit_user", "finance_reviewer")
EVALUATION_KINDS = {"unit_self": "单位自评", "department": "部门评价", "finance": "财政评价"}
GROUP_ROLES = {"leader": "组长", "deputy": "副组长", "member": "成员", "approver": "领导小组审批人"}
DOCUMENT_CATEGORIES = {
    "work_plan": "评价工作方案",
    "basis": "依据文件",
    "evidence": "佐证材料",
    "other": "其他",
}


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Bureau(Base):
    """财政局: covers the budget units of its area."""

    __tablename__ = "bureaus"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    region: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    units: Mapped[list[Unit]] = relationship(back_populates="bureau")


class Unit(Base):
    """预算单位 (e.g. 某县公安局): owns projects and their evaluations."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    bureau: Mapped[Bureau] = relationship(back_populates="units")


class User(Base):
    """A person: administrator, unit user (单位用户) or finance reviewer (财政局审核人)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_in(SYSTEM_ROLES)})", name="role"),
        CheckConstraint(
            "(role != 'unit_user' OR unit_id IS NOT NULL)"
            " AND (role != 'finance_reviewer' OR bureau_id IS NOT NULL)",
            name="affiliation",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    title: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    email_enabled: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    unit: Mapped[Unit | None] = relationship()
    bureau: Mapped[Bureau | None] = relationship()

    # Flask-Login protocol, kept here so the core needs no web import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(Base):
    """A bearer token for `/api/v1`; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class Evaluation(Base):
    """绩效评价: one evaluation of one project for one year, moving through the stages."""

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(EVALUATION_KINDS)})", name="kind"),
        CheckConstraint(
            "state IN ('preparation', 'implementation', 'analysis', 'reporting',"
            " 'group_review', 'finance_review', 'archived', 'cancelled')",
            name="state",
        ),
        CheckConstraint("round >= 1", name="round"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    project_name: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    budget: Mapped[Decimal | None] = mapped_column(Money)
    funds_received: Mapped[Decimal | None] = mapped_column(Money)
    funds_spent: Mapped[Decimal | None] = mapped_column(Money)
    targets: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="preparation", index=True)
    machine_version: Mapped[str] = mapped_column(String(20))
    round: Mapped[int] = mapped_column(Integer, default=1)
    approval_policy: Mapped[str] = mapped_column(String(20), default="all")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    unit: Mapped[Unit] = relationship()
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
    def approver_ids(self) -> list[int]:
        """领导小组审批人 by id: the named approvers, by default the 组长 and 副组长."""
        return self.ids_in("approver") or self.ids_in("leader") + self.ids_in("deputy")

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
        return self.users_in("leader") + self.users_in("deputy")


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


class Document(Base):
    """An uploaded file (依据文件, 工作方案, 佐证材料) under a generated key, never a user path."""

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

    uploaded_by: Mapped[User] = relationship()


# The group by id, as "member id:role:user id" joined by commas, computed from group_members
# in the evaluation's own SELECT: who holds which role is asked on every permission check, and
# this answers it from the row alone. Kept current by `set_group` (refresh) like `members`.
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
    .scalar_subquery()
)
# 财政局: the bureau covering the evaluation's unit, which finance reviewers' access turns on.
Evaluation.bureau_id = column_property(
    select(Unit.bureau_id).where(Unit.id == Evaluation.unit_id).scalar_subquery()
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
    .where(Document.evaluation_id == Evaluation.id, Document.category == "work_plan")
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


class AuditEvent(Base):
    """审计记录: append-only (the migration adds triggers that refuse UPDATE and DELETE)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    comment: Mapped[str] = mapped_column(Text, default="")
    round: Mapped[int] = mapped_column(Integer)
    client_addr: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()


# --- 评价指标体系, 评分, 任务 (issue 4) ---------------------------------------------------------

Points = Numeric(7, 2)  # 分值、得分: two decimals, never binary floats
Rate = Numeric(14, 2)  # 完成率、满意度 in %: may exceed 100 (over-achievement)

RULE_TYPES = {
    "rate": "比率",
    "completion": "完成率",
    "tiered": "分档评价",
    "deduction": "扣分法",
    "survey": "满意度调查",
    "manual": "人工评分",
}
DIRECTIONS = {"positive": "正向", "negative": "反向"}
TASK_KINDS = {
    "collect": "资料收集",
    "field_check": "现场核验",
    "survey": "满意度调查",
    "working_paper": "底稿编制",
    "report_section": "报告章节",
    "scoring": "指标打分",
}
TASK_STATUSES = {"open": "待领取", "claimed": "进行中", "done": "已完成"}


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

    The built-in ones (共性指标框架、单位自评、雪亮工程, from `workflow.indicators.TEMPLATES`) are
    inserted by the migration; they may be edited but not deleted.
    """

    __tablename__ = "indicator_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kinds: Mapped[list] = mapped_column(JSON)  # evaluation kinds it suits (EVALUATION_KINDS)
    description: Mapped[str] = mapped_column(Text, default="")
    tree: Mapped[list] = mapped_column(JSON)  # level-1 nodes in the API shape
    built_in: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    updated_by: Mapped[User | None] = relationship()


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

    finalized_by: Mapped[User] = relationship()


class Task(Base):
    """工作任务 of the working group (资料收集、现场核验、问卷、底稿、报告章节、打分).

    `open` is in the pool (no assignee), `claimed` is held by its assignee, `done` is complete.
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
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    #: 报告章节 tasks: the key of the report section to write (`report_draft.outline`).
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
        """逾期: not done and its due date (a local calendar day) has passed."""
        return self.status != "done" and self.due_date is not None and self.due_date < today


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


from workflow import notification_models  # noqa: E402,F401

# isort: split
from workflow import report_models  # noqa: E402,F401
