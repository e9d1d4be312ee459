"""The OCR model: one process-wide RapidOCR engine (PP-OCRv4), whole-page detection + recognition
(:func:`run_ocr`) and recognition of one line already cut out (:func:`recognise`).

OCR quirks measured with the bundled models (rapidocr-onnxruntime 1.4.4, 150 dpi):

* full-width ``％`` is read as ASCII ``%`` and ``＞`` as ``>``; we keep what the model says.
* ``≥``/``≧`` are read as ``≥``, sometimes with a space before the number (``≥ 98%``); the space
  is removed (:func:`normalise`).
* a leading ``≥`` is often read as ``2`` (``≥46台`` → ``246台``), once as ``>``; a lone ≥/≤ in
  a cell is dropped or read as ``2``, ``>`` or ``<``. All are recovered from the glyph's shape
  (:mod:`ingest.readers.ocr.recovery`), never from the text alone: ``246`` is a valid number.
* an em dash ``—`` alone in a cell is read as ``一``; left as is, since ``一`` is also a real
  ordinal in 序号 columns.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PIL import Image

from ingest.readers.ocr.boxes import TextBox
from ingest.readers.ocr.confidence import accepted

if TYPE_CHECKING:
    from rapidocr_onnxruntime import RapidOCR

__all__ = ["detect", "get_engine", "normalise", "recognise", "recognise_scored", "run_ocr", "wrap_engine"]

_engine: RapidOCR | None = None
_engine_lock = threading.Lock()  # one model load, and one OCR at a time: onnxruntime already uses all cores


def get_engine() -> RapidOCR:
    """The process-wide RapidOCR engine, created on first use (the model load takes a second or two)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR  # imported late: onnxruntime is slow to import

            _engine = RapidOCR()
        return _engine


def wrap_engine(wrap: Callable[[RapidOCR], Any]) -> None:
    """Replace the process-wide engine by ``wrap(engine)``, a callable taking the same arguments
    (the evaluation's on-disk OCR cache, :mod:`eval.ocr_cache`, so a re-run does not re-read
    unchanged images). The product never wraps it."""
    global _engine
    engine = get_engine()
    with _engine_lock:
        _engine = wrap(engine)


def run_ocr(rgb: Image.Image) -> list[TextBox]:
    """Recognised text boxes on the page (axis-aligned, image pixels), empty text dropped."""
    engine = get_engine()
    with _engine_lock:
        # No angle classifier: pages arrive upright from the PDF renderer, and on short numbers
        # it does harm (measured: "93%" classified as upside down and read as "%6").
        result, _ = engine(rgb, use_cls=False)
    boxes = []
    for quad, text, score in result or []:
        text = normalise(text)
        if not text:
            continue
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        boxes.append(TextBox(text, min(xs), min(ys), max(xs), max(ys), float(score)))
    return boxes


def detect(rgb: Image.Image) -> list[TextBox]:
    """Text line boxes on the page, detection only (no reading: text "", no score)."""
    engine = get_engine()
    with _engine_lock:
        result, _ = engine(rgb, use_rec=False, use_cls=False)
    boxes = []
    for quad in result or []:
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        boxes.append(TextBox("", min(xs), min(ys), max(xs), max(ys), None))
    return boxes


def recognise(crop: Image.Image) -> str:
    """Recognition only (no detection) of one text line already cut out of the page; "" when the
    model is not confident of it (:func:`~ingest.readers.ocr.confidence.accepted`)."""
    return recognise_scored(crop)[0]


def recognise_scored(crop: Image.Image) -> tuple[str, float]:
    """:func:`recognise`, and the model's score of the reading (0.0 when nothing was read)."""
    engine = get_engine()
    with _engine_lock:
        result, _ = engine(crop, use_det=False, use_cls=False)
    text, score = result[0] if result else ("", 0.0)
    return (normalise(text), float(score)) if accepted(score) else ("", 0.0)


_SPACED_COMPARATOR = re.compile(r"([≥≤><])\s+(?=[\d.])")


def normalise(text: str) -> str:
    """Only corrections that cannot change meaning: see the module docstring for what is left alone."""
    return _SPACED_COMPARATOR.sub(r"\1", text.strip())
