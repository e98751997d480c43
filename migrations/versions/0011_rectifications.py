"""rectifications: 整改 as a closed loop (statuses, note, reason, version, evidence)

Revision ID: 0011_rectifications
Revises: 0011_results
Create Date: 2026-12-02 03:10:00

整改事项 move open → in_progress → done → accepted, or back (reopened); they keep the latest
整改说明 and 退回理由, an optimistic-lock version, and the 佐证材料 handed in (documents of the
evaluation, linked); two event notifications tell the bureau an item waits for acceptance and
its owner that it was accepted or sent back. Nothing refers to `rectifications`, so SQLite's rebuild of it (batch mode,
for the CHECK constraint and the wider status column) leaves every other row alone. Going back
maps the new statuses onto the old two (in_progress, reopened → open; accepted → done).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_rectifications"
down_revision = "0011_results"
branch_labels = None
depends_on = None

STATUSES = "'open', 'in_progress', 'done', 'accepted', 'reopened'"
OLD_KINDS = (
    "'task_due', 'task_overdue', 'task_escalation', 'stage_due', 'stage_overdue', "
    "'review_waiting', 'review_escalation', 'rectification_due', "
    "'task_assigned', 'report_submitted', 'returned', 'group_approved', 'archived'"
)
NEW_KINDS = "'rectification_handed_in', 'rectification_reviewed'"


def _notification_kinds(kinds: str) -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), f"kind IN ({kinds})")


def upgrade() -> None:
    _notification_kinds(f"{OLD_KINDS}, {NEW_KINDS}")
    with op.batch_alter_table("rectifications") as batch:
        batch.drop_constraint(op.f("ck_rectifications_status"), type_="check")
        batch.alter_column(  # NOT NULL said again: MySQL/MariaDB's MODIFY would drop it
            "status",
            existing_type=sa.String(length=10),
            type_=sa.String(length=20),
            existing_nullable=False,
        )
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.create_check_constraint(op.f("ck_rectifications_status"), f"status IN ({STATUSES})")
        batch.create_index("ix_rectifications_status_due_date", ["status", "due_date"])
    op.create_table(
        "rectification_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rectification_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_rectification_evidence_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rectification_id"],
            ["rectifications.id"],
            name=op.f("fk_rectification_evidence_rectification_id_rectifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_evidence")),
        sa.UniqueConstraint(
            "rectification_id",
            "document_id",
            name=op.f("uq_rectification_evidence_rectification_id"),
        ),
    )
    op.create_index(
        op.f("ix_rectification_evidence_rectification_id"),
        "rectification_evidence",
        ["rectification_id"],
    )
    op.create_index(
        op.f("ix_rectification_evidence_document_id"), "rectification_evidence", ["document_id"]
    )


def downgrade() -> None:
    op.execute(f"DELETE FROM notifications WHERE kind IN ({NEW_KINDS})")
    _notification_kinds(OLD_KINDS)
    op.drop_table("rectification_evidence")  # with its indexes (MariaDB: not before its keys)
    op.execute(
        "UPDATE rectifications SET status = CASE WHEN status = 'accepted' THEN 'done' "
        "WHEN status IN ('in_progress', 'reopened') THEN 'open' ELSE status END"
    )
    with op.batch_alter_table("rectifications") as batch:
        batch.drop_index("ix_rectifications_status_due_date")
        batch.drop_constraint(op.f("ck_rectifications_status"), type_="check")
        batch.drop_column("version")
        batch.drop_column("updated_at")
        batch.drop_column("reason")
        batch.drop_column("note")
        batch.alter_column(
            "status",
            existing_type=sa.String(length=20),
            type_=sa.String(length=10),
            existing_nullable=False,
        )
        batch.create_check_constraint(
            op.f("ck_rectifications_status"), "status IN ('open', 'done')"
        )
