"""Byte-stable output: fixed timestamps in zip containers and PDFs, and the CJK fonts.

Same seed → same bytes: python-docx and openpyxl stamp zip entries and ``docProps/core.xml``
with the current time, so :func:`stable_zip` rewrites the container with a fixed date;
reportlab runs with ``invariant=1`` and Pillow's PDF writer gets fixed dates.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from functools import lru_cache
from pathlib import Path

FIXED = dt.datetime(2024, 3, 1, 9, 0, 0)
FIXED_STRUCT = time.struct_time((2024, 3, 1, 9, 0, 0, 4, 61, 0))
FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_CORE_DATE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def stable_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry dates and fixed core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _CORE_DATE.sub(rb"\g<1>2024-03-01T09:00:00Z\g<2>", blob)
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 3, 1, 9, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, blob)
    return out.getvalue()


@lru_cache(maxsize=1)
def pdf_font() -> str:
    """The reportlab font name for Chinese text: WenQuanYi Micro Hei, else the built-in STSong."""
    from reportlab.pdfbase import pdfmetrics

    if FONT_PATH.exists():
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("WQYMicroHei", str(FONT_PATH), subfontIndex=0))
        return "WQYMicroHei"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


@lru_cache(maxsize=8)
def pil_font(size: int):
    from PIL import ImageFont

    if FONT_PATH.exists():
        return ImageFont.truetype(str(FONT_PATH), size, index=0)
    return ImageFont.load_default(size)
