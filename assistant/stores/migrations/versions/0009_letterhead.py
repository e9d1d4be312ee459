"""Each user's 公文 letterhead for drafts (issue 20): 发文机关, 主送机关, 发文字号, 成文日期, 抄送.

Revision ID: 0009_letterhead
Revises: 0008_conversations
Create Date: 2026-12-07

One new table (see :mod:`assistant.stores.letterheads`); nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_letterhead"
down_revision = "0008_conversations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letterheads",
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("addressee", sa.Text(), nullable=False),
        sa.Column("doc_number", sa.Text(), nullable=False),
        sa.Column("date", sa.String(length=64), nullable=False),
        sa.Column("cc", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user"),
    )


def downgrade() -> None:
    op.drop_table("letterheads")
