"""stage entered at: when an evaluation entered its current stage; 我的已办's index

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:00:00

How long an evaluation has waited in its stage (我的待办's 等待天数, the portfolio's 停留最久)
is read from the row. Existing evaluations take the time of the audit event that moved them
into their current state (else their creation).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (nullable: SQLite cannot add a NOT NULL column without a default, and
    # rebuilding the table its rows are referenced from would trip the foreign keys); the app
    # writes it with every state change and at creation.
    op.add_column("evaluations", sa.Column("stage_entered_at", sa.DateTime(), nullable=True))
    op.execute(
        """
        UPDATE evaluations SET stage_entered_at = COALESCE(
            (SELECT MAX(audit_events.at) FROM audit_events
              WHERE audit_events.evaluation_id = evaluations.id
                AND audit_events.to_state = evaluations.state
                AND (audit_events.from_state IS NULL
                     OR audit_events.from_state != audit_events.to_state)),
            created_at)
        """
    )
    op.create_index(
        "ix_evaluations_state_entered", "evaluations", ["state", "stage_entered_at"]
    )
    op.create_index("ix_audit_events_actor_id_id", "audit_events", ["actor_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_actor_id_id", table_name="audit_events")
    op.drop_index("ix_evaluations_state_entered", table_name="evaluations")
    op.drop_column("evaluations", "stage_entered_at")
