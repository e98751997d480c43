"""task closed: a task still open when its evaluation is 终止 is closed with it (已关闭)

Revision ID: 0010_task_closed
Revises: 0009_document_deletion
Create Date: 2026-12-02 03:00:00
"""

from alembic import op

revision = "0010_task_closed"
down_revision = "0009_document_deletion"
branch_labels = None
depends_on = None


def _set(statuses: str) -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_constraint(op.f("ck_tasks_status"), type_="check")
        batch.create_check_constraint(op.f("ck_tasks_status"), f"status IN ({statuses})")


def upgrade() -> None:
    _set("'open', 'claimed', 'done', 'closed'")


def downgrade() -> None:
    # closed tasks go back to what they were: claimed if held, else open
    op.execute(
        "UPDATE tasks SET status = CASE WHEN assignee_id IS NULL THEN 'open' ELSE 'claimed' END "
        "WHERE status = 'closed'"
    )
    _set("'open', 'claimed', 'done'")
