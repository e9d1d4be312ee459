"""Reviewers' corrections of read values and resubmissions as versions (issue 15 items 2 and 5).

Revision ID: 0006_corrections
Revises: 0005_pg_fulltext
Create Date: 2026-12-07

``corrections`` is the layer of reviewers' corrections over what the reader read (the value as
typed, its parse, the value as read, who, when, whether still in force). ``submission_versions``
links a resubmitted file to the series of its earlier versions. Both start empty: nothing stored
before was corrected or linked.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_corrections"
down_revision = "0005_pg_fulltext"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("field_path", sa.String(length=256), nullable=False),
        sa.Column("typed", sa.Text(), nullable=False),
        sa.Column("parsed", sa.JSON(), nullable=True),
        sa.Column("original", sa.JSON(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_corrections_submission_id"), "corrections", ["submission_id"], unique=False)
    op.create_index(op.f("ix_corrections_active"), "corrections", ["active"], unique=False)
    op.create_table(
        "submission_versions",
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("series_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.String(length=64), nullable=True),
        sa.Column("linked_by", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("submission_id"),
        sa.UniqueConstraint("series_id", "number"),
    )
    op.create_index(op.f("ix_submission_versions_series_id"), "submission_versions", ["series_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_submission_versions_series_id"), table_name="submission_versions")
    op.drop_table("submission_versions")
    op.drop_index(op.f("ix_corrections_active"), table_name="corrections")
    op.drop_index(op.f("ix_corrections_submission_id"), table_name="corrections")
    op.drop_table("corrections")
