"""复核打分: a reviewer's adjusted scores per form, a layer over the self-score (issue 15 item 8).

Revision ID: 0007_review_scores
Revises: 0006_corrections
Create Date: 2026-12-07

``review_scores`` holds one row per scored form (submission + evaluation index): the adjustments
(item, score, reason), the rule pack scored under and a version for compare-and-set. The self-score
stays in ``submissions.data`` / ``evaluations`` untouched; totals are computed, not stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_review_scores"
down_revision = "0006_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_scores",
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("evaluation_idx", sa.Integer(), nullable=False),
        sa.Column("adjustments", sa.JSON(), nullable=False),
        sa.Column("profile", sa.String(length=512), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scored_by", sa.String(length=64), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("submission_id", "evaluation_idx"),
    )


def downgrade() -> None:
    op.drop_table("review_scores")
