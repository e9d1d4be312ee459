"""Findings carry their occurrences: the rows of a pattern folded into one finding (issue 21).

Revision ID: 0002_finding_occurrences
Revises: 0001_baseline
Create Date: 2026-12-07

A nullable JSON column: the findings stored before it keep their rows and read back with no
occurrences, as a finding about one cell has.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_finding_occurrences"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("occurrences", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("occurrences")
