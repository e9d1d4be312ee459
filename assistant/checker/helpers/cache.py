"""Caches for the helpers' pure functions of cell and sentence texts, emptied together."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []


def _cached(maxsize: int) -> Callable[[F], F]:
    """``functools.lru_cache`` for pure functions of cell and sentence texts, which many rules ask
    about the same text; :func:`clear_caches` empties them all."""
    def wrap(fn: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]
    return wrap


def clear_caches() -> None:
    """Forget every cached text: a benchmark that re-checks the same submissions starts each
    round as cold as a batch of submissions never seen."""
    for cached in _CACHES:
        cached.cache_clear()
