"""Bounded fuzzing of what hostile input reaches first: the value parser, the number helpers,
archive collection and the text/xlsx/docx/pdf readers, plus bombs (Office zip bombs, entity
expansion, deep nesting) read in a fresh interpreter to bound their memory and time. Each property runs a fixed number of examples under a wall-clock limit per
example (a hang fails the test instead of blocking the suite); the file takes a few seconds.

What must hold: the parsers never raise; the readers raise nothing but :class:`IngestError`;
collecting a zip yields only files inside its folder or typed refusals, and writes nothing outside.
"""

from __future__ import annotations

import io
import math
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.numbers import (
    canonical,
    exact,
    exec_band,
    fixed,
    grade_of,
    in_unit,
    money_unit,
    rounded,
    to_wan,
)
from assistant.values import parse_amount, parse_number, parse_percent, parse_value
from ingest.collect import InputFile, Rejected, collect_inputs
from ingest.errors import IngestError
from ingest.readers import read_document
from ingest.readers.text_reader import read_text
from ingest.readers.xlsx_reader import read_xlsx

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # duplicates are on purpose

PER_EXAMPLE_S = 5.0
FUZZ = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@contextmanager
def time_limit(seconds: float = PER_EXAMPLE_S) -> Iterator[None]:
    """Fail (TimeoutError) instead of hanging: SIGALRM interrupts a runaway regex or parser."""
    def _raise(_signum, _frame):
        raise TimeoutError(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the value parser -------------------------------------------------------------------------

# what indicator and money cells are made of, so the examples reach deep into the grammar
CELL_PIECES = st.sampled_from([
    "≥", "≤", ">", "<", "=", "＞", "≧", "不低于", "不超过", "大于等于", "以上", "以内", "约", "百分之",
    "%", "％", "‰", "万元", "亿", "元", "个", "人次", "天", "年", "月底前", "（", "）", "(", ")", "-", "~",
    "—", "，", ",", ".", "。", "１", "０", "9", "1", "0", "123", "4.5", "1,234", " ", "\u3000", "\n", "e",
    "较好", "达标", "待定", "/", "无",
])
CELLS = st.one_of(st.text(max_size=200), st.lists(CELL_PIECES, max_size=80).map("".join))


@FUZZ
@given(CELLS)
def test_value_parsers_never_raise_or_hang(raw: str):
    with time_limit():
        value = parse_value(raw)
        amount = parse_amount(raw)
        number = parse_number(raw)
        percent = parse_percent(raw)
        token = canonical(raw)
    assert value.raw == raw and amount.raw == raw
    for x in (value.number, amount.value, number, percent):
        assert x is None or (isinstance(x, float) and not math.isnan(x))
    assert token is None or isinstance(token, str)
    if value.number is not None and math.isfinite(value.number):
        assert exact(value.number) is not None


# --- zip collection ---------------------------------------------------------------------------

SEGMENT = st.one_of(st.sampled_from(["..", ".", "", "C:", "c:", "~", "a", "表", "自评表.docx", "x" * 300]),
                    st.text(min_size=1, max_size=12))
MEMBER_NAMES = st.one_of(
    st.lists(SEGMENT, min_size=1, max_size=5).map("/".join),
    st.lists(SEGMENT, min_size=1, max_size=4).map("\\".join),
    st.lists(SEGMENT, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)),
)


def _collect(archive: Path, workdir: Path) -> list[InputFile | Rejected]:
    with time_limit():
        return list(collect_inputs([archive], workdir, max_archive_bytes=1 << 20))


def _assert_contained(items: list[InputFile | Rejected], workdir: Path, outside: Path) -> None:
    for item in items:
        assert isinstance(item, (InputFile, Rejected))
        if isinstance(item, InputFile):
            assert item.path.resolve().is_relative_to(workdir.resolve()), item.path
        else:
            assert isinstance(item.error, IngestError)
    assert list(outside.iterdir()) == [], "nothing is written beside the unpack folder"


@FUZZ
@given(members=st.lists(st.tuples(MEMBER_NAMES, st.binary(max_size=64)), min_size=1, max_size=6))
def test_zip_members_with_hostile_names_stay_inside_or_are_refused(members):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "unpack").mkdir()
        (root / "outside").mkdir()
        archive = root / "batch.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for name, data in members:
                if name.strip("/\\"):
                    zf.writestr(zipfile.ZipInfo(name), data)
        items = _collect(archive, root / "unpack" / "w")
        _assert_contained(items, root / "unpack" / "w", root / "outside")


