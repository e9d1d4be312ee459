"""Big and slow inputs, made cheaply, and what reading them costs: ``python -m eval.big_inputs``.

A province's uploads include the odd enormous file: a 5,000-page PDF (every annex scanned into one
file), a workbook of a whole year's ledger. Each is written here without a PDF or Office library
(raw PDF objects, a worksheet's XML streamed into the zip), so a 200 MB workbook takes seconds to
make, then read in a fresh interpreter (:func:`probe`, as the bomb tests of
``tests/ingest/test_fuzz.py`` do) with its wall time and peak resident memory. The tests make small
ones; ``make bench`` runs this module on the full sizes.

* :func:`many_page_pdf` — ``pages`` pages sharing one small content stream (a line of text);
* :func:`slow_pdf` — one page whose compressed content stream draws ``glyphs`` characters: a few
  hundred KB that kept a PDF parser busy for minutes, now refused by the page's character cap
  (``ZIPING_MAX_PAGE_CHARS``, :mod:`ingest.readers.caps`) before it is laid out;
* :func:`rects_pdf` — one page stroking 100,000 rectangles (94 s and 1.2 GB to lay out under load),
  now refused by the page's path cap (``ZIPING_MAX_PAGE_PATHS``);
* :func:`nested_forms_pdf` — one page drawing a form that draws a form…: a million characters from
  a few KB (the count multiplies, as a billion-laughs XML's entities do);
* :func:`operands_pdf` — one page of ten million names and nothing drawn, from 30 KB;
* :func:`inflating_pdf` — one page whose content stream inflates 200 MB from a few hundred KB;
* :func:`big_xlsx` — one sheet of ``rows`` rows of ten varied cells (numbers and Chinese text, so
  it does not compress to nothing).
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Probe", "big_xlsx", "inflating_pdf", "many_page_pdf", "nested_forms_pdf", "operands_pdf", "probe",
           "rects_pdf", "slow_pdf"]

REPO = Path(__file__).resolve().parents[1]
ROW_BYTES = 120  # compressed bytes of one row of :func:`big_xlsx` (measured: 20,000 rows, 2.4 MB)


def _pdf(path: Path, objects: list[bytes]) -> Path:
    """Write ``objects`` (object 1 is the catalogue) as a PDF with a correct cross-reference table."""
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return path


def _stream(data: bytes, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def many_page_pdf(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` A4 pages, all drawing the same line of text (one shared content stream)."""
    first_page = 5  # objects: 1 catalogue, 2 page tree, 3 font, 4 content, 5… pages
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               _FONT,
               _stream(b"BT /F1 12 Tf 72 770 Td (Annex page of a performance report) Tj ET")]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>")
    objects += [page] * pages
    return _pdf(path, objects)


def slow_pdf(path: Path, glyphs: int = 2_000_000) -> Path:
    """One A4 page whose (compressed) content stream shows ``glyphs`` characters, a thousand to a line."""
    line = b"(" + b"x" * 1000 + b") Tj T* "
    content = b"BT /F1 1 Tf 1 TL 10 830 Td " + line * max(1, glyphs // 1000) + b"ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
               _FONT,
               _stream(content, compress=True),
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 3 0 R >> >> >>"]
    return _pdf(path, objects)


def operands_pdf(path: Path, names: int = 10 * 2**20) -> Path:
    """One page whose content is ``names`` names and nothing else (``/a /a …``), deflated to some
    30 KB: nothing drawn, but millions of operands for a content-stream parser."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
               _stream(b"/a " * names, compress=True),
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"]
    return _pdf(path, objects)


def rects_pdf(path: Path, rects: int = 100_000) -> Path:
    """One A4 page stroking ``rects`` small rectangles (a grid of them, drawn again and again) under a
    line of text: a few hundred KB that pdfplumber turns into as many objects and table edges."""
    ops = b"".join(b"%d %d 2 2 re " % (i % 500, (i // 500) % 800) for i in range(rects))
    content = ops + b"S BT /F1 12 Tf 72 770 Td (Annex) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", _FONT,
               _stream(content, compress=True),
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 3 0 R >> >> >>"]
    return _pdf(path, objects)


def nested_forms_pdf(path: Path, fan: int = 100, depth: int = 3, line: int = 1) -> Path:
    """One page drawing a form ``fan`` times, which draws the next form ``fan`` times, ``depth`` deep,
    the last showing ``line`` characters: ``line × fan**depth`` characters from a file of a few KB."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>", _FONT]
    first_form = 6  # 4 the page, 5 its content, 6… the forms, the last one showing the text
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /X 6 0 R >> >> >>")
    objects += [page, _stream(b"/X Do " * fan)]
    for level in range(depth):
        last = level == depth - 1
        body = b"BT /F1 1 Tf 10 10 Td (" + b"x" * line + b") Tj ET" if last else b"/X Do " * fan
        inner = b"" if last else b" /XObject << /X %d 0 R >>" % (first_form + level + 1)
        objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >>"
                       + inner + b" >> /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    return _pdf(path, objects)


