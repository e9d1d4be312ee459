"""Reviewers' ratings of answers: 👍 / 👎 with a reason per answered turn (issue 18 item 6).

Revision ID: 0010_feedback
Revises: 0009_letterhead
Create Date: 2026-12-07

One new table (see :mod:`assistant.stores.feedback`); nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_feedback"
down_revision = "0009_letterhead"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ask_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "turn", "user_name"),
    )
    op.create_index(op.f("ix_ask_feedback_conversation_id"), "ask_feedback", ["conversation_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ask_feedback_conversation_id"), table_name="ask_feedback")
    op.drop_table("ask_feedback")
