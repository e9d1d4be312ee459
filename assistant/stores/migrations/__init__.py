"""Alembic migrations of the records database (SQLite and PostgreSQL), shipped with the package.

Run by :func:`assistant.stores.migrate.upgrade` when a store opens and by ``ziping db upgrade``;
there is no ``alembic.ini``: the configuration is made in code. A new revision, after changing a
model::

    python -m assistant.stores.migrate revision -m "what changed"
"""

# The newest revision, so that opening an up-to-date database needs no Alembic import (0.3 s);
# change it with every new revision (tests/assistant/test_migrations.py checks it is Alembic's head).
HEAD = "0014_recent_index"
