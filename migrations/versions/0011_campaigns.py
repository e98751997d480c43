"""campaigns: 自评任务下达 (the bureau's campaign), its evaluations' campaign_id, and the
notification kinds campaign_assigned (下达) and campaign_reminder (催办)

Revision ID: 0011_campaigns
Revises: 0011_rectifications
Create Date: 2026-12-02 03:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_campaigns"
down_revision = "0011_rectifications"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "'task_due', 'task_overdue', 'task_escalation', 'stage_due', 'stage_overdue', "
    "'review_waiting', 'review_escalation', 'rectification_due', "
    "'task_assigned', 'report_submitted', 'returned', 'group_approved', 'archived', "
    "'rectification_handed_in', 'rectification_reviewed'"
)
CAMPAIGN_KINDS = "'campaign_assigned', 'campaign_reminder'"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), f"kind IN ({kinds})")


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureaus.id"], name=op.f("fk_campaigns_bureau_id_bureaus")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_campaigns_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index("ix_campaigns_bureau_year", "campaigns", ["bureau_id", "year"])
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_evaluations_campaign_id_campaigns"), "campaigns", ["campaign_id"], ["id"]
        )
        batch.create_index(op.f("ix_evaluations_campaign_id"), ["campaign_id"])
    _kinds(f"{OLD_KINDS}, {CAMPAIGN_KINDS}")


def downgrade() -> None:
    op.execute(f"DELETE FROM notifications WHERE kind IN ({CAMPAIGN_KINDS})")
    _kinds(OLD_KINDS)
    # The foreign key before its index (MariaDB keeps the index while a key needs it); the
    # campaigns table goes with its own index.
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_constraint(op.f("fk_evaluations_campaign_id_campaigns"), type_="foreignkey")
        batch.drop_index(op.f("ix_evaluations_campaign_id"))
        batch.drop_column("campaign_id")
    op.drop_table("campaigns")
