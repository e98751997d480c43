"""document deletion: soft delete (who, when, why), the file that replaced it, purge at 归档

Revision ID: 0009_document_deletion
Revises: 0008_self_evaluation_form
Create Date: 2026-12-02 02:45:00

Existing documents are not deleted (all new columns empty).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_document_deletion"
down_revision = "0008_self_evaluation_form"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("deleted_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("delete_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("purged_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_documents_deleted_by_id_users"), "users", ["deleted_by_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_documents_replaced_by_id_documents"), "documents", ["replaced_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint(op.f("fk_documents_replaced_by_id_documents"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_documents_deleted_by_id_users"), type_="foreignkey")
        batch.drop_column("purged_at")
        batch.drop_column("replaced_by_id")
        batch.drop_column("delete_reason")
        batch.drop_column("deleted_by_id")
        batch.drop_column("deleted_at")
