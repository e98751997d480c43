"""self-evaluation form: the 自评表's fields, amounts exact to the 分, 指标性质 "="

Revision ID: 0008_self_evaluation_form
Revises: 0010
Create Date: 2026-12-02 02:30:00

Evaluations get 主管部门, 年初预算数, the funds by source and 实际完成情况; their amounts widen
from two to six decimals of 万元 (the 分), which keeps every stored value as it was. Indicators may
be of direction "equal" (指标性质 "="). Downgrading rounds amounts back to two decimals and turns
"equal" leaves into "positive" ones.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_self_evaluation_form"
down_revision = "0010"
branch_labels = None
depends_on = None

AMOUNTS = ("budget", "funds_received", "funds_spent")


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        for name in AMOUNTS:
            batch.alter_column(
                name,
                type_=sa.Numeric(15, 6),
                existing_type=sa.Numeric(14, 2),
                existing_nullable=True,
            )
        batch.add_column(
            sa.Column("competent_department", sa.String(200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("initial_budget", sa.Numeric(15, 6), nullable=True))
        batch.add_column(sa.Column("fund_sources", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("targets_achieved", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("indicators") as batch:
        batch.drop_constraint(op.f("ck_indicators_direction"), type_="check")
        batch.create_check_constraint(
            op.f("ck_indicators_direction"), "direction IN ('positive', 'negative', 'equal')"
        )


def downgrade() -> None:
    op.execute("UPDATE indicators SET direction = 'positive' WHERE direction = 'equal'")
    with op.batch_alter_table("indicators") as batch:
        batch.drop_constraint(op.f("ck_indicators_direction"), type_="check")
        batch.create_check_constraint(
            op.f("ck_indicators_direction"), "direction IN ('positive', 'negative')"
        )
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("targets_achieved")
        batch.drop_column("fund_sources")
        batch.drop_column("initial_budget")
        batch.drop_column("competent_department")
        for name in AMOUNTS:
            batch.alter_column(
                name,
                type_=sa.Numeric(14, 2),
                existing_type=sa.Numeric(15, 6),
                existing_nullable=True,
            )
