"""Every table of the records database on one metadata: what the migrations build and what
``alembic check`` / :func:`assistant.stores.migrate.differences` compare the database against."""

from __future__ import annotations

from sqlalchemy import MetaData

from assistant.stores import (
    bureaus,
    conversations,
    corrections,
    cycle,
    drafts,
    feedback,
    fulltext_pg,
    jobs,
    letterheads,
    records,
    review,
    scores,
    users,
    versions,
)

__all__ = ["TABLE_MODULES", "metadata"]

# the modules whose tables share the records metadata (importing them registers the tables)
TABLE_MODULES = (records, users, conversations, drafts, review, jobs, fulltext_pg, corrections, versions, scores,
                 letterheads, feedback, cycle, bureaus)

metadata: MetaData = records.Base.metadata
