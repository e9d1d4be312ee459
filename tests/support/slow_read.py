"""What a reading process runs in the pool's timeout and crash tests: a file whose name starts with
``hang`` is never finished (the process sleeps, as a parser looping on a crafted input would spin);
every other file is read as the batch reads it, by :func:`read_slowly` a second late, so a test
knows the pool still holds files when it kills a worker. A module of its own so the pool's
processes can import it."""

from __future__ import annotations

import time

from ingest.pool import Read, ReadFailure, ReadJob, read_file


def read_or_hang(job: ReadJob) -> Read:
    if job.name.startswith("hang"):
        time.sleep(3600)
    return read_file(job)


def read_slowly(job: ReadJob) -> Read:
    time.sleep(1.0)
    return read_file(job)


def read_niceness(job: ReadJob) -> Read:
    """The reading process's nice value, as the failure's reason (what the pool's niceness test reads)."""
    import os

    return ReadFailure(str(os.nice(0)))
