"""Baseline: the schema of the records database as ziping made it before it had migrations.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-07

A database made by ``create_all`` before migrations existed holds some or all of these tables
(the records tables always; ``users``, ``ask_turns`` and ``draft_versions`` only once they were
first used). Each table is created only when it is missing, so on such a database this revision
adopts what is there, adds the rest, and stamps the baseline. Later revisions change the schema
as usual.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def _submissions() -> None:
    op.create_table('submissions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('file_name', sa.String(length=512), nullable=True),
        sa.Column('format', sa.String(length=16), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('unit', sa.String(length=256), nullable=True),
        sa.Column('department', sa.String(length=256), nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('status_reason', sa.Text(), nullable=True),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('sha256')
    )
    op.create_index(op.f('ix_submissions_department'), 'submissions', ['department'], unique=False)
    op.create_index(op.f('ix_submissions_kind'), 'submissions', ['kind'], unique=False)
    op.create_index(op.f('ix_submissions_status'), 'submissions', ['status'], unique=False)
    op.create_index(op.f('ix_submissions_unit'), 'submissions', ['unit'], unique=False)
    op.create_index(op.f('ix_submissions_year'), 'submissions', ['year'], unique=False)


def _evaluations() -> None:
    op.create_table('evaluations',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('submission_id', sa.String(length=64), nullable=False),
        sa.Column('idx', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('project_name', sa.String(length=512), nullable=True),
        sa.Column('project_code', sa.String(length=128), nullable=True),
        sa.Column('department', sa.String(length=256), nullable=True),
        sa.Column('impl_unit', sa.String(length=256), nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('layout', sa.String(length=32), nullable=True),
        sa.Column('budget_initial', sa.Float(), nullable=True),
        sa.Column('budget_full_year', sa.Float(), nullable=True),
        sa.Column('exec_amount', sa.Float(), nullable=True),
        sa.Column('exec_rate_filled', sa.Float(), nullable=True),
        sa.Column('exec_rate_computed', sa.Float(), nullable=True),
        sa.Column('exec_weight', sa.Float(), nullable=True),
        sa.Column('exec_score', sa.Float(), nullable=True),
        sa.Column('total_score', sa.Float(), nullable=True),
        sa.Column('grade', sa.String(length=16), nullable=True),
        sa.Column('indicator_count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('submission_id', 'idx')
    )
    op.create_index(op.f('ix_evaluations_department'), 'evaluations', ['department'], unique=False)
    op.create_index(op.f('ix_evaluations_impl_unit'), 'evaluations', ['impl_unit'], unique=False)
    op.create_index(op.f('ix_evaluations_project_name'), 'evaluations', ['project_name'], unique=False)
    op.create_index(op.f('ix_evaluations_submission_id'), 'evaluations', ['submission_id'], unique=False)
    op.create_index(op.f('ix_evaluations_year'), 'evaluations', ['year'], unique=False)


def _indicators() -> None:
    op.create_table('indicators',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.String(length=64), nullable=False),
        sa.Column('idx', sa.Integer(), nullable=False),
        sa.Column('level1', sa.String(length=64), nullable=True),
        sa.Column('level2', sa.String(length=64), nullable=True),
        sa.Column('name', sa.String(length=512), nullable=True),
        sa.Column('target_raw', sa.Text(), nullable=True),
        sa.Column('target_op', sa.String(length=4), nullable=True),
        sa.Column('target_number', sa.Float(), nullable=True),
        sa.Column('target_unit', sa.String(length=32), nullable=True),
        sa.Column('target_qualitative', sa.Boolean(), nullable=False),
        sa.Column('actual_raw', sa.Text(), nullable=True),
        sa.Column('actual_op', sa.String(length=4), nullable=True),
        sa.Column('actual_number', sa.Float(), nullable=True),
        sa.Column('actual_unit', sa.String(length=32), nullable=True),
        sa.Column('actual_qualitative', sa.Boolean(), nullable=False),
        sa.Column('weight', sa.Float(), nullable=True),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('deviation_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id', 'idx')
    )
    op.create_index(op.f('ix_indicators_evaluation_id'), 'indicators', ['evaluation_id'], unique=False)
    op.create_index(op.f('ix_indicators_level1'), 'indicators', ['level1'], unique=False)
    op.create_index(op.f('ix_indicators_submission_id'), 'indicators', ['submission_id'], unique=False)


def _findings() -> None:
    op.create_table('findings',
        sa.Column('id', sa.String(length=128), nullable=False),
        sa.Column('submission_id', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('evaluation_idx', sa.Integer(), nullable=True),
        sa.Column('rule', sa.String(length=64), nullable=False),
        sa.Column('severity', sa.String(length=16), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('location', sa.JSON(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=True),
        sa.Column('suggestion', sa.Text(), nullable=True),
        sa.Column('source', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_findings_rule'), 'findings', ['rule'], unique=False)
    op.create_index(op.f('ix_findings_severity'), 'findings', ['severity'], unique=False)
    op.create_index(op.f('ix_findings_submission_id'), 'findings', ['submission_id'], unique=False)


def _checks() -> None:
    op.create_table('checks',
        sa.Column('submission_id', sa.String(length=64), nullable=False),
        sa.Column('rules_version', sa.String(length=160), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('submission_id')
    )


def _chunks() -> None:
    op.create_table('chunks',
        sa.Column('id', sa.String(length=128), nullable=False),
        sa.Column('submission_id', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('metadata', sa.JSON(), nullable=False),
        sa.Column('embedded', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_chunks_embedded'), 'chunks', ['embedded'], unique=False)
    op.create_index(op.f('ix_chunks_submission_id'), 'chunks', ['submission_id'], unique=False)


def _users() -> None:
    op.create_table('users',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
        sa.UniqueConstraint('token_hash')
    )


def _ask_turns() -> None:
    op.create_table('ask_turns',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('conversation_id', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('resolved', sa.Text(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=True),
        sa.Column('unit', sa.String(length=256), nullable=True),
        sa.Column('project', sa.String(length=512), nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('submission_ids', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_ask_turns_conversation_id'), 'ask_turns', ['conversation_id'], unique=False)


def _draft_versions() -> None:
    op.create_table('draft_versions',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('draft_key', sa.String(length=256), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('subject', sa.String(length=256), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('editor', sa.String(length=128), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('excluded', sa.JSON(), nullable=False),
        sa.Column('edits', sa.JSON(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('draft_key', 'version')
    )
    op.create_index(op.f('ix_draft_versions_draft_key'), 'draft_versions', ['draft_key'], unique=False)
    op.create_index(op.f('ix_draft_versions_kind'), 'draft_versions', ['kind'], unique=False)
    op.create_index(op.f('ix_draft_versions_subject'), 'draft_versions', ['subject'], unique=False)


# in foreign-key order: a table comes after the tables it refers to
TABLES: dict[str, Callable[[], None]] = {
    "submissions": _submissions,
    "evaluations": _evaluations,
    "indicators": _indicators,
    "findings": _findings,
    "checks": _checks,
    "chunks": _chunks,
    "users": _users,
    "ask_turns": _ask_turns,
    "draft_versions": _draft_versions,
}


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, create in TABLES.items():
        if name not in existing:
            create()


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
