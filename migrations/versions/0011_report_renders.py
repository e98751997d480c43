"""report renders: 归档 queues the signed PDF and Word file, rendered after the commit

Revision ID: 0011_report_renders
Revises: 0011_campaigns
Create Date: 2026-12-02 03:30:00

The approval that archives a report no longer renders it inside its transaction: it freezes
the report's content in a `report_renders` row, and the render follows (at once in the
background, and from the scheduler until it succeeds).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_report_renders"
down_revision = "0011_campaigns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_renders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'done', 'failed')",
            name=op.f("ck_report_renders_status"),
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_report_renders_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_report_renders_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_renders")),
        sa.UniqueConstraint("evaluation_id", name=op.f("uq_report_renders_evaluation_id")),
    )
    op.create_index(
        "ix_report_renders_due", "report_renders", ["status", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("report_renders")  # with its index
