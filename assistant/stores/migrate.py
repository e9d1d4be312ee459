"""Schema migrations of the records database: Alembic, configured in code, run when a store opens.

The revisions live in ``assistant/stores/migrations/versions`` (package files, so an installed
ziping migrates without an ``alembic.ini`` on disk). :func:`upgrade` brings a database to the
newest revision and knows three starting points:

``fresh``      no tables: the baseline and every later revision create the schema.
``legacy``     tables made by ziping before it had migrations (``create_all``), no
               ``alembic_version``: the baseline adopts them — it creates only the baseline
               tables that are missing (older releases made ``users``, ``ask_turns`` and
               ``draft_versions`` on first use), which stamps the baseline — then the later
               revisions run.
``versioned``  an ``alembic_version`` row: the revisions after it run (none when at head; this
               check is one query, so opening a store stays cheap).

Two processes opening the same data directory do not migrate at once: a file lock beside an
SQLite database, a transaction-scoped advisory lock on PostgreSQL (whose DDL is transactional).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

__all__ = ["BASELINE", "MIGRATIONS", "MigrationReport", "SchemaStatus", "alembic_config", "current_revision",
           "describe", "differences", "head_revision", "state", "status", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001_baseline"
VERSION_TABLE = "alembic_version"
_PG_LOCK_KEY = 0x7A6970696E67  # "ziping": one advisory lock id for every ziping database
_thread_lock = threading.Lock()

State = Literal["fresh", "legacy", "versioned"]


@dataclass(frozen=True)
class MigrationReport:
    state: State  # before the upgrade
    before: str | None  # revision before (None: fresh or legacy)
    after: str | None
    applied: tuple[str, ...] = field(default_factory=tuple)  # revisions run, in order

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic ``Config`` without an ini file: the script location is this package's folder and
    the migrations run on ``connection`` (see ``migrations/env.py``)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("version_locations", str(MIGRATIONS / "versions"))
    cfg.set_main_option("file_template", "%%(rev)s")  # the file is named by its revision id
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def _script() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def state(conn: Connection) -> State:
    names = set(inspect(conn).get_table_names())
    if VERSION_TABLE in names:
        return "versioned"
    return "legacy" if names else "fresh"


def _between(before: str | None, after: str) -> tuple[str, ...]:
    """Revisions from after ``before`` up to ``after``, oldest first."""
    revs = [r.revision for r in _script().iterate_revisions(after, before)]
    return tuple(reversed(revs))


def upgrade(engine: Engine, revision: str = "head") -> MigrationReport:
    """Bring the database behind ``engine`` to ``revision`` (see the module docstring)."""
    from assistant.stores.migrations import HEAD

    target = HEAD if revision == "head" else revision
    with engine.connect() as conn:
        found = current_revision(conn)
    if found == target:  # the usual case, without importing Alembic
        return MigrationReport("versioned", found, found)
    with _thread_lock, _file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        before_state = state(conn)
        before = current_revision(conn)
        if before == target:  # another process did it while we waited
            return MigrationReport(before_state, before, before)
        if before is not None and before not in {r.revision for r in _script().walk_revisions()}:
            raise RuntimeError(f"数据库结构版本 {before} 比本程序已知的版本新，请升级 ziping / "
                               f"the database is at revision {before}, unknown to this ziping (newer?)")
        from alembic import command

        command.upgrade(alembic_config(conn), target)
        after = current_revision(conn)
    return MigrationReport(before_state, before, after, _between(before, after) if after else ())


def _file_lock(engine: Engine) -> Any:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return contextlib.nullcontext()
    from filelock import FileLock

    return FileLock(f"{database}.migrate.lock", timeout=120)


@dataclass(frozen=True)
class SchemaStatus:
    state: State
    current: str | None
    head: str
    differences: tuple[str, ...]  # what the models declare and the database lacks or has otherwise

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head and not self.differences


def status(engine: Engine) -> SchemaStatus:
    """Where the database stands, without changing it."""
    with engine.connect() as conn:
        found_state, current = state(conn), current_revision(conn)
    return SchemaStatus(found_state, current, head_revision(), tuple(describe(d) for d in differences(engine)))


def describe(diff: Any) -> str:
    """One line for one of Alembic's differences: ``add_table ask_turns``,
    ``modify_nullable findings.rule``, ``remove_column chunks.meta``."""
    if isinstance(diff, list):  # column modifications come as a list of (op, schema, table, column, …)
        return "; ".join(f"{d[0]} {d[2]}.{d[3]}" for d in diff)
    op, obj = diff[0], diff[-1] if diff[0] in ("add_column", "remove_column") else diff[1]
    if op in ("add_column", "remove_column"):
        return f"{op} {diff[2]}.{obj.name}"
    return f"{op} {getattr(obj, 'name', obj)}"


def differences(engine: Engine) -> list[Any]:
    """What differs between the database and the models (Alembic's ``compare_metadata``): empty
    when the migrations made exactly the schema the code declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assistant.stores.schema import metadata

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, metadata)


def new_revision(message: str) -> Path:
    """Write the next revision, autogenerated from what the models declare beyond the current head
    (compared on a scratch SQLite database at head). Review it, then set ``migrations.HEAD``."""
    import re
    import tempfile

    from alembic import command
    from sqlalchemy import create_engine

    number = len(list(_script().walk_revisions())) + 1
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "change"
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/head.db")
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.begin() as conn:
            script = command.revision(alembic_config(conn), message=message, autogenerate=True,
                                      rev_id=f"{number:04d}_{slug}")
        engine.dispose()
    _script.cache_clear()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)


def main(argv: list[str] | None = None) -> None:
    """``python -m assistant.stores.migrate revision -m "what changed"``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m assistant.stores.migrate")
    sub = parser.add_subparsers(dest="command", required=True)
    rev = sub.add_parser("revision", help="autogenerate the next revision from the models")
    rev.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)
    path = new_revision(args.message)
    print(f"{path}\nreview it, then set HEAD = {path.stem!r} in assistant/stores/migrations/__init__.py")


if __name__ == "__main__":
    main()
