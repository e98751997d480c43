"""indicator templates: kept by administrators, the three built-in ones inserted

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:00:00

The built-in templates (共性指标框架、单位自评、雪亮工程) come from `workflow.indicators.TEMPLATES`,
so their data has one source.
"""

import sqlalchemy as sa
from alembic import op

from workflow.indicator_templates import built_in_rows

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "indicator_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tree", sa.JSON(), nullable=False),
        sa.Column("built_in", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_indicator_templates_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_templates")),
        sa.UniqueConstraint("key", name=op.f("uq_indicator_templates_key")),
    )
    op.bulk_insert(table, built_in_rows())


def downgrade() -> None:
    op.drop_table("indicator_templates")
