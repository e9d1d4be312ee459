"""Every table of the records database on one metadata: what the migrations build and what
``alembic check`` / :func:`assistant.stores.migrate.differences` compare the database against."""

from __future__ import annotations

from sqlalchemy import MetaData

from assistant.stores import conversations, drafts, jobs, letterheads, records, review, users

__all__ = ["TABLE_MODULES", "metadata"]

# the modules whose tables share the records metadata (importing them registers the tables)
TABLE_MODULES = (records, users, conversations, drafts, review, jobs, letterheads)

metadata: MetaData = records.Base.metadata
