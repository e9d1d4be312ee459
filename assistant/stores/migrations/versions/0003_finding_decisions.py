"""Reviewers' decisions on findings, the read certainty of submissions and the review's audit log (issue 15).

Revision ID: 0003_finding_decisions
Revises: 0002_finding_occurrences
Create Date: 2026-12-07

Findings gain the decision columns (every stored finding starts 待定, version 1) and
``resolved_at`` (a re-check that no longer makes a finding marks it instead of deleting it).
``submission_reviews`` holds where each submission stands: its read certainty (已识别 / 待核实 /
非自评材料, and who confirmed an uncertain read), its state, reviewer and due date; a row is made
for every submission already stored. ``review_events`` is the append-only audit log: no foreign key to ``submissions``, so the log of a
deleted submission stays.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_finding_decisions"
down_revision = "0002_finding_occurrences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submission_reviews",
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("certainty", sa.String(length=16), nullable=False),
        sa.Column("certainty_confirmed_by", sa.String(length=64), nullable=True),
        sa.Column("certainty_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("submission_id"),
    )
    op.create_index(op.f("ix_submission_reviews_certainty"), "submission_reviews", ["certainty"], unique=False)
    op.create_index(op.f("ix_submission_reviews_state"), "submission_reviews", ["state"], unique=False)
    op.create_index(op.f("ix_submission_reviews_assignee"), "submission_reviews", ["assignee"], unique=False)
    # one row for every submission stored before: a read the reader was unsure of is 待核实, a file
    # that is no self-evaluation (kept as text with the classifier's reason) 非自评材料
    op.execute("INSERT INTO submission_reviews (submission_id, certainty, state, version, updated_at) "
               "SELECT id, CASE WHEN status = 'ok' THEN 'recognised' "
               "WHEN kind = 'unknown' AND status_reason LIKE '%不是绩效自评材料%' THEN 'not_evaluation' "
               "ELSE 'uncertain' END, 'pending', 1, updated_at FROM submissions")
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("decision", sa.String(length=24), server_default="open", nullable=False))
        batch.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("decision_comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("decided_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch.create_index(batch.f("ix_findings_decision"), ["decision"], unique=False)
        batch.create_index(batch.f("ix_findings_resolved_at"), ["resolved_at"], unique=False)
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("finding_id", sa.String(length=128), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_review_events_submission_id"), "review_events", ["submission_id"], unique=False)
    op.create_index(op.f("ix_review_events_kind"), "review_events", ["kind"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_review_events_kind"), table_name="review_events")
    op.drop_index(op.f("ix_review_events_submission_id"), table_name="review_events")
    op.drop_table("review_events")
    with op.batch_alter_table("findings") as batch:
        batch.drop_index(batch.f("ix_findings_resolved_at"))
        batch.drop_index(batch.f("ix_findings_decision"))
        for column in ("version", "resolved_at", "decided_at", "decided_by", "decision_comment", "decision_reason",
                       "decision"):
            batch.drop_column(column)
    for index in ("assignee", "state", "certainty"):
        op.drop_index(op.f(f"ix_submission_reviews_{index}"), table_name="submission_reviews")
    op.drop_table("submission_reviews")
