"""A throwaway PostgreSQL server for the test session (the code is in :mod:`eval.services`, which the
load test uses too). ``ZIPING_TEST_POSTGRES_URL`` points the tests at an existing server instead.
"""

from __future__ import annotations

from eval.services import free_port as _free_port
from eval.services import fresh_database, postgres_bin, temporary_postgres

__all__ = ["_free_port", "fresh_database", "postgres_bin", "temporary_postgres"]
