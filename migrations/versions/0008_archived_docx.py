"""archived docx: the Word file of the signed report is kept beside the PDF

Revision ID: 0008_archived_docx
Revises: 0009
Create Date: 2026-12-02 02:30:00

Reports archived earlier keep no Word file (the columns stay empty): their .docx download is
rendered from the archived content when asked for.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_archived_docx"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("archived_reports") as batch:
        batch.add_column(sa.Column("docx_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("docx_storage_key", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("docx_size", sa.Integer(), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_archived_reports_docx_storage_key"), ["docx_storage_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("archived_reports") as batch:
        batch.drop_constraint(op.f("uq_archived_reports_docx_storage_key"), type_="unique")
        batch.drop_column("docx_size")
        batch.drop_column("docx_storage_key")
        batch.drop_column("docx_sha256")
