"""Conversations of the ask page: their owner, title and subject; turns keep their subject and answer (issue 18).

Revision ID: 0008_conversations
Revises: 0007_review_scores
Create Date: 2026-12-07

``conversations`` is new; ``ask_turns`` gains nullable columns, so the turns stored before it read
back with no indicator, measure or answer (a follow-up to them carries unit, project and year as
before).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_conversations"
down_revision = "0007_review_scores"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversations',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_name', sa.String(length=64), nullable=True),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('subject', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_conversations_user_name'), 'conversations', ['user_name'], unique=False)
    with op.batch_alter_table("ask_turns") as batch:
        batch.add_column(sa.Column("indicator", sa.String(length=256), nullable=True))
        batch.add_column(sa.Column("measure", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("submission_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("answer", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ask_turns") as batch:
        for name in ("answer", "submission_id", "measure", "indicator"):
            batch.drop_column(name)
    op.drop_index(op.f('ix_conversations_user_name'), table_name='conversations')
    op.drop_table('conversations')
