"""rectification reminders: a notification kind and target type for 整改事项

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:00:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "'task_due', 'task_overdue', 'task_escalation', 'stage_due', 'stage_overdue', "
    "'review_waiting', 'review_escalation'"
)
NEW_KINDS = OLD_KINDS + ", 'rectification_due'"


def _set(kinds: str, targets: str) -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.drop_constraint(op.f("ck_notifications_target_type"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), f"kind IN ({kinds})")
        batch.create_check_constraint(
            op.f("ck_notifications_target_type"), f"target_type IN ({targets})"
        )


def upgrade() -> None:
    _set(NEW_KINDS, "'task', 'evaluation', 'rectification'")


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE kind = 'rectification_due'")
    _set(OLD_KINDS, "'task', 'evaluation'")
