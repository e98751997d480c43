"""execution basis: an evaluation names its 预算执行率口径 (预算 or 到位资金)

Revision ID: 0012_settings
Revises: 0011_report_renders
Create Date: 2026-12-02 06:30:00

预算执行率 stays 实际支出 ÷ 预算 for every existing evaluation ("budget"); a 部门评价 may say
实际支出 ÷ 到位资金 ("received"), as the 共性指标框架 defines it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_settings"
down_revision = "0011_report_renders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "evaluations",
        sa.Column("execution_basis", sa.String(length=10), nullable=False, server_default="budget"),
    )


def downgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("execution_basis")