def test_members_the_file_system_cannot_hold_are_refused_one_by_one(tmp_path: Path):
    """What the fuzzer found: these raised OSError out of the collection and ended the batch."""
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("a", "a/b.txt", "x" * 300 + ".txt", "./", "ok.txt"):
            zf.writestr(zipfile.ZipInfo(name), b"data")
    (tmp_path / "outside").mkdir()
    items = _collect(archive, tmp_path / "w")
    _assert_contained(items, tmp_path / "w", tmp_path / "outside")
    by_name = {i.name[len(str(archive)) + 1:][:10]: i for i in items}
    assert isinstance(by_name["a"], InputFile) and isinstance(by_name["ok.txt"], InputFile)
    assert isinstance(by_name["a/b.txt"], Rejected) and "成员无法解压" in str(by_name["a/b.txt"].error)
    assert isinstance(by_name["x" * 10], Rejected)
    assert len(items) == 4  # "./" is a folder entry, skipped like every folder


@FUZZ
@given(data=st.binary(max_size=2048), cut=st.integers(min_value=0, max_value=4096))
def test_random_or_truncated_zip_bytes_are_refused_not_raised(data: bytes, cut: int):
    valid = io.BytesIO()
    with zipfile.ZipFile(valid, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/自评表.txt", "项目名称 " * 50)
        zf.writestr("b.txt", data)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "outside").mkdir()
        for i, blob in enumerate((data, valid.getvalue()[:cut], b"PK\x03\x04" + data)):
            archive = root / f"in{i}.zip"
            archive.write_bytes(blob)
            _assert_contained(_collect(archive, root / f"w{i}"), root / f"w{i}", root / "outside")


# --- readers ----------------------------------------------------------------------------------

def _read_typed(reader, path: Path) -> None:
    """The reader returns a document or raises an IngestError: nothing else."""
    try:
        with time_limit():
            reader(path)
    except IngestError:
        pass


@FUZZ
@given(data=st.one_of(st.binary(max_size=4096), st.text(max_size=2000).map(lambda t: t.encode("utf-8")),
                      st.text(max_size=500).map(lambda t: t.encode("gb18030", errors="replace"))),
       suffix=st.sampled_from([".txt", ".md"]))
