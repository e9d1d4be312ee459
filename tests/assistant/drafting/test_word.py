"""Word, Markdown and JSON export: government-document conventions on every run."""

from __future__ import annotations

import json
import re

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from assistant.drafting import build_annual, build_review, export, to_docx


@pytest.fixture(scope="module")
def annual_docx(records, year, tmp_path_factory):
    path = tmp_path_factory.mktemp("word") / "annual.docx"
    draft = build_annual(records, year)
    export(draft, path)
    return draft, docx.Document(str(path))


def east_asia(run) -> str | None:
    rpr = run._r.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_every_run_declares_its_east_asian_font(annual_docx):
    _, doc = annual_docx
    runs = [r for p in doc.paragraphs for r in p.runs if r.text]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs if r.text]
    assert runs and all(east_asia(r) for r in runs)
    assert {east_asia(r) for r in runs} <= {"仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"}
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_title_headings_body_sizes_and_alignment(annual_docx):
    draft, doc = annual_docx
    paras = [p for p in doc.paragraphs if p.text]
    title = paras[0]
    assert title.text == draft.title and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size.pt == 22  # 2号
    assert title.style.name == "Title"
    heads = [p for p in paras if p.text[:2] in ("二、", "四、", "五、")]
    assert len(heads) == 3 and all(east_asia(p.runs[0]) == "黑体" and p.runs[0].font.size.pt == 16 for p in heads)
    assert all(p.style.name == "Heading 1" for p in heads)
    body = next(p for p in paras if p.text.startswith("1、"))
    assert east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16  # 三号
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    measure = next(p for p in paras if p.text.startswith("（1）"))
    assert east_asia(measure.runs[0]) == "仿宋_GB2312"
    issuer = next(p for p in paras if p.text == "××市财政局")
    assert issuer.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert any(p.text == "××××年××月××日" for p in paras) and any(p.text == "特此报告。" for p in paras)


def test_page_number_field_in_the_footer(annual_docx):
    _, doc = annual_docx
    for footer in (doc.sections[0].footer, doc.sections[0].even_page_footer):
        instr = [e.text for e in footer._element.iter(qn("w:instrText"))]
        assert any(t.strip() == "PAGE" for t in instr)
    # outside edges: odd pages right, even pages left
    assert doc.settings.odd_and_even_pages_header_footer
    assert doc.sections[0].footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert doc.sections[0].even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.top_margin.cm, 1) == 3.7


def test_trace_tables_in_the_appendix(annual_docx):
    draft, doc = annual_docx
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells] == draft.block("trace.themes").rows[0]
    assert len(first.rows) == len(draft.block("trace.themes").rows)


def test_review_docx_has_the_deciding_conclusion(records, with_findings, tmp_path):
    draft = build_review(records, with_findings[0])
    data = to_docx(draft, tmp_path / "r.docx")
    assert data[:2] == b"PK"
    doc = docx.Document(str(tmp_path / "r.docx"))
    texts = [p.text for p in doc.paragraphs]
    assert draft.block("conclusion").text in texts and "二、存在的问题" in texts
    assert any(re.match(r"1\.\S", t) for t in texts)
    assert any(p.text.startswith("（一）") and east_asia(p.runs[0]) == "楷体_GB2312" for p in doc.paragraphs)


def test_markdown_and_json(records, year, tmp_path):
    draft = build_annual(records, year)
    md = export(draft, tmp_path / "a.md").read_text(encoding="utf-8")
    assert md.startswith(f"# {draft.title}") and "## 四、" in md and "| 序号 | 问题 |" in md
    data = json.loads(export(draft, tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["kind"] == "annual" and data["blocks"][0]["text"] == draft.title
    assert all(c in data["facts"] for b in data["blocks"] for c in b["cites"])
    with pytest.raises(ValueError):
        export(draft, tmp_path / "a.pdf")
