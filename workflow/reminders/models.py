"""Reminders and notifications (提醒与通知): the policy, stage deadlines, the inbox, the outbox.

`workflow.models` imports this module so that `Base.metadata` (and Alembic) see these tables.
"""

from __future__ import annotations

from datetime import date, datetime

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

from workflow.accounts.models import Unit, User
from workflow.kernel import clock
from workflow.kernel.base import Base, _in
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import OPEN_STATES

NOTIFICATION_KINDS = {
    "task_due": "任务即将到期",
    "task_overdue": "任务已逾期",
    "task_escalation": "任务逾期上报",
    "stage_due": "阶段期限临近",
    "stage_overdue": "阶段已逾期",
    "review_waiting": "待您审核",
    "review_escalation": "审核滞留上报",
    "rectification_due": "整改事项即将到期",
    # events, told at once (`workflow.reminders.events`)
    "task_assigned": "新任务",
    "report_submitted": "报告待审核",
    "returned": "评价被退回",
    "group_approved": "领导小组审核通过",
    "archived": "评价已归档",
    "rectification_handed_in": "整改事项待验收",
    "rectification_reviewed": "整改事项已验收或被退回",
    # 自评任务 (`workflow.campaigns.operations`)
    "campaign_assigned": "自评任务下达",
    "campaign_reminder": "自评任务催办",
}

TARGET_TYPES = ("task", "evaluation", "rectification")

CHANNELS = {"email": "电子邮件", "webhook": "单位群机器人"}

OUTBOX_STATUSES = {
    "pending": "待发送",
    "sent": "已发送",
    "failed": "发送失败",
    "skipped": "无需发送",  # e.g. the user switched e-mail off before it went out
}

#: 阶段期限 may be set for every stage before 已归档 (the evaluation's own due date covers that).
DEADLINE_STAGES = OPEN_STATES


class ReminderPolicy(Base):
    """提醒规则: one row of settings an administrator can change (its defaults:
    `workflow.reminders.policy.DEFAULT_POLICY`)."""

    __tablename__ = "reminder_policy"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
    # Not AUTO_INCREMENT: MySQL and MariaDB refuse a CHECK on such a column; the row is id 1.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    settings: Mapped[dict] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class StageDeadline(Base):
    """阶段期限: an optional due date for one stage of one evaluation (e.g. 自评报告4月30日前报送).

    The evaluation's own `due_date` is the deadline of the whole evaluation (到归档为止).
    """

    __tablename__ = "stage_deadlines"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "stage"),
        CheckConstraint(f"stage IN ({_in(DEADLINE_STAGES)})", name="stage"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date] = mapped_column(Date)

    evaluation: Mapped[Evaluation] = relationship()


class Notification(Base):
    """站内通知: one reminder for one person, created once per rule, target and time window,
    or one event notice, created once per event and person."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(NOTIFICATION_KINDS)})", name="kind"),
        CheckConstraint(f"target_type IN ({_in(TARGET_TYPES)})", name="target_type"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # rule + recipient + target + window: the same reminder can never be created twice
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    sweep_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    @property
    def read(self) -> bool:
        return self.read_at is not None


class OutboxMessage(Base):
    """发件箱: a reminder still to be delivered by e-mail or webhook, with its retries recorded.

    Created in the same transaction as its notification, under the same unique key, so a
    reminder is queued exactly once; a failed delivery stays here with its error.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key", "channel"),
        CheckConstraint(f"channel IN ({_in(CHANNELS)})", name="channel"),
        CheckConstraint(f"status IN ({_in(OUTBOX_STATUSES)})", name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10))
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    last_error: Mapped[str | None] = mapped_column(Text)
    digest_day: Mapped[date | None] = mapped_column(Date)  # the local day of the digest it went in
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    notification: Mapped[Notification] = relationship()
    user: Mapped[User | None] = relationship()


class UnitSettings(Base):
    """单位设置: the unit's optional chat-robot webhook (off by default)."""

    __tablename__ = "unit_settings"
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_enabled: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit] = relationship()