def test_text_reader_on_random_bytes_raises_only_typed_errors(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        _read_typed(read_text, path)
        _read_typed(read_document, path)


def _xlsx_parts() -> dict[str, bytes]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.append(["项目名称", "学生资助补助经费"])
    ws.append(["年度指标值", "≥95%"])
    ws.merge_cells("A3:B3")
    out = io.BytesIO()
    wb.save(out)
    with zipfile.ZipFile(out) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _read_broken_package(parts: dict[str, bytes], part: str, mode: str, noise: bytes, at: int, name: str,
                         reader) -> None:
    """Write an Office package whose ``part`` is replaced by, spliced with or truncated at ``noise``,
    and read it: only typed read errors may come out."""
    original = parts[part]
    at = at % (len(original) + 1)
    broken = {"replace": noise, "splice": original[:at] + noise + original[at:], "truncate": original[:at]}[mode]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with zipfile.ZipFile(path, "w") as zf:
            for member, data in parts.items():
                zf.writestr(member, broken if member == part else data)
        _read_typed(reader, path)


XLSX_PARTS = _xlsx_parts()
XML_BITS = st.sampled_from([b"<", b">", b"</", b"/>", b"<c r=\"A1\" t=\"s\"><v>", b"</v></c>", b"<row r=\"99999999\">",
                            b"<mergeCell ref=\"A1:XFD1048576\"/>", b"&amp;", b"&#0;", b"<![CDATA[", b"\"", b"\x00",
                            b"<?xml version=\"1.0\"?>", b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>", b"&a;"])


@FUZZ
@given(part=st.sampled_from(sorted(XLSX_PARTS)), mode=st.sampled_from(["replace", "splice", "truncate"]),
       noise=st.one_of(st.binary(max_size=512), st.lists(XML_BITS, max_size=40).map(b"".join)),
       at=st.integers(min_value=0, max_value=10_000))
def test_xlsx_reader_on_broken_parts_raises_only_typed_errors(part: str, mode: str, noise: bytes, at: int):
    _read_broken_package(XLSX_PARTS, part, mode, noise, at, "表.xlsx", read_xlsx)


@FUZZ
@given(data=st.binary(min_size=1, max_size=4096), flips=st.lists(st.integers(0, 1 << 16), max_size=8))
def test_xlsx_reader_on_random_or_flipped_bytes_raises_only_typed_errors(data: bytes, flips: list[int]):
    whole = io.BytesIO()
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, part in XLSX_PARTS.items():
            zf.writestr(name, part)
    flipped = bytearray(whole.getvalue())
    for i in flips:
        flipped[i % len(flipped)] ^= 0xFF
    with tempfile.TemporaryDirectory() as tmp:
        for i, blob in enumerate((data, bytes(flipped))):
            path = Path(tmp) / f"{i}.xlsx"
            path.write_bytes(blob)
            _read_typed(read_xlsx, path)


def _docx_parts() -> dict[str, bytes]:
    from docx import Document

    doc = Document()
    doc.add_heading("项目支出绩效自评表", level=1)
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([["项目名称", "学生资助补助经费", ""], ["年度指标值", "≥95%", "96%"], ["", "", ""]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(2, 0).merge(table.cell(2, 2))
    table.cell(2, 0).add_table(rows=1, cols=2).cell(0, 0).text = "嵌套"
    out = io.BytesIO()
    doc.save(out)
    with zipfile.ZipFile(out) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


DOCX_PARTS = _docx_parts()
DOCX_XML_BITS = st.sampled_from([b"<w:p>", b"</w:p>", b"<w:tbl>", b"</w:tbl>", b"<w:tr>", b"<w:tc>", b"</w:tc>",
                                 b"<w:gridSpan w:val=\"99999999\"/>", b"<w:gridSpan w:val=\"-1\"/>",
                                 b"<w:vMerge w:val=\"restart\"/>", b"<w:vMerge/>", b"<w:gridBefore w:val=\"x\"/>",
                                 b"<w:t>", b"</w:t>", b"\xe9\xa1\xb9", b"&#0;", b"&amp;", b"<w:sdt><w:sdtContent>",
                                 b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>", b"&a;", b"\x00", b"<"])


@FUZZ
@given(part=st.sampled_from(sorted(DOCX_PARTS)), mode=st.sampled_from(["replace", "splice", "truncate"]),
       noise=st.one_of(st.binary(max_size=512), st.lists(DOCX_XML_BITS, max_size=40).map(b"".join)),
       at=st.integers(min_value=0, max_value=10_000))
def test_docx_reader_on_broken_parts_raises_only_typed_errors(part: str, mode: str, noise: bytes, at: int):
    _read_broken_package(DOCX_PARTS, part, mode, noise, at, "表.docx", read_document)


def _pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "Project 2023 budget 95%")
    c.rect(72, 600, 300, 80)
    c.line(72, 640, 372, 640)
    c.showPage()
    c.save()
    return out.getvalue()


PDF = _pdf_bytes()
PDF_BITS = st.sampled_from([b"obj", b"endobj", b"stream", b"endstream", b"/Length 999999999", b"/Count -1",
                            b"/Kids [1 0 R]", b"/Root 1 0 R", b"/Parent 3 0 R", b"/MediaBox [0 0 0 0]",
                            b"/MediaBox [0 0 1e30 1e30]", b"xref", b"trailer", b"%%EOF", b"<<", b">>", b"[", b"]",
                            b"/Filter /FlateDecode", b"(", b")", b"\x00", b"/Encrypt 1 0 R"])


@FUZZ
@given(mode=st.sampled_from(["flip", "splice", "truncate", "random"]), at=st.integers(0, 1 << 16),
       noise=st.one_of(st.binary(max_size=256), st.lists(PDF_BITS, max_size=30).map(b" ".join)),
       flips=st.lists(st.integers(0, 1 << 16), max_size=8))
def test_pdf_reader_on_broken_bytes_raises_only_typed_errors(mode: str, at: int, noise: bytes, flips: list[int]):
    at = at % (len(PDF) + 1)
    if mode == "flip":
        blob = bytearray(PDF)
        for i in flips:
            blob[i % len(blob)] ^= 0xFF
        data = bytes(blob)
    else:
        data = {"splice": PDF[:at] + noise + PDF[at:], "truncate": PDF[:at], "random": b"%PDF-1.4\n" + noise}[mode]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "表.pdf"
        path.write_bytes(data)
        _read_typed(read_document, path)


# --- the number helpers -----------------------------------------------------------------------

FLOATS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**30, 10**30))
UNIT_WORDS = st.one_of(st.none(), st.sampled_from(["元", "万元", "亿元", "千元", "万", "亿", "%", "个", ""]), st.text(max_size=6))


@FUZZ
@given(x=FLOATS, places=st.integers(0, 12), unit=UNIT_WORDS, target=st.sampled_from(["元", "万元", "亿元"]))
def test_number_helpers_never_raise_or_hang(x, places, unit, target):
    with time_limit():
        text = rounded(x, places)
        wan = to_wan(x, unit)
        converted = in_unit(x, unit, target)
        grade, band = grade_of(x), exec_band(x)
        money_unit(unit)
        exact(x)
    assert isinstance(text, str) and text
    for y in (wan, converted):
        assert y is None or isinstance(y, (int, float))
    assert grade is None or isinstance(grade, str)
    assert band is None or isinstance(band, str)
    if x is not None and isinstance(x, float) and math.isfinite(x) and abs(x) < 1e15:
        assert isinstance(fixed(x, places), str)


# --- bombs: bounded memory and time, in a fresh interpreter -----------------------------------

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import re, sys, time
from pathlib import Path
from ingest.errors import IngestError
from ingest.readers import read_document
start = time.monotonic()
try:
    doc = read_document(Path(sys.argv[1]))
    print("READ", len(doc.blocks))
except IngestError as e:
    print(e.code, str(e).replace(chr(10), " "))
print(round(time.monotonic() - start, 2))
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) pytest process
print(int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) // 1024)
"""


def _probe(path: Path) -> tuple[str, str, float, int]:
    """read_document in a fresh interpreter: (code or READ, message, seconds, peak resident MB)."""
    out = subprocess.run([sys.executable, "-c", PROBE, str(path)], cwd=REPO, capture_output=True, text=True,
                         timeout=120, check=True).stdout.splitlines()
    first = out[0].split(" ", 1)
    return first[0], first[1] if len(first) > 1 else "", float(out[-2]), int(out[-1])


def _office_with(parts: dict[str, bytes], path: Path, part: str, data: bytes, *, padding: int = 0) -> Path:
    """A copy of an Office package with ``part`` replaced by ``data``; ``padding`` spaces are streamed
    in after its root element's start tag (a zip bomb, written without holding it in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, original in parts.items():
            if name != part:
                zf.writestr(name, original)
            elif not padding:
                zf.writestr(name, data)
            else:
                root = data.index(b"<", data.index(b"?>") + 2 if b"?>" in data else 0)
                cut = data.index(b">", root) + 1
                with zf.open(name, "w", force_zip64=True) as out:
                    out.write(data[:cut])
                    for _ in range(padding // 2**20):
                        out.write(b" " * 2**20)
                    out.write(data[cut:])
    return path


def _laughs(levels: int = 9) -> bytes:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10 if i else "哈" * 10}">' for i in range(levels + 1))
    return f"<!DOCTYPE d [{entities}]>".encode()


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_office_zip_bomb_is_refused_before_unpacking(tmp_path: Path, kind: str):
    """The hole this found: a 400 KB .docx holding 400 MB of XML took 827 MB and 14 s to refuse;
    a 4 GB one would have ended the process. The package's declared sizes are checked first now
    (this one holds 200 MB: 400 MB resident without the check)."""
    parts, part = (DOCX_PARTS, "word/document.xml") if kind == "docx" else (XLSX_PARTS, "xl/worksheets/sheet1.xml")
    path = _office_with(parts, tmp_path / f"bomb.{kind}", part, parts[part], padding=200 * 2**20)
    assert path.stat().st_size < 2_000_000
    code, message, seconds, peak_mb = _probe(path)
    assert code == "file_too_large" and "解压后 200 MB" in message, message
    assert seconds < 2 and peak_mb < 150, (seconds, peak_mb)


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_entity_expansion_is_refused_in_bounded_memory(tmp_path: Path, kind: str):
    """Billion laughs: ten levels of entities, each ten of the one below (10¹⁰ characters)."""
    parts, part, slot = ((DOCX_PARTS, "word/document.xml", "学生资助补助经费".encode()) if kind == "docx"
                         else (XLSX_PARTS, "xl/worksheets/sheet1.xml", b"A1:B3"))
    body = parts[part]
    decl_end = body.index(b"?>") + 2 if b"?>" in body else 0
    hostile = body[:decl_end] + _laughs() + body[decl_end:].replace(slot, b"&e9;", 1)
    assert b"&e9;" in hostile
    code, message, seconds, peak_mb = _probe(_office_with(parts, tmp_path / f"laughs.{kind}", part, hostile))
    assert code != "READ" or "哈" * 1000 not in message
    assert seconds < 10 and peak_mb < 400, (code, message, seconds, peak_mb)


def test_deeply_nested_tables_are_read_in_bounded_time(tmp_path: Path):
    """A cell holding a table holding a table … 60 deep: read (or refused) without a RecursionError."""
    from docx import Document

    doc = Document()
    cell = doc.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "项目名称"
    for depth in range(60):
        cell = cell.add_table(rows=1, cols=2).cell(0, 0)
        cell.text = f"第{depth}层"
    path = tmp_path / "nested.docx"
    doc.save(str(path))
    code, message, seconds, peak_mb = _probe(path)
    assert code == "READ" or code in {"corrupt_file", "empty_file"}, (code, message)
    assert seconds < 20 and peak_mb < 500, (seconds, peak_mb)
