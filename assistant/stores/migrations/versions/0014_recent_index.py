"""Indexes for the latest submissions: the overview's order and the change stamp of questions.

Revision ID: 0014_recent_index
Revises: 0013_writer
Create Date: 2026-12-07

The overview lists submissions by ``updated_at`` (then id) and every question reads
(count, latest ``updated_at``) to know whether its name lists are stale. Without an index both
read the whole ``submissions`` table, ``data`` JSON included: about 100 ms per question at
10,000 submissions on SQLite. ``(bureau, updated_at)`` serves the same for a bureau's view.
"""

from __future__ import annotations

from alembic import op

revision = "0014_recent_index"
down_revision = "0013_writer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_submissions_recent", "submissions", ["updated_at", "id"])
    op.create_index("ix_submissions_bureau_recent", "submissions", ["bureau", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_submissions_bureau_recent", table_name="submissions")
    op.drop_index("ix_submissions_recent", table_name="submissions")
