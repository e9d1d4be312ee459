"""A throwaway Chroma server for the test session (the code is in :mod:`eval.services`, which the load
test uses too). ``ZIPING_TEST_CHROMA_URL`` points the tests at an existing server instead. Each test
that uses the server works in a collection of its own (:func:`fresh_collection`), so tests sharing the
one server per session never see each other's vectors.
"""

from __future__ import annotations

from eval.services import chroma_bin, fresh_collection, temporary_chroma

__all__ = ["chroma_bin", "fresh_collection", "temporary_chroma"]
