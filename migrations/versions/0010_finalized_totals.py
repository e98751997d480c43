"""finalized totals: 评分定稿 keeps the 总分 and 等级 it locked

Revision ID: 0010
Revises: 0008_event_notifications
Create Date: 2026-12-02 05:00:00

The bureau's portfolio counts evaluations per 等级 and bins their totals in SQL. Existing
finalisations take the total and grade their `scores_finalized` audit event recorded.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008_event_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("score_finalizations", sa.Column("total", sa.Numeric(7, 2), nullable=True))
    op.add_column("score_finalizations", sa.Column("grade", sa.String(length=4), nullable=True))
    connection = op.get_bind()
    latest = connection.execute(
        sa.text(
            "SELECT f.id, e.details FROM score_finalizations f"
            " JOIN audit_events e ON e.evaluation_id = f.evaluation_id"
            " WHERE e.action = 'scores_finalized' ORDER BY e.id"
        )
    ).all()
    recorded = {}
    for finalization_id, details in latest:  # the latest event of each wins
        details = json.loads(details) if isinstance(details, str) else details or {}
        recorded[finalization_id] = (details.get("total"), details.get("grade"))
    for finalization_id, (total, grade) in recorded.items():
        connection.execute(
            sa.text("UPDATE score_finalizations SET total = :total, grade = :grade WHERE id = :id"),
            {"total": total, "grade": grade, "id": finalization_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("score_finalizations") as batch:
        batch.drop_column("grade")
        batch.drop_column("total")
