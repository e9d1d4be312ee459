"""What the 绩效目标申报表 and the 绩效监控表 share: the header pairs (项目名称 | …), the year, the
overall goal and the indicator grid, read from a :class:`~ingest.document.Document`'s tables
whatever the format (docx, xlsx, PDF and scans all reach here as cell grids).

The two readers (:mod:`ingest.forms.declaration`, :mod:`ingest.forms.monitoring`) only add what
their form has of its own. Labels: ``labels.yaml`` (header and fund rows, shared with the
self-evaluation) and ``cycle_labels.yaml`` (what these forms add).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.model import Location
from ingest.document import Document, Paragraph, Table
from ingest.forms.grid import Segment, own_segments
from ingest.forms.labels import labels, normalise_label, strip_notes

CYCLE_LABELS_FILE = Path(__file__).with_name("cycle_labels.yaml")
_YEAR = re.compile(r"(20\d{2})\s*年")
_MONTHS = re.compile(r"1\s*[-—–~～至到]\s*(\d{1,2})\s*月")
HEADER_KEYS = ("project_name", "department", "impl_unit", "unit_name")


@lru_cache(maxsize=1)
def cycle_labels() -> dict:
    raw = yaml.safe_load(CYCLE_LABELS_FILE.read_text(encoding="utf-8"))
    norm = {}
    for key, entry in raw.items():
        if isinstance(entry, dict):
            norm[key] = {k: tuple(normalise_label(v) for v in vs) for k, vs in entry.items()}
        else:
            norm[key] = tuple(normalise_label(v) for v in entry)
    return norm


def label_key(group: str, text: str) -> str | None:
    """The key of ``text`` in a ``cycle_labels.yaml`` group: exact label first, then ``contains``."""
    norm = normalise_label(text)
    bare = strip_notes(norm)
    groups = cycle_labels()
    for candidate in (norm, bare):
        hits = [(len(lab), key) for key, labs in groups.get(group, {}).items() for lab in labs if lab == candidate]
        if hits:
            return max(hits)[1]
    contains = groups.get(group.replace("_columns", "_contains"), {})
    hits = [(len(lab), key) for key, labs in contains.items() for lab in labs if lab in norm]
    return max(hits)[1] if hits else None


def is_label(group: str, text: str) -> bool:
    norm = strip_notes(normalise_label(text))
    return norm in cycle_labels()[group]


def year_of(text: str | None) -> int | None:
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def months_of(text: str | None) -> int | None:
    """``1-7月执行数`` → 7 (the monitoring round), None when the text names no period."""
    match = _MONTHS.search(normalise_label(text or ""))
    return int(match.group(1)) if match and 1 <= int(match.group(1)) <= 12 else None


@dataclass
class Header:
    title: str | None = None
    year: int | None = None
    values: dict[str, str] = field(default_factory=dict)
    cells: dict[str, Location] = field(default_factory=dict)


def read_header(doc: Document, title_words: tuple[str, ...]) -> Header:
    """The form's title, year and the label | value pairs of its header rows."""
    out = Header()
    for text, loc in _title_area(doc):
        squashed = normalise_label(text)
        if out.title is None and any(w in squashed for w in title_words):
            out.title = text.strip()
            out.cells["title"] = loc
        if out.year is None and year_of(text) and len(squashed) <= 40:
            out.year = year_of(text)
            out.cells["year"] = loc
    table_words = labels()
    for table, r, segs in rows(doc):
        for k, seg in enumerate(segs[:-1]):
            key = table_words.match_prefix("header", seg.text)
            if key in HEADER_KEYS and key not in out.values and len(seg.text) <= 12:
                value = segs[k + 1].text.strip()
                if value and table_words.match_prefix("header", value) is None:
                    out.values[key] = value
                    out.cells[key] = table.location(r, segs[k + 1].start, file=doc.name)
    if out.year is None:  # 年度 | 2024 in the header rows
        for table, r, segs in rows(doc):
            for k, seg in enumerate(segs[:-1]):
                if strip_notes(normalise_label(seg.text)) in ("年度", "预算年度", "项目年度"):
                    year = year_of(segs[k + 1].text + "年") if segs[k + 1].text.strip().isdigit() else None
                    if year:
                        out.year = year
                        out.cells["year"] = table.location(r, segs[k + 1].start, file=doc.name)
    return out


