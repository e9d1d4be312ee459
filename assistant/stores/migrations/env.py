"""Alembic environment: always online, on the connection :mod:`assistant.stores.migrate` hands over."""

from __future__ import annotations

from alembic import context

from assistant.stores.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through assistant.stores.migrate (it passes the connection)")

# render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead
context.configure(connection=connection, target_metadata=metadata, compare_type=True,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
