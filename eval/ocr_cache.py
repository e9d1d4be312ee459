"""An on-disk cache of OCR results for the evaluations, so a re-run after a parser change does not
re-read images that did not change (OCR is 15–20 s a page on a shared 2-core machine).

The key is the sha256 of the exact pixels handed to RapidOCR (mode, size and bytes), the call's
options and the installed ``rapidocr-onnxruntime`` version: a different image, a different call or
another model version is a miss. The product never caches; :func:`install` wraps the process-wide
engine (:func:`ingest.readers.ocr.engine.wrap_engine`) for the evaluation run only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

__all__ = ["CachedEngine", "install"]



@dataclass
class CachedEngine:
    """Calls ``engine(image, **options)`` once per distinct image and options; later calls read the
    stored result. Returns what RapidOCR returns: ``(result, elapse)``."""

    engine: Any
    directory: Path
    hits: int = 0
    misses: int = 0

    def key(self, image: Any, options: dict[str, Any]) -> str:
        arr = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image)
        digest = hashlib.sha256()
        digest.update(f"{version('rapidocr-onnxruntime')}|{arr.dtype}|{arr.shape}|".encode())
        digest.update(json.dumps(options, sort_keys=True).encode())
        digest.update(np.ascontiguousarray(arr).tobytes())
        return digest.hexdigest()

    def __call__(self, image: Any, **options: Any) -> tuple[Any, Any]:
        key = self.key(image, options)
        path = self.directory / key[:2] / f"{key}.json"
        if path.exists():
            self.hits += 1
            return _decode(json.loads(path.read_text(encoding="utf-8"))), None
        self.misses += 1
        result, elapse = self.engine(image, **options)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(_encode(result), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # a run killed mid-write leaves no half entry
        return result, elapse


def _plain(obj: Any) -> Any:
    """numpy arrays and tuples as JSON lists, recursively."""
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (list, tuple)):
        return [_plain(x) for x in obj]
    return obj.item() if isinstance(obj, np.generic) else obj


def _encode(result: Any) -> list[Any] | None:
    return _plain(result) if result else None


def _decode(data: list[Any] | None) -> Any:
    # whole-page items are [quad, text, score], recognition-only [text, score]: tuples, as the
    # engine's callers unpack them; detection-only items are quads (four points): kept as lists
    if data is None:
        return None
    # (entries first written as [null, text, score] for a recognition-only item are read as such)
    return [tuple(item[1:]) if len(item) == 3 and item[0] is None else tuple(item) if len(item) in (2, 3) else item
            for item in data]


def install(directory: Path) -> CachedEngine:
    """Wrap the process-wide OCR engine with a cache in ``directory``; returns the wrapper (its
    hit and miss counts are printed by the evaluation)."""
    from ingest.readers.ocr.engine import wrap_engine

    made: list[CachedEngine] = []

    def wrap(engine: Any) -> CachedEngine:
        cached = engine if isinstance(engine, CachedEngine) else CachedEngine(engine, directory)
        made.append(cached)
        return cached

    wrap_engine(wrap)
    return made[0]
