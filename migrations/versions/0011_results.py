"""results: 结果应用 decisions, the rules that suggest them from the 等级, and publication

Revision ID: 0011_results
Revises: 0010_task_closed
Create Date: 2026-12-02 03:30:00

Three new tables; nothing existing changes. Until an administrator sets a rule, the defaults
in `workflow.results.rules.DEFAULT_RULES` apply, so no row is seeded.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_results"
down_revision = "0010_task_closed"
branch_labels = None
depends_on = None

DECISIONS = "'keep', 'increase', 'reduce', 'stop', 'rectify'"
GRADES = "'优', '良', '中', '差'"


def upgrade() -> None:
    op.create_table(
        "result_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("percentage", sa.Numeric(5, 2), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"decision IN ({DECISIONS})", name=op.f("ck_result_decisions_decision")),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_result_decisions_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_result_decisions_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_decisions")),
        sa.UniqueConstraint("evaluation_id", name=op.f("uq_result_decisions_evaluation_id")),
    )
    op.create_table(
        "decision_rules",
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("percentage", sa.Numeric(5, 2), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"grade IN ({GRADES})", name=op.f("ck_decision_rules_grade")),
        sa.CheckConstraint(f"decision IN ({DECISIONS})", name=op.f("ck_decision_rules_decision")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_decision_rules_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("grade", name=op.f("pk_decision_rules")),
    )
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_publications_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_publications_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("evaluation_id", name=op.f("uq_publications_evaluation_id")),
        sa.UniqueConstraint("token", name=op.f("uq_publications_token")),
    )


def downgrade() -> None:
    op.drop_table("publications")
    op.drop_table("decision_rules")
    op.drop_table("result_decisions")
