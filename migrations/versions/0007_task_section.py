"""task section: a 报告章节 task names the report section it is for

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00

Existing 报告章节 tasks keep no section (the 组长 can set one on the task page); the check only
refuses a section on the other kinds.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("section", sa.String(length=40), nullable=True))
        batch.create_check_constraint(
            op.f("ck_tasks_section"), "kind = 'report_section' OR section IS NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_constraint(op.f("ck_tasks_section"), type_="check")
        batch.drop_column("section")
