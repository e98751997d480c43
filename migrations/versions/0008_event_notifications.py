"""event notifications: the notification kinds of events (任务分派, 提交审核, 退回, 领导小组审核通过, 归档)

Revision ID: 0008_event_notifications
Revises: 0008_logins
Create Date: 2026-12-02 02:30:00
"""

from alembic import op

revision = "0008_event_notifications"
down_revision = "0008_logins"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "'task_due', 'task_overdue', 'task_escalation', 'stage_due', 'stage_overdue', "
    "'review_waiting', 'review_escalation', 'rectification_due'"
)
EVENT_KINDS = "'task_assigned', 'report_submitted', 'returned', 'group_approved', 'archived'"


def _set(kinds: str) -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), f"kind IN ({kinds})")


def upgrade() -> None:
    _set(f"{OLD_KINDS}, {EVENT_KINDS}")


def downgrade() -> None:
    op.execute(f"DELETE FROM notifications WHERE kind IN ({EVENT_KINDS})")
    _set(OLD_KINDS)
