"""Bounded fuzzing of what hostile input reaches first: the value parser, archive collection and
the text/xlsx readers. Each property runs a fixed number of examples under a wall-clock limit per
example (a hang fails the test instead of blocking the suite); the file takes a few seconds.

What must hold: the parsers never raise; the readers raise nothing but :class:`IngestError`;
collecting a zip yields only files inside its folder or typed refusals, and writes nothing outside.
"""

from __future__ import annotations

import io
import math
import signal
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.numbers import canonical, exact
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


XLSX_PARTS = _xlsx_parts()
XML_BITS = st.sampled_from([b"<", b">", b"</", b"/>", b"<c r=\"A1\" t=\"s\"><v>", b"</v></c>", b"<row r=\"99999999\">",
                            b"<mergeCell ref=\"A1:XFD1048576\"/>", b"&amp;", b"&#0;", b"<![CDATA[", b"\"", b"\x00",
                            b"<?xml version=\"1.0\"?>", b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>", b"&a;"])


@FUZZ
@given(part=st.sampled_from(sorted(XLSX_PARTS)), mode=st.sampled_from(["replace", "splice", "truncate"]),
       noise=st.one_of(st.binary(max_size=512), st.lists(XML_BITS, max_size=40).map(b"".join)),
       at=st.integers(min_value=0, max_value=10_000))
def test_xlsx_reader_on_broken_parts_raises_only_typed_errors(part: str, mode: str, noise: bytes, at: int):
    original = XLSX_PARTS[part]
    at = at % (len(original) + 1)
    broken = {"replace": noise, "splice": original[:at] + noise + original[at:], "truncate": original[:at]}[mode]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "表.xlsx"
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in XLSX_PARTS.items():
                zf.writestr(name, broken if name == part else data)
        _read_typed(read_xlsx, path)


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
