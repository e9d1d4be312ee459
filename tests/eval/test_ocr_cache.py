"""The evaluations' on-disk OCR cache: an unchanged image is not read again, a changed one is."""

from __future__ import annotations

from PIL import Image, ImageDraw

from eval.ocr_cache import CachedEngine
from ingest.readers.ocr.engine import get_engine


def _line(text: str) -> Image.Image:
    image = Image.new("RGB", (160, 40), "white")
    ImageDraw.Draw(image).text((10, 12), text, fill="black")
    return image


class _Counting:
    """The real engine, counting how often it is asked."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, image, **options):
        self.calls += 1
        return get_engine()(image, **options)


def test_an_unchanged_image_is_read_once(tmp_path):
    counting = _Counting()
    cached = CachedEngine(counting, tmp_path)
    first, _ = cached(_line("123"), use_det=False, use_cls=False)
    again, _ = CachedEngine(counting, tmp_path)(_line("123"), use_det=False, use_cls=False)  # a new run
    assert counting.calls == 1 and again == [tuple(first[0])]
    cached(_line("124"), use_det=False, use_cls=False)  # other pixels
    cached(_line("123"), use_cls=False)  # other options (detection too)
    assert counting.calls == 3 and (cached.hits, cached.misses) == (0, 3)


def test_a_whole_page_reading_keeps_its_boxes(tmp_path):
    cached = CachedEngine(get_engine(), tmp_path)
    fresh, _ = cached(_line("98%"), use_cls=False)
    stored, _ = cached(_line("98%"), use_cls=False)
    assert cached.hits == 1 and [(list(map(list, q)), t, s) for q, t, s in fresh] == \
        [(q, t, s) for q, t, s in stored]


def test_a_detection_only_reading_keeps_its_quads(tmp_path):
    cached = CachedEngine(get_engine(), tmp_path)
    fresh, _ = cached(_line("123 hello"), use_rec=False, use_cls=False)
    stored, _ = cached(_line("123 hello"), use_rec=False, use_cls=False)
    assert cached.hits == 1 and stored == [[list(map(float, p)) for p in quad] for quad in fresh]
