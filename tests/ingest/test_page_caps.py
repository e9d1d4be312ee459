"""Hostile page sizes: a page is never rendered beyond the pixel budget, an absurd one not at all.

A 2 KB PDF can declare a 14400 × 14400 pt (5 m × 5 m) page; rendered at 150 dpi for OCR that was
a 30000 × 30000 px bitmap and 7.2 GB of peak memory. The big-page test reads such a file in a
fresh interpreter and asserts on that process's peak resident memory.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from PIL import Image

from assistant.settings import Settings, get_settings
from ingest.errors import PageTooLarge
from ingest.readers.ocr.image import MAX_PAGE_AREA_PT2, open_capped, render_scale
from tests.ingest.ofd_writer import image_page, write_package

REPO = Path(__file__).resolve().parents[2]
A4 = (595.0, 842.0)


def _image_pdf(path: Path, side_pt: float) -> Path:
    """A one-page PDF of ``side_pt`` × ``side_pt`` points holding only a tiny picture (a scan)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(side_pt, side_pt))
    c.drawImage(ImageReader(Image.new("RGB", (8, 8), "white")), 0, 0, side_pt, side_pt)
    c.showPage()
    c.save()
    return path


def _image_bomb_pdf(path: Path, side_px: int) -> Path:
    """An A4 page showing one ``side_px`` × ``side_px`` 8-bit grey picture: a few hundred KB of
    deflated bytes that decode to ``side_px²`` bytes."""
    data = zlib.compress(b"\xff" * (side_px * side_px), 6)
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >>"
            b" /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
            b" /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (side_px, side_px, len(data), data)]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size, 1).save(out, format="PNG")
    return out.getvalue()


def test_a4_keeps_its_resolution_and_big_pages_are_scaled_into_the_budget():
    assert render_scale(*A4, 150, 40_000_000) == pytest.approx(150 / 72)
    assert render_scale(*A4, 200, 40_000_000) == pytest.approx(200 / 72)
    # an A0 drawing at 150 dpi would be 4967 × 7022 px = 34.9 Mpx; under a 10 Mpx budget it shrinks
    a0 = (2384.0, 3370.0)
    scale = render_scale(*a0, 150, 10_000_000)
    assert scale < 150 / 72
    assert round(a0[0] * scale) * round(a0[1] * scale) <= 10_000_000 * 1.001


@pytest.mark.parametrize("size", [(14400.0, 14400.0), (200.0, 200_000.0), (0.0, 842.0), (float("inf"), 1.0)])
def test_absurd_or_missing_page_size_is_refused_with_a_chinese_reason(size):
    with pytest.raises(PageTooLarge) as err:
        render_scale(*size, 150, 40_000_000)
    assert err.value.code == "page_too_large"
    assert "页面" in str(err.value)
    assert size[0] * size[1] > MAX_PAGE_AREA_PT2 or not size[0] > 0 or size[0] == float("inf")


def test_embedded_picture_over_the_budget_is_not_decoded():
    with pytest.raises(PageTooLarge, match="像素"):
        open_capped(_png((3000, 3000)), max_pixels=1_000_000)
    with open_capped(_png((300, 300)), max_pixels=1_000_000) as im:
        assert im.size == (300, 300)


# Peak memory is VmHWM of the probe's own address space: ru_maxrss would not do, because Linux carries
# the forking parent's high-water mark across exec into the child's ru_maxrss (a test run that has
# loaded the OCR models made a 112 MB probe report 1.5 GB).
PROBE = textwrap.dedent("""
        import re, sys
        from pathlib import Path
        from ingest.errors import IngestError
        from ingest.readers.pdf_reader import read_pdf
        try:
            read_pdf(Path(sys.argv[1]))
            print("READ")
        except IngestError as e:
            print(e.code, e, sep="\\n")
        status = open("/proc/self/status").read()
        print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
    """)


def _probe(pdf: Path) -> list[str]:
    """read_pdf in a fresh interpreter: its outcome, and its peak resident memory in MB (last line)."""
    return subprocess.run([sys.executable, "-c", PROBE, str(pdf)], cwd=REPO, capture_output=True,
                          text=True, timeout=300, check=True).stdout.splitlines()


def test_big_page_pdf_is_refused_in_bounded_memory(tmp_path: Path):
    pdf = _image_pdf(tmp_path / "big.pdf", 14400)
    assert pdf.stat().st_size < 5000
    out = _probe(pdf)
    code, message, peak_mb = out[0], out[1], int(out[-1])
    assert code == "page_too_large"
    assert "超过 4 张 A0" in message and "5.08×5.08 米" in message
    assert peak_mb <= 600, f"peak RSS {peak_mb} MB"


@pytest.mark.slow
@pytest.mark.ocr
def test_decompression_bomb_picture_in_a_pdf_is_rendered_in_bounded_memory(tmp_path: Path):
    """A 30000 × 30000 px picture (900 MB decoded) on an A4 page: pdfium decodes it downsampled to
    the render size, so the peak is the OCR stack's own (≈ 800 MB for an A4 scan here), not 900 MB more."""
    pdf = _image_bomb_pdf(tmp_path / "bomb.pdf", 30_000)
    assert pdf.stat().st_size < 2_000_000
    out = _probe(pdf)
    assert out[0] in ("READ", "unreadable_scan"), out  # a blank picture: nothing to read, and no crash
    assert int(out[-1]) <= 1100, f"peak RSS {out[-1]} MB"


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ZIPING_MAX_PAGE_PIXELS", "1000000")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_ofd_page_or_picture_beyond_the_limits_is_reported_not_decoded(tmp_path: Path, small_budget):
    from ingest.readers import read_document

    # a picture of 4000 × 4000 px (16 Mpx) on an A4 page, with a 1 Mpx budget: not decoded
    ofd = write_package(tmp_path / "bomb.ofd", [image_page(5)], images={5: _png((4000, 4000))})
    with pytest.raises(PageTooLarge, match="4000×4000 像素"):
        read_document(ofd)
    # a page 210 mm × 50 m: beyond four A0 sheets, not rendered at all
    tall = write_package(tmp_path / "tall.ofd", [image_page(5, height=50_000)], height=50_000,
                         images={5: _png((30, 30))})
    with pytest.raises(PageTooLarge, match="超过 4 张 A0"):
        read_document(tall)


def test_a_refused_page_fails_its_file_and_the_batch_goes_on(tmp_path: Path):
    from assistant.stores import open_stores
    from ingest.pipeline import IngestOptions, ingest_paths
    from tests.api.test_cli_ingest_exit import _form

    big = _image_pdf(tmp_path / "巨幅页面.pdf", 14400)
    good = _form(tmp_path / "甲自评表.xlsx")
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    try:
        report = ingest_paths([big, good], stores, IngestOptions(defer_vectors=True))
    finally:
        stores.close()
    by_name = {Path(f.name).name: f for f in report.files}
    assert by_name["巨幅页面.pdf"].status == "failed"
    assert "页面或图片尺寸过大" in by_name["巨幅页面.pdf"].reason and "超过 4 张 A0" in by_name["巨幅页面.pdf"].reason
    assert by_name["甲自评表.xlsx"].status in ("ok", "needs_review")
