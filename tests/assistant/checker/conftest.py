"""Fixtures of the checker tests (the builder itself is in :mod:`case_builder`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the test modules import case_builder from here

from case_builder import build_submission  # noqa: E402

from assistant.model import Submission


@pytest.fixture
def baseline() -> Submission:
    return build_submission({})


@pytest.fixture
def department_baseline() -> Submission:
    return build_submission({"baseline": "department"})
