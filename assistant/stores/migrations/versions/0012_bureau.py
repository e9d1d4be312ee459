"""Bureaus (财政局 / 评价机构): users and submissions belong to one, and a reviewer sees only theirs.

Revision ID: 0012_bureau
Revises: 0011_cycle
Create Date: 2026-12-07

A ``bureaus`` table holding the default bureau; a ``bureau`` column on ``users`` and
``submissions``, every existing row in the default bureau so that a single-bureau installation
works as before. (Everything else hangs off a submission, or a user, and follows it; an annual
draft of another bureau is kept under its bureau's key, :mod:`assistant.stores.drafts`.)
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0012_bureau"
down_revision = "0011_cycle"
branch_labels = None
depends_on = None

DEFAULT = "default"
DEFAULT_NAME = "本机构"
_TABLES = ("users", "submissions")


def upgrade() -> None:
    bureaus = op.create_table(
        "bureaus",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint("name"),
    )
    op.bulk_insert(bureaus, [{"code": DEFAULT, "name": DEFAULT_NAME, "created_at": datetime.now(UTC)}])
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("bureau", sa.String(length=32), nullable=False, server_default=DEFAULT))
        op.create_index(op.f(f"ix_{table}_bureau"), table, ["bureau"], unique=False)


def downgrade() -> None:
    for table in _TABLES:
        op.drop_index(op.f(f"ix_{table}_bureau"), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("bureau")
    op.drop_table("bureaus")
