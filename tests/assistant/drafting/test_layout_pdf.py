"""Every .docx ziping writes, rendered by LibreOffice, keeps the 公文 layout (GB/T 9704-2012).

The checks read the PDF, not the .docx: page size and the text box inside the margins, the title
at 2号 and the body at 3号, 28 characters to a full line and a 22-line pitch, the heading styles as
PDF bookmarks, the CJK font embedded, and "— N —" page numbers at the outside edges. One page of
each is kept as a PNG (``ZIPING_LAYOUT_PNG_DIR``) for a human to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from assistant.drafting import build_annual, build_review, to_docx
from assistant.drafting.word import MARGINS_CM
from ingest.readers.convert import shared_converter, soffice_path
from tests.conftest import require_system

MM = 72 / 25.4
HANGING = "，。、；：！？）》”’"
LETTERHEAD = {"issuer": "临渊市财政局", "doc_number": "临财绩函〔2026〕12号", "date": "2026年12月7日",
              "cc": "临渊市审计局"}


def render(draft, tmp: Path, name: str) -> Path:
    require_system("libreoffice-writer-nogui", soffice_path() is not None)
    src = tmp / f"{name}.docx"
    to_docx(draft, src)
    return shared_converter().convert(src, tmp / f"{name}.pdf")


@pytest.fixture(scope="module")
def pdfs(records, year, with_findings, tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("layout")
    sid = max(with_findings, key=lambda s: len(records.get_findings(s)))
    out = {"review": render(build_review(records, sid, letterhead=LETTERHEAD), tmp, "review"),
           "annual": render(build_annual(records, year, letterhead=LETTERHEAD), tmp, "annual")}
    keep = os.environ.get("ZIPING_LAYOUT_PNG_DIR")
    if keep and shutil.which("pdftoppm"):
        Path(keep).mkdir(parents=True, exist_ok=True)
        for name, pdf in out.items():
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "2", str(pdf),
                            str(Path(keep) / f"{name}")], check=True)
    return out


def body_lines(page) -> list[list[dict]]:
    """The page's text lines (chars grouped by their baseline), top to bottom."""
    rows: dict[int, list[dict]] = {}
    for ch in page.chars:
        rows.setdefault(round(ch["bottom"]), []).append(ch)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


def is_page_number(line: list[dict]) -> bool:
    return re.fullmatch(r"—\s*\d+\s*—", "".join(c["text"] for c in line).strip()) is not None


@pytest.mark.parametrize("kind", ["review", "annual"])
def test_page_size_and_margins(pdfs, kind):
    with pdfplumber.open(pdfs[kind]) as pdf:
        for page in pdf.pages:
            assert abs(page.width - 210 * MM) < 1 and abs(page.height - 297 * MM) < 1  # A4
            text = [c for line in body_lines(page) if not is_page_number(line) for c in line if c["text"].strip()]
            assert min(c["x0"] for c in text) >= MARGINS_CM["left"] * 10 * MM - 1
            # a closing mark that may not begin a line can hang past the margin (CJK typesetting)
            assert max(c["x1"] for c in text if c["text"] not in HANGING) <= \
                page.width - MARGINS_CM["right"] * 10 * MM + 1
            assert min(c["top"] for c in text) >= MARGINS_CM["top"] * 10 * MM - 8  # ascent above the grid line
            assert max(c["bottom"] for c in text) <= page.height - MARGINS_CM["bottom"] * 10 * MM + 2


