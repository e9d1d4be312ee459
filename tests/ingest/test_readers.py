"""Readers: every format into a Document, and every failure into a typed bilingual error.

Fixtures are built here, tiny and on the fly: python-docx, openpyxl and reportlab (with the
system CJK font) write the files; the real seed report comes from ``../shared/seeds`` (not in the
repository: the ``seed_report`` fixture skips without it).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest

from ingest.document import Document, Paragraph, Table
from ingest.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    FileTooLarge,
    IngestError,
    UnsupportedFormat,
)
from ingest.readers import read_document, sniff
from ingest.readers.headings import assign_levels, heading_level, split_heading
from ingest.readers.text_reader import parse_text
from ingest.readers.xlsx_reader import format_number, format_value


def grid(table: Table) -> list[list[tuple[str, bool]]]:
    return [[(c.text, c.merged) for c in row] for row in table.rows]


# --- docx ------------------------------------------------------------------------------------

@pytest.fixture
def docx_file(tmp_path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("项目支出绩效自评报告", level=2)
    d.add_paragraph("一、基本情况")
    d.add_paragraph("（一）项目概况")
    d.add_paragraph("1.资金到位情况")
    d.add_paragraph("（1）预算执行")
    d.add_paragraph("1.5亿元资金已于年初全部到位，当年执行率达到百分之九十八点五。")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "项目名称"  # horizontal merge
    t.cell(0, 2).text = "金额"
    t.cell(1, 0).text, t.cell(1, 1).text = "甲", "乙"
    t.cell(2, 0).text, t.cell(2, 1).text = "丙", "丁"
    t.cell(1, 2).merge(t.cell(2, 2)).text = "合计"  # vertical merge
    inner = t.cell(2, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "内1", "内2"
    d.add_paragraph("二、绩效目标完成情况")
    path = tmp_path / "自评报告.docx"
    d.save(str(path))
    return path


def test_docx_merges_resolved_into_full_grid(docx_file: Path) -> None:
    doc = read_document(docx_file)
    outer = doc.tables[0]
    assert grid(outer) == [
        [("项目名称", False), ("项目名称", True), ("金额", False)],
        [("甲", False), ("乙", False), ("合计", False)],
        [("丙", False), ("丁", False), ("合计", True)],
    ]
    assert (outer.rows[0][0].colspan, outer.rows[0][0].rowspan) == (2, 1)
    assert (outer.rows[1][2].colspan, outer.rows[1][2].rowspan) == (1, 2)
    assert [(c.row, c.col) for c in outer.rows[2]] == [(2, 0), (2, 1), (2, 2)]


def test_docx_nested_table_is_its_own_block(docx_file: Path) -> None:
    doc = read_document(docx_file)
    outer, inner = doc.tables
    assert inner.nested_in == outer.index == 0 and inner.index == 1
    assert inner.block == outer.block + 1
    assert grid(inner) == [[("内1", False), ("内2", False)]]
    assert "内1" not in outer.text(2, 0)  # the parent cell keeps only its own paragraphs


def test_docx_headings_by_style_and_numbering_in_reading_order(docx_file: Path) -> None:
    doc = read_document(docx_file)
    levels = [(b.text, b.heading_level) for b in doc.paragraphs]
    assert levels == [
        ("项目支出绩效自评报告", 2),  # by style (Heading 2)
        ("一、基本情况", 1),
        ("（一）项目概况", 2),
        ("1.资金到位情况", 3),
        ("（1）预算执行", 4),
        ("1.5亿元资金已于年初全部到位，当年执行率达到百分之九十八点五。", None),
        ("二、绩效目标完成情况", 1),
    ]
    assert doc.paragraphs[0].style == "Heading 2"
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph"] * 6 + ["Table", "Table", "Paragraph"]
    assert [getattr(b, "index", None) if isinstance(b, Paragraph) else b.block for b in doc.blocks] \
        == list(range(9))
    assert doc.format == "docx" and doc.name == "自评报告.docx"


# --- pdf -------------------------------------------------------------------------------------

def _register_font(font: Path) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "wqy" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("wqy", str(font), subfontIndex=0))
    return "wqy"


@pytest.fixture
def pdf_file(tmp_path: Path, cjk_font: Path) -> Path:
    """A report page with a ruled table that runs onto page 2 and repeats its header row."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    font = _register_font(cjk_font)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    data = [["序号", "指标名称", "年度指标值", "实际完成值"], ["产出指标", "", "合计", "说明"]]
    data += [[str(i), f"指标{i}", f"≥{i}%", f"{i}.5%"] for i in range(2, 60)]
    table = RLTable(data, colWidths=[60, 160, 100, 100], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("SPAN", (0, 1), (1, 1)),  # horizontal merge
        ("SPAN", (2, 2), (2, 3)),  # vertical merge
    ]))

    def footer(canvas, doc) -> None:
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"第 {doc.page} 页")

    path = tmp_path / "自评表.pdf"
    story = [
        RLParagraph("一、项目基本情况", body),
        RLParagraph("本项目为学生资助项目，" * 12 + "资金全部到位。", body),
        Spacer(1, 10),
        table,
        RLParagraph("二、绩效目标完成情况", body),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def test_pdf_table_over_page_break_is_one_table(pdf_file: Path) -> None:
    doc = read_document(pdf_file)
    assert doc.format == "pdf" and doc.pages == 2 and not doc.scanned
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert (table.page, table.last_page) == (1, 2)
    assert table.n_rows == 60 and table.n_cols == 4  # header once + 59 data rows
    assert sum(1 for row in table.rows if row[0].text == "序号") == 1
    assert [c.row for c in table.rows[-1]] == [59] * 4
    assert table.text(59, 1) == "指标59"
    pages = [row[0].page for row in table.rows]
    assert pages[0] == 1 and pages[-1] == 2
    assert pages == sorted(pages)  # every row on page 1 comes before every row on page 2
    assert all(c.page == row[0].page for row in table.rows for c in row)
    assert table.location(59, 2).page == 2


def test_pdf_merged_cells_filled(pdf_file: Path) -> None:
    table = read_document(pdf_file).tables[0]
    assert grid(table)[1] == [("产出指标", False), ("产出指标", True), ("合计", False), ("说明", False)]
    assert table.rows[1][0].colspan == 2
    assert (table.text(2, 2), table.rows[2][2].merged) == ("≥2%", False)
    assert (table.text(3, 2), table.rows[3][2].merged) == ("≥2%", True)
    assert table.rows[2][2].rowspan == 2
    assert table.rows[0][0].bbox is not None


def test_pdf_text_headings_and_paragraphs(pdf_file: Path) -> None:
    doc = read_document(pdf_file)
    paras = doc.paragraphs
    assert [(p.text, p.heading_level, p.page) for p in paras if p.heading_level] == [
        ("一、项目基本情况", 1, 1), ("二、绩效目标完成情况", 1, 2)]
    body = [p for p in paras if p.heading_level is None]
    assert len(body) == 1  # wrapped lines joined into one paragraph
    assert body[0].text == "本项目为学生资助项目，" * 12 + "资金全部到位。"
    assert not any("第" in p.text and "页" in p.text for p in paras)  # footers dropped
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Paragraph", "Table", "Paragraph"]


def test_pdf_wrapped_numbered_sentence_is_body(tmp_path: Path, cjk_font: Path) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import SimpleDocTemplate

    font = _register_font(cjk_font)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    sentence = "（4）预算单位对绩效管理理念尚未牢固树立，加强绩效激励约束作用，增强预算单位主体责任意识。"
    run_in = "1、项目绩效目标。各预算单位申报的所有项目必须报送绩效目标申报表，设定绩效目标。"
    path = tmp_path / "narrow.pdf"
    # a 300 pt column: each first line is ~28 characters, short enough to look like a title
    SimpleDocTemplate(str(path), leftMargin=150, rightMargin=145).build([
        RLParagraph("五、下一步工作措施", body), RLParagraph(sentence, body), RLParagraph(run_in, body)])
    paras = read_document(path).paragraphs
    assert [(p.text, p.heading_level) for p in paras] == [
        ("五、下一步工作措施", 1), (sentence, None), (run_in, 3)]


def test_pdf_fake_bold_drawn_twice_is_read_once(tmp_path: Path, cjk_font: Path) -> None:
    """Word's bold on a font without a bold face prints each glyph twice, offset by a fraction
    of a point; two different characters at the same place, or the same one a character
    further on, are text and stay."""
    from reportlab.pdfgen import canvas

    font = _register_font(cjk_font)
    path = tmp_path / "bold.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(font, 12)
    for dx, dy in ((0, 0), (0.4, 0), (0, 0.3)):  # the title drawn three times, nearly in place
        c.drawString(100 + dx, 700 + dy, "一、项目概况")
    c.drawString(100, 650, "目目标完成")  # a real repeated character, 12 pt apart
    c.save()
    assert [p.text for p in read_document(path).paragraphs] == ["一、项目概况", "目目标完成"]


@pytest.mark.slow
def test_scanned_pdf_goes_through_ocr(tmp_path: Path, cjk_font: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.text((150, 200), "一、项目基本情况", font=ImageFont.truetype(str(cjk_font), 40), fill="black")
    png, path = tmp_path / "scan.png", tmp_path / "scan.pdf"
    image.save(png)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(str(png), 0, 0, width=A4[0], height=A4[1])
    c.setFont(_register_font(cjk_font), 9)
    c.drawString(A4[0] / 2, 20, "第1页")  # a stamped page number does not make it a text page
    c.save()
    doc = read_document(path)
    assert doc.scanned and doc.pages == 1
    assert any("项目基本情况" in p.text for p in doc.paragraphs)
    assert all(b.page == 1 for b in doc.blocks)


# --- xlsx ------------------------------------------------------------------------------------

@pytest.fixture
def xlsx_file(tmp_path: Path) -> Path:
    """A workbook with a merged range and a formula whose cached value Excel would have saved."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    ws["A1"] = "项目名称"
    ws["B1"] = "学生资助"
    ws.merge_cells("B1:D1")
    ws["A2"], ws["B2"], ws["C2"] = 1, 2, "=A2+B2"
    ws["D2"] = 0.985
    ws["D2"].number_format = "0.0%"
    ws["A3"], ws["B3"], ws["C3"] = 1234.5000000001, dt.datetime(2023, 12, 31), 3.0
    ws["A4"] = "合计"
    ws.merge_cells("A4:A5")
    wb.create_sheet("空白页")
    raw = tmp_path / "raw.xlsx"
    wb.save(raw)
    # openpyxl writes <f>A2+B2</f><v></v>; put in the cached value Excel would have stored
    path = tmp_path / "自评表.xlsx"
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.namelist():
            data = src.read(item)
            if item == "xl/worksheets/sheet1.xml":
                assert b"<f>A2+B2</f><v></v>" in data
                data = data.replace(b"<f>A2+B2</f><v></v>", b"<f>A2+B2</f><v>3</v>")
            out.writestr(item, data)
    return path


def test_xlsx_merges_formulas_and_number_formats(xlsx_file: Path) -> None:
    doc = read_document(xlsx_file)
    assert doc.format == "xlsx" and len(doc.tables) == 1
    table = doc.tables[0]
    assert table.sheet == "项目支出绩效自评表"
    assert grid(table) == [
        [("项目名称", False), ("学生资助", False), ("学生资助", True), ("学生资助", True)],
        [("1", False), ("2", False), ("3", False), ("98.5%", False)],
        [("1234.5", False), ("2023-12-31", False), ("3", False), ("", False)],
        [("合计", False), ("", False), ("", False), ("", False)],
        [("合计", True), ("", False), ("", False), ("", False)],
    ]
    assert (table.rows[0][1].colspan, table.rows[3][0].rowspan) == (3, 2)
    assert table.location(1, 3).sheet == "项目支出绩效自评表"
    assert any("空白页" in w for w in doc.warnings)
    assert not any("公式" in w for w in doc.warnings)


def test_xlsx_uncached_formula_warns(xlsx_file: Path, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = 1, "=A1*2"
    wb.save(tmp_path / "calc.xlsx")
    doc = read_document(tmp_path / "calc.xlsx")
    assert doc.tables[0].text(0, 1) == ""
    assert any("公式" in w and "formula" in w for w in doc.warnings)


@pytest.mark.parametrize(("value", "fmt", "text"), [
    (1234.5000000001, "General", "1234.5"),
    (0.1 + 0.2, "General", "0.3"),
    (3.0, "0.00", "3"),
    (-0.0, "General", "0"),
    (0.985, "0.0%", "98.5%"),
    (0.5, '0.0"%"', "0.5"),  # a quoted % is a literal, not a percent format
    (dt.date(2024, 1, 5), "yyyy-mm-dd", "2024-01-05"),
    (dt.datetime(2024, 1, 5, 9, 30), "General", "2024-01-05 09:30"),
    ("  ≥95% ", "General", "≥95%"),
])
def test_xlsx_format_value(value: object, fmt: str, text: str) -> None:
    assert format_value(value, fmt) == text


def test_format_number_keeps_real_precision() -> None:
    assert format_number(98.456) == "98.456"
    assert format_number(123456789012) == "123456789012"


# --- txt / md --------------------------------------------------------------------------------

def test_seed_report_headings(seed_report: Path) -> None:
    doc = read_document(seed_report)
    assert doc.format == "txt"
    level1 = [p.text[:2] for p in doc.paragraphs if p.heading_level == 1]
    assert level1 == ["一、", "二、", "三、", "四、", "五、"]
    level2 = [p.text[:3] for p in doc.paragraphs if p.heading_level == 2]
    assert level2 == ["（一）", "（二）", "（三）", "（四）"]
    level3 = [p.text[:2] for p in doc.paragraphs if p.heading_level == 3]
    assert level3 == ["1、", "2、", "1、", "2、", "3、", "1、", "2、", "3、"]
    texts = [p.text for p in doc.paragraphs]
    # paragraphs cut by a stray blank line are joined again
    assert any("激励约束机制，加强绩效目标执行动态监控" in t for t in texts)
    assert any("加强绩效激励约束作用" in t and t.startswith("（4）") for t in texts)
    assert not any(t.startswith("制，") or t.startswith("效激励") for t in texts)
    assert [p.index for p in doc.paragraphs] == list(range(len(doc.paragraphs)))


def test_markdown_and_gb18030(tmp_path: Path) -> None:
    md = tmp_path / "报告.md"
    wrapped = "项目资金已于2023年3月全部拨付到位，共计一百二十万元，\n用于学生资助。\n签字：\n张三"
    md.write_text(f"# 自评报告\n\n## 一、基本情况\n\n{wrapped}\n\n（一）项目概况\n正文。\n", "utf-8")
    doc = read_document(md)
    assert doc.format == "md"
    assert [(p.text, p.heading_level) for p in doc.paragraphs] == [
        ("自评报告", 1), ("一、基本情况", 2),
        # a wrapped line is joined; a line after a sentence end or a short line keeps its break
        ("项目资金已于2023年3月全部拨付到位，共计一百二十万元，用于学生资助。\n签字：\n张三", None),
        ("（一）项目概况", 2), ("正文。", None)]
    gbk = tmp_path / "报告.txt"
    gbk.write_bytes("一、基本情况\n\n项目资金全部到位。\n".encode("gb18030"))
    assert [p.text for p in read_document(gbk).paragraphs] == ["一、基本情况", "项目资金全部到位。"]


@pytest.mark.parametrize(("text", "level"), [
    ("一、项目基本情况", 1),
    ("十二、其他需要说明的情况", 1),
    ("（一）项目概况", 2),
    ("(二) 绩效目标", 2),
    ("1.产出指标完成情况", 3),
    ("2、效益指标", 3),
    ("3．满意度", 3),
    ("（1）数量指标", 4),
    ("(2)质量指标：", 4),
    ("1、项目绩效目标。在编制预算时，要求各单位报送绩效目标。", 3),  # run-in title
    ("1.5亿元资金已全部到位", None),
    ("2020年项目资金全部到位", None),
    ("（1）做好预算绩效管理的宣传，让绩效理念深入人心。", None),  # a numbered sentence
    ("1、预算执行率为98.5%。", None),
    ("一、", None),
    ("项目基本情况", None),
])
def test_heading_level(text: str, level: int | None) -> None:
    assert heading_level(text) == level


def test_split_heading_and_sibling_demotion() -> None:
    assert split_heading("1、 项目绩效目标。在编制时……") == (3, "1、 项目绩效目标", "在编制时……")
    texts = ["五、措施", "（1）加强培训，提升业务能力。", "（2）预算单位理念尚未树立，加强绩"]
    assert assign_levels(texts) == [1, None, None]
    assert assign_levels(["五、措施", "（1）加强培训", "（2）完善制度"]) == [1, 4, 4]
    assert [p.text for p in parse_text("（1）甲乙。\n\n（2）预算单位理念尚未树立，加强绩\n\n效激励作用。")] == [
        "（1）甲乙。", "（2）预算单位理念尚未树立，加强绩效激励作用。"]


# --- sniffing and errors ---------------------------------------------------------------------

def assert_bilingual(error: IngestError) -> None:
    text = str(error)
    assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{3}", text), text


def _raises(path: Path, kind: type[IngestError], **kwargs: object) -> IngestError:
    with pytest.raises(kind) as info:
        read_document(path, **kwargs)  # type: ignore[arg-type]
    assert_bilingual(info.value)
    assert info.value.file == path.name
    return info.value


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(b"")
    _raises(tmp_path / "a.docx", EmptyFile)
    (tmp_path / "b.txt").write_text(" \n\n \n", "utf-8")
    _raises(tmp_path / "b.txt", EmptyFile)


def test_exe_renamed_pdf(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 2000)
    error = _raises(path, CorruptFile)
    assert "可执行程序" in str(error) and ".pdf" in str(error)
    exe = tmp_path / "x.exe"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 2000)
    _raises(exe, UnsupportedFormat)


def test_corrupt_docx(tmp_path: Path) -> None:
    broken_part = tmp_path / "a.docx"
    with zipfile.ZipFile(broken_part, "w") as zf:
        zf.writestr("[Content_Types].xml", b"\x8f\x12garbage\x00\xff")
        zf.writestr("word/document.xml", bytes(range(256)) * 4)
    _raises(broken_part, CorruptFile)
    broken_zip = tmp_path / "b.docx"
    broken_zip.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    _raises(broken_zip, CorruptFile)
    wrong_zip = tmp_path / "c.docx"
    with zipfile.ZipFile(wrong_zip, "w") as zf:
        zf.writestr("readme.txt", "hello")
    _raises(wrong_zip, CorruptFile)


def test_encrypted_pdf(tmp_path: Path, cjk_font: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt="pw")
    c.setFont(_register_font(cjk_font), 12)
    c.drawString(100, 700, "一、项目基本情况")
    c.save()
    _raises(path, EncryptedFile)


def test_truncated_pdf(tmp_path: Path, pdf_file: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(pdf_file.read_bytes()[:400])
    _raises(path, CorruptFile)


def test_office_binaries(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    encrypted = tmp_path / "locked.docx"
    encrypted.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    _raises(encrypted, EncryptedFile)
    # .doc is read now (tests/ingest/test_legacy.py); a broken compound file is reported as such
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(ole + "WordDocument".encode("utf-16-le") + b"\x00" * 512)
    assert "OLE" in str(_raises(legacy, CorruptFile))
    unknown = tmp_path / "old.bin"
    unknown.write_bytes(ole + "WordDocument".encode("utf-16-le") + b"\x00" * 512)
    _raises(unknown, CorruptFile)


def test_oversize(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("一、基本情况\n" * 200, "utf-8")
    error = _raises(path, FileTooLarge, max_bytes=1000)
    assert "MB" in str(error)


def test_unknown_binary(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 16)
    _raises(path, UnsupportedFormat)
    zipped = tmp_path / "batch.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("a.txt", "hello")
    assert sniff(zipped) == "zip"
    _raises(zipped, UnsupportedFormat)


def test_content_wins_over_extension(tmp_path: Path, docx_file: Path) -> None:
    renamed = tmp_path / "report.pdf"
    renamed.write_bytes(docx_file.read_bytes())
    doc = read_document(renamed, name="上报材料.pdf")
    assert isinstance(doc, Document) and doc.format == "docx" and doc.name == "上报材料.pdf"
    assert any(".pdf" in w and "docx" in w for w in doc.warnings)


def test_wrapped_cell_lines_are_joined_back():
    from ingest.readers.wrap import unwrap_cell

    assert unwrap_cell("社会效益指\n标") == "社会效益指标"
    assert unwrap_cell("≤0.7万元/公\n里") == "≤0.7万元/公里"
    assert unwrap_cell("1,23\n4.5") == "1,234.5"
    assert unwrap_cell("PM2.5 annual\nmean") == "PM2.5 annual mean"
    assert unwrap_cell("  \n ") == ""
