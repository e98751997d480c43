"""logins: a session epoch per user, so a logout, a password change or a deactivation ends
every session at once; failed logins counted per account and address (login_failures)

Revision ID: 0008_logins
Revises: 0008_archived_docx
Create Date: 2026-12-02 02:30:00

Existing users start at epoch 0; login cookies saved before this revision name no epoch and are
refused, so everybody logs in once more.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_logins"
down_revision = "0008_archived_docx"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
        sa.UniqueConstraint("key", name=op.f("uq_login_failures_key")),
    )


def downgrade() -> None:
    op.drop_table("login_failures")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