@pytest.mark.parametrize("kind", ["review", "annual"])
def test_title_body_sizes_grid_and_characters_per_line(pdfs, kind):
    with pdfplumber.open(pdfs[kind]) as pdf:
        first = pdf.pages[0]
        sizes = Counter(round(c["size"]) for p in pdf.pages for c in p.chars if c["text"].strip())
        assert sizes.most_common(1)[0][0] == 16  # 3号 body
        lines = body_lines(first)
        title = next(line for line in lines if round(line[0]["size"]) == 22)  # 2号 title
        assert title and abs((title[0]["x0"] + title[-1]["x1"]) / 2 - (28 * MM + (210 - 26) * MM) / 2) < 16
        body = [line for line in lines if round(line[0]["size"]) == 16]
        # 28 characters to a line: neighbouring Chinese characters sit one 156 mm / 28 = 15.79 pt apart
        steps = [b["x0"] - a["x0"] for p in pdf.pages for line in body_lines(p) if round(line[0]["size"]) == 16
                 for a, b in zip(line, line[1:], strict=False)
                 if "\u4e00" <= a["text"] <= "\u9fff" and "\u4e00" <= b["text"] <= "\u9fff"]
        # the commonest step: a full justified line of 28 (lines broken earlier are stretched wider)
        pitch = Counter(round(x, 1) for x in steps).most_common(1)[0][0]
        assert abs(pitch - (210 - 28 - 26) * MM / 28) < 0.1, Counter(round(x, 1) for x in steps).most_common(5)
        # consecutive body lines sit on the 22-line grid (225 mm / 22 = 28.99 pt)
        tops = [line[0]["top"] for line in body]
        gaps = [b - a for a, b in zip(tops, tops[1:], strict=False)]
        assert gaps and Counter(round(g) for g in gaps).most_common(1)[0][0] == 29


def test_heading_styles_become_bookmarks(pdfs):
    """Headings are Word heading styles with outline levels, so the PDF lists them as bookmarks."""
    with pdfplumber.open(pdfs["review"]) as pdf:
        outline = pdf.doc.catalog.get("Outlines")
        assert outline is not None
        titles = []
        item = outline.resolve()["First"].resolve() if hasattr(outline, "resolve") else outline["First"]
        while item is not None:
            titles.append(item["Title"].decode("utf-16") if isinstance(item["Title"], bytes) else str(item["Title"]))
            first = item.get("First")
            while first is not None:  # level-2 headings
                child = first.resolve()
                titles.append(child["Title"].decode("utf-16") if isinstance(child["Title"], bytes) else str(child["Title"]))
                first = child.get("Next")
            nxt = item.get("Next")
            item = nxt.resolve() if nxt is not None else None
    assert titles[:2] == ["一、审核结论", "二、存在的问题"] and "三、整改要求" in titles
    assert any(re.match(r"（[一二三四五六七八九十]+）", t) for t in titles)


@pytest.mark.parametrize("kind", ["review", "annual"])
def test_cjk_font_is_embedded(pdfs, kind):
    out = subprocess.run(["pdffonts", str(pdfs[kind])], capture_output=True, text=True, check=True).stdout
    rows = [r.split() for r in out.splitlines()[2:]]
    assert rows and all("yes" in r[-5:-2] for r in rows)  # every font embedded
    assert any(re.search(r"CJK|Hei|Song|Kai|Fang|Ming|WenQuanYi", r[0]) for r in rows), out


@pytest.mark.parametrize("kind", ["review", "annual"])
def test_page_numbers_at_the_outside_edges(pdfs, kind):
    with pdfplumber.open(pdfs[kind]) as pdf:
        assert len(pdf.pages) >= 2
        for number, page in enumerate(pdf.pages[:4], start=1):
            foot = page.crop((0, page.height - 35 * MM, page.width, page.height))
            text = (foot.extract_text() or "").replace(" ", "")
            assert f"—{number}—" in text, text
            chars = [c for c in foot.chars if c["text"].strip()]
            middle = (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2
            assert (middle > page.width * 0.75) if number % 2 else (middle < page.width * 0.25)


def test_letterhead_blocks_in_the_rendered_letter(pdfs):
    with pdfplumber.open(pdfs["review"]) as pdf:
        text = "\n".join((p.extract_text() or "") for p in pdf.pages).replace(" ", "")
    for value in LETTERHEAD.values():
        assert value in text
    assert "抄送：临渊市审计局。" in text
    assert text.index("临财绩函〔2026〕12号") < text.index("审核意见") < text.index("2026年12月7日")
