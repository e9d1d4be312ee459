"""Alembic migrations of the records database (SQLite and PostgreSQL), shipped with the package.

Run by :func:`assistant.stores.migrate.upgrade` when a store opens and by ``ziping db upgrade``;
there is no ``alembic.ini``: the configuration is made in code. A new revision, after changing a
model::

    python -m assistant.stores.migrate revision -m "what changed"
"""
