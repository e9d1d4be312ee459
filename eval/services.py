"""Throwaway services on loopback: a PostgreSQL server and a Chroma server (``chroma run``), each in
a temporary directory on a free port, stopped and deleted at the end.

One implementation for everything that needs them: the test session (``tests/support/postgres.py``
and ``tests/support/chroma.py`` re-export these; tests import eval, never the reverse) and the load
test (:mod:`eval.load`), which runs the scale-out topology of ``docker-compose.yml`` with local
processes.

PostgreSQL uses the machine's Debian binaries (the Makefile installs ``postgresql``). The server
runs as the ``postgres`` user when we run as root (PostgreSQL refuses root), listens on 127.0.0.1
with trust authentication and ``fsync=off`` (throwaway data). Chroma is the ``chroma`` console
script of the chromadb package, telemetry off.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from assistant.stores.chroma_server import chroma_bin, free_port, start_chroma, stop_process

__all__ = ["chroma_bin", "free_port", "fresh_collection", "fresh_database", "postgres_bin", "temporary_chroma",
           "temporary_postgres"]


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    pwd.getpwnam("postgres")  # the Debian package creates this user
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextlib.contextmanager
def temporary_postgres() -> Iterator[str]:
    """Start a server and yield its SQLAlchemy URL."""
    bindir = postgres_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ziping-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    run = dict(check=True, capture_output=True, timeout=120)
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                 "-E", "UTF8", "--no-locale"]), **run)
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                                 f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]), **run)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server_url: str, prefix: str = "zp_test_") -> Iterator[str]:
    """A new, empty database on the server of ``server_url``, dropped afterwards; yields its URL."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(server_url)
    name = prefix + uuid.uuid4().hex[:12]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- Chroma server --------------------------------------------------------------------------------
# Starting and stopping ``chroma run`` is :mod:`assistant.stores.chroma_server`'s (``ziping serve``
# runs one as its child on the embedded default); here it runs in a throwaway directory.


@contextlib.contextmanager
def temporary_chroma() -> Iterator[str]:
    """Start ``chroma run`` and yield its URL (``http://127.0.0.1:<port>``)."""
    root = Path(tempfile.mkdtemp(prefix="ziping-chroma-"))
    try:
        proc, url = start_chroma(root / "data", root / "log")
        try:
            yield url
        finally:
            stop_process(proc.pid)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def fresh_collection() -> str:
    """A collection name no other test uses (the server lives for the whole session)."""
    return f"ziping_test_{uuid.uuid4().hex[:12]}"