def _title_area(doc: Document) -> Iterator[tuple[str, Location]]:
    for block in doc.blocks[:8]:
        if isinstance(block, Paragraph):
            yield block.text, block.location(doc.name)
        elif isinstance(block, Table):
            if block.sheet:
                yield block.sheet, Location(file=doc.name, sheet=block.sheet, table=block.index)
            for r, row in enumerate(block.rows[:3]):
                texts = [c.text for c in row if not c.merged and c.text.strip()]
                if len(texts) == 1:
                    yield texts[0], block.location(r, row[0].col, file=doc.name)


def rows(doc: Document) -> Iterator[tuple[Table, int, list[Segment]]]:
    """Every table row as its own boxes, in reading order."""
    for table in doc.tables:
        for r in range(table.n_rows):
            yield table, r, own_segments(table, r)


def read_goal(doc: Document, want: str) -> tuple[str | None, Location | None]:
    """The overall goal's text: ``want`` is ``goal_year`` (a declaration's 年度目标) or ``goal_done``
    (a monitoring form's 执行情况). Either ``年度总体目标 | text`` on one row, or a header row
    (总体目标 | 中期目标 | 年度目标) over the value row."""
    for table in doc.tables:
        for r in range(table.n_rows):
            segs = own_segments(table, r)
            if not segs or not is_label("goal", segs[0].text):
                continue
            rest = segs[1:]
            heads = [s for s in rest if any(lab in normalise_label(s.text) for lab in
                                            cycle_labels()[want] + cycle_labels()["goal_mid"] + ("年初目标", "全年目标"))]
            if heads and r + 1 < table.n_rows:  # header row over the values
                col = next((s for s in rest if any(lab in normalise_label(s.text) for lab in cycle_labels()[want])),
                           None)
                if col is None and want == "goal_year":
                    col = next((s for s in rest if not any(m in normalise_label(s.text)
                                                           for m in cycle_labels()["goal_mid"])), None)
                if col is None:
                    continue
                below = table.rows[r + 1]
                text = below[col.start].text.strip() if col.start < len(below) else ""
                if text:
                    return text, table.location(r + 1, col.start, file=doc.name)
                continue
            if want == "goal_year" and rest and len(rest[-1].text) > 8:
                return rest[-1].text.strip(), table.location(r, rest[-1].start, file=doc.name)
            if want == "goal_done" and len(rest) >= 2:
                return rest[-1].text.strip(), table.location(r, rest[-1].start, file=doc.name)
    return None, None


@dataclass
class GridRow:
    """One indicator row: its texts and cells by column key."""

    texts: dict[str, str]
    cells: dict[str, Location]


def indicator_rows(doc: Document) -> tuple[list[GridRow], dict[str, str]]:
    """The indicator grid's rows (by the column keys of ``cycle_labels.yaml``) and the header
    text of each column found (for the monitoring round: ``1-7月执行情况``)."""
    out: list[GridRow] = []
    header_texts: dict[str, str] = {}
    for table in doc.tables:
        cols: dict[str, int] = {}
        for r in range(table.n_rows):
            cells = table.rows[r]
            keys = {}
            for cell in cells:
                if cell.text.strip() and not (cell.merged and cell.col > 0 and cells[cell.col - 1].text == cell.text):
                    key = label_key("indicator_columns", cell.text)
                    if key and key not in keys:
                        keys[key] = cell.col
            if "name" in keys and ("target" in keys or "progress" in keys):
                cols = keys
                header_texts = {k: table.text(r, c) for k, c in keys.items()}
                continue
            if not cols:
                continue
            texts = {k: table.text(r, c).strip() for k, c in cols.items()}
            name = texts.get("name", "")
            if not name or label_key("indicator_columns", name) == "name":
                continue
            if texts.get("level1") == name or normalise_label(name) in {"备注", "说明"}:
                continue  # a full-width row (a note under the grid)
            out.append(GridRow(texts, {k: table.location(r, c, file=doc.name) for k, c in cols.items()}))
    return out, header_texts


def with_field(cells: dict[str, Location], prefix: str) -> dict[str, Location]:
    """The cells with their field path set (``declaration.indicators[2].target``)."""
    for key, loc in cells.items():
        loc.field = f"{prefix}.{key}"
    return cells
