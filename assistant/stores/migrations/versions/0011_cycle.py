"""The performance cycle's forms (issue 19): each stored 绩效目标申报表 / 绩效监控表 indexed by
unit + project + year, and its link to a self-evaluation.

Revision ID: 0011_cycle
Revises: 0010_feedback
Create Date: 2026-12-07

One new table (see :mod:`assistant.stores.cycle`); nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_cycle"
down_revision = "0010_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cycle_forms",
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=256), nullable=True),
        sa.Column("project_name", sa.String(length=512), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("months", sa.Integer(), nullable=True),
        sa.Column("evaluation_id", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["evaluation_id"], ["submissions.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("submission_id"),
    )
    for column in ("kind", "unit", "project_name", "year", "evaluation_id"):
        op.create_index(op.f(f"ix_cycle_forms_{column}"), "cycle_forms", [column], unique=False)


def downgrade() -> None:
    for column in ("kind", "unit", "project_name", "year", "evaluation_id"):
        op.drop_index(op.f(f"ix_cycle_forms_{column}"), table_name="cycle_forms")
    op.drop_table("cycle_forms")
