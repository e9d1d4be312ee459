"""Chunks waiting for vectors, found in order without sorting them all: an index on
``chunks (embedded, submission_id, seq)``.

Revision ID: 0013_writer
Revises: 0012_bureau
Create Date: 2026-12-07

``Stores.sync_vectors`` asks for the next batch of chunks not yet embedded, in reading order. With
the index on ``embedded`` alone every batch sorted every waiting chunk (text included): after a
large ingest, hundreds of thousands of rows sorted per batch of 256. Nothing existing changes.
"""

from __future__ import annotations

from alembic import op

revision = "0013_writer"
down_revision = "0012_bureau"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_chunks_pending", "chunks", ["embedded", "submission_id", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_chunks_pending", table_name="chunks")