def inflating_pdf(path: Path, mb: int = 200) -> Path:
    """One page whose content stream is ``mb`` MB of blanks, deflated to a few hundred KB."""
    deflate = zlib.compressobj(9)
    blank = b" " * 2**20
    data = b"".join(deflate.compress(blank) for _ in range(mb)) + deflate.flush()
    content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", _FONT, content,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 3 0 R >> >> >>"]
    return _pdf(path, objects)


_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '<Override PartName="/xl/worksheets/sheet1.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" '
         'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="明细" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" '
                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                  'Target="worksheets/sheet1.xml"/></Relationships>')
_WORDS = ("预算执行率", "项目资金", "满意度", "产出指标", "效益指标", "偏差原因", "专项资金", "资本性支出", "培训人次", "验收合格")
_COLUMNS = "ABCDEFGHIJ"


def big_xlsx(path: Path, rows: int, seed: int = 7) -> Path:
    """A workbook of one sheet with ``rows`` rows of ten cells, its XML streamed into the zip."""
    rng = random.Random(seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for r in range(1, rows + 1):
                cells = []
                for c, col in enumerate(_COLUMNS):
                    ref = f"{col}{r}"
                    if c % 2:
                        cells.append(f'<c r="{ref}"><v>{rng.random() * 1e6:.2f}</v></c>')
                    else:
                        text = f"{rng.choice(_WORDS)}{rng.randrange(10**8)}"
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
                out.write(f'<row r="{r}">{"".join(cells)}</row>'.encode())
            out.write(b"</sheetData></worksheet>")
    return path


@dataclass(frozen=True)
class Probe:
    """What reading one file in a fresh interpreter gave."""

    outcome: str  # READ, or the refusal's error code
    message: str  # the refusal's message (Chinese first), or how many blocks were read
    seconds: float
    peak_mb: int  # VmHWM of that interpreter


_PROBE = """
import re, sys, time
from pathlib import Path
from ingest.errors import IngestError
from ingest.readers import read_document
start = time.monotonic()
try:
    doc = read_document(Path(sys.argv[1]), max_bytes=int(sys.argv[2]))
    print("READ", len(doc.blocks))
except IngestError as e:
    print(e.code, str(e).replace(chr(10), " "))
print(round(time.monotonic() - start, 2))
print(int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) // 1024)
"""


def probe(path: Path, *, max_bytes: int = 50 * 2**20, timeout: float = 600) -> Probe:
    """``read_document`` on ``path`` in a fresh interpreter (its memory is its own)."""
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path), str(max_bytes)], cwd=REPO, capture_output=True,
                         text=True, timeout=timeout, check=True).stdout.splitlines()
    first = out[0].split(" ", 1)
    return Probe(first[0], first[1] if len(first) > 1 else "", float(out[-2]), int(out[-1]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="ziping 超大文件读取 / big inputs: time and peak memory")
    parser.add_argument("--pages", type=int, default=5000, help="PDF 页数 / pages of the big PDF")
    parser.add_argument("--xlsx-mb", type=int, default=200, help="大工作簿的大小（MB） / size of the big workbook")
    parser.add_argument("--only", choices=("pdf", "xlsx"), help="只测 PDF 或工作簿 / only the PDFs or the workbooks")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ziping-big-") as tmp:
        folder = Path(tmp)
        t0 = time.monotonic()
        made: dict[str, Path] = {}
        if args.only != "xlsx":
            made |= {
                f"PDF {args.pages} 页": many_page_pdf(folder / "pages.pdf", args.pages),
                "PDF 1 页 30 万字符": slow_pdf(folder / "glyphs.pdf", 300_000),
                "PDF 1 页 3 万字符（上限以下）": slow_pdf(folder / "under-char-cap.pdf", 30_000),
                "PDF 1 页 表单套表单 100 万字符": nested_forms_pdf(folder / "forms.pdf"),
                "PDF 1 页 10 万个矩形": rects_pdf(folder / "rects.pdf"),
                "PDF 1 页 内容流解压 200 MB": inflating_pdf(folder / "inflating.pdf"),
                "PDF 1 页 1000 万个操作数": operands_pdf(folder / "operands.pdf"),
            }
        if args.only != "pdf":
            made |= {
                f"工作簿 {args.xlsx_mb} MB": big_xlsx(folder / "big.xlsx", args.xlsx_mb * 2**20 // ROW_BYTES),
                "工作簿 40 MB": big_xlsx(folder / "under-size-cap.xlsx", 40 * 2**20 // ROW_BYTES),
                "工作簿 19,000 行 × 10": big_xlsx(folder / "under-cell-cap.xlsx", 19_000),
            }
        print(f"超大文件（生成用时 {time.monotonic() - t0:.0f} s；每个在新进程中读取）")
        print("| 文件 | 大小 MB | 结果 | 用时 s | 峰值内存 MB |\n| --- | ---: | --- | ---: | ---: |")
        for label, path in made.items():
            got = probe(path)
            message = re.sub(r"\s+", " ", got.message)[:90]
            print(f"| {label} | {path.stat().st_size / 2**20:.1f} | {got.outcome} {message} | {got.seconds:.1f} | "
                  f"{got.peak_mb} |", flush=True)


if __name__ == "__main__":
    main()
