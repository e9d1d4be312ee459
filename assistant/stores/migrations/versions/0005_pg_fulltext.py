"""Full text on PostgreSQL: the ``chunk_terms`` table of jieba words, GIN-indexed as a ``tsvector``.

Revision ID: 0005_pg_fulltext
Revises: 0004_jobs
Create Date: 2026-12-07

The table is made on both databases so that the records schema stays one; SQLite keeps its full
text in the FTS5 file and leaves the table empty. The GIN index on
``to_tsvector('simple', tokens)`` (no extension needed) is made on PostgreSQL only. A database
migrated with chunks already stored gets its index filled by ``ziping doctor --repair``, which
finds every stored chunk missing from the full text.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_pg_fulltext"
down_revision = "0004_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chunk_terms",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("submission_id", sa.String(64), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
    )
    op.create_index("ix_chunk_terms_submission_id", "chunk_terms", ["submission_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_chunk_terms_tsv ON chunk_terms USING gin (to_tsvector('simple'::regconfig, tokens))")


def downgrade() -> None:
    op.drop_table("chunk_terms")
