"""list indexes: the filters and orders of the paged lists and of 我的待办

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:30:00

评价列表 filters by 年度 and sorts by 完成期限; 我的待办 looks tasks up by holder and by the
groups' evaluations (each with its status); an evaluation's audit trail is read a page at a
time, newest first.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_evaluations_year", "evaluations", ["year"]),
    ("ix_evaluations_due_date", "evaluations", ["due_date"]),
    ("ix_tasks_assignee_status", "tasks", ["assignee_id", "status"]),
    ("ix_tasks_evaluation_status", "tasks", ["evaluation_id", "status"]),
    ("ix_audit_events_evaluation_id_id", "audit_events", ["evaluation_id", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
