"""A finding's location leads to the right cell (issue 4, "Done when").

For every rule the synthetic corpus can plant, a few files are generated with that rule planted
(docx, xlsx and text PDF tables in the MOF, Sichuan and municipal layouts, two-table docx files,
two-page PDF tables, 自评报告 and 部门整体 forms; no scans, so nothing is OCR'd). Each file is
read with :func:`ingest.readers.read_document`, extracted from that document as
:func:`ingest.extract.extract_file` does, and checked; a finding's ``location`` must then lead, in
that document, to the cell of the field it names:

* the table is the evaluation's table, and page / sheet / file are the cell's;
* the cell holds the field's value as the labels know it (the text, the number, or nothing for
  a blank — a missing value is pointed at its empty cell);
* the row is the field's row (the indicator or money row it belongs to) and the column is the
  field's column (its header above, or its label to the left).

Two kinds of field have no cell of their own, and there the model's location stops at what exists:
a whole block (``evaluations[0].indicators``, ``.funds.rows``, ``.signatures``) or a row the file
does not have (``.funds.adjust_reason`` with no 调整原因 row) points at the evaluation's table, and the report
rules (``sections``: a missing part, no source named anywhere) point at the report's first
paragraph, its title.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.checker import check_submission, profile_for
from assistant.checker.rule import FAMILIES
from assistant.model import Finding, Submission
from assistant.values import normalise_text, parse_value
from eval.synth.corpus import EXT, FileSpec, build_dept, build_report, build_table, plan, plant_for
from eval.synth.defects import PLANTS
from eval.synth.dept import DEPT_RULES
from eval.synth.report import REPORT_RULES
from ingest.document import Document, Paragraph, Table
from ingest.extract import extract_document
from ingest.provenance import resolve
from ingest.readers import read_document

SEED = 4
TABLE_RULES = sorted({p.rule for p in PLANTS})
PLANTABLE = sorted({*TABLE_RULES, *REPORT_RULES, *DEPT_RULES})
TABLE_KINDS = ("docx_table", "xlsx_table", "pdf_table")
LAYOUTS = ("mof", "sichuan", "municipal")
SAMPLES_PER_RULE = 2  # each table rule in two kinds and (where it can be planted) two layouts


@dataclass
class Sample:
    """One generated file: what was planted, what the labels expect, and what ingest and the checker made of it."""

    name: str
    expected: dict[str, Any]  # canonical JSON a perfect extractor reads
    planted: set[tuple[str, str]]  # (rule, field path)
    document: Document
    submission: Submission
    findings: list[Finding]


# --- the corpus ------------------------------------------------------------------------------------


def _table_specs() -> Iterator[tuple[FileSpec, list[str]]]:
    base = plan(len(TABLE_RULES) * SAMPLES_PER_RULE + 1, SEED)  # for its units and projects
    n = 0
    for rule in TABLE_RULES:
        layouts = [lay for lay in LAYOUTS if plant_for(rule, lay) is not None]
        for _ in range(SAMPLES_PER_RULE):
            kind = TABLE_KINDS[n % len(TABLE_KINDS)]  # the two samples of a rule differ in kind
            spec = dataclasses.replace(
                base[n], index=n, kind=kind, layout=layouts[n // len(TABLE_KINDS) % len(layouts)], rules=[rule], pair=None,
                # every other docx holds a second evaluation (table 2), every other PDF runs over two pages
                second=base[n + 1].who if kind == "docx_table" and n % 2 else None,
                long=kind == "pdf_table" and n % 2 == 1)
            n += 1
            yield spec, [rule]


def _generate(out: Path) -> list[tuple[Path, dict[str, Any], set[tuple[str, str]]]]:
    files = []

    def keep(spec: FileSpec, built: Any) -> None:
        path = out / f"{spec.index:04d}_{spec.kind}_{built.layout}.{EXT[spec.kind]}"
        path.write_bytes(built.data)
        planted = {(d.rule, d.field) for d in built.defects}
        files.append((path, built.submission.to_dict(), planted))

    bases = []
    for spec, rules in _table_specs():
        got = build_table(spec, SEED, rules)
        assert got is not None, f"the generator could not plant {rules} in {spec.kind}/{spec.layout}"
        keep(spec, got[0])
        bases.append((spec, got[0].base))
    index = len(bases)
    for k, rule in enumerate(REPORT_RULES * 2):
        spec, base = bases[k]
        spec = dataclasses.replace(spec, index=index, kind=("report_docx", "report_pdf")[k % 2], rules=[rule])
        got = build_report(spec, SEED, [rule], base)
        assert got is not None, f"the generator could not plant {rule} in a report"
        keep(spec, got[0])
        index += 1
    for rule in DEPT_RULES:
        spec = dataclasses.replace(bases[index % len(bases)][0], index=index, kind="dept_docx", rules=[rule])
        got = build_dept(spec, SEED, [rule])
        assert got is not None, f"the generator could not plant {rule} in a 部门整体 form"
        keep(spec, got[0])
        index += 1
    return files


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[Sample]:
    out = tmp_path_factory.mktemp("location-corpus")
    found = []
    for path, expected, planted in _generate(out):
        doc = read_document(path)
        sub = extract_document(doc)
        found.append(Sample(path.name, expected, planted, doc, sub, check_submission(sub, profile=profile_for(sub))))
    return found


# --- what a cell must hold ----------------------------------------------------------------------------

_EVAL = re.compile(r"^evaluations\[(\d+)\]\.?(.*)$")
_ITEM = re.compile(r"^(indicators|funds\.rows)\[(\d+)\]\.(\w+)$")
_NUMBER = re.compile(r"-?[0-9][0-9,]*(?:\.[0-9]+)?")
# The header above a field's column (indicator and money blocks) or the label left of / above its cell.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("三级指标",), "target": ("指标值", "目标值"), "actual": ("完成值",), "weight": ("分值", "权重"),
    "score": ("得分",), "deviation_reason": ("原因", "说明", "措施"), "block_weights": ("一级指标",),
    "budget_initial": ("年初预算",), "budget_full_year": ("全年预算", "调整后预算", "预算数"),
    "exec_amount": ("执行数",), "rate": ("执行率",), "reason": ("原因",), "adjust_reason": ("调整原因",),
    "project_name": ("项目名称",), "department": ("主管部门",), "impl_unit": ("实施单位",),
    "goal_planned": ("目标",), "goal_achieved": ("完成情况",), "total_score": ("总分", "合计"),
    "grade": ("等级",), "conclusion": ("结论",), "problems": ("问题",), "measures": ("措施",),
}
# A header row of the indicator block holds 三级指标; one of the money block holds 执行率.
BLOCK_HEADER = {"indicators": "三级指标", "funds": "执行率"}


def compact(text: str | None) -> str:
    return re.sub(r"\s+", "", normalise_text(text))


def blank(text: str) -> bool:
    return parse_value(text).blank


def holds(cell: str, value: Any) -> bool:
    """Whether a cell's text is the field's value as the labels have it."""
    c = compact(cell)
    if isinstance(value, dict):  # a Value: its raw text; a layout with 指标性质/度量单位 columns
        if value["blank"]:  # splits ≥95% into ≥ | 95 | %, and the finding points at the number
            return blank(c)
        raw = compact(value["raw"])
        return c == raw or (bool(c) and c in raw and parse_value(c).number == value["number"])
    if value is None:
        return blank(c)
    if isinstance(value, (int, float)):
        return any(abs(float(n.replace(",", "")) - value) < 1e-6 for n in _NUMBER.findall(c))
    return c == compact(value)


def _evaluation_table(doc: Document, ev: dict[str, Any]) -> Table:
    """The table holding an evaluation: the one with all its indicator names."""
    names = [compact(ind["name"]) for ind in ev["indicators"] if ind["name"] and not blank(ind["name"])]
    for table in doc.tables:
        text = compact("".join(c.text for row in table.rows for c in row))
        if all(n in text for n in names):
            return table
    raise AssertionError(f"no table holds the indicators {names}")


def _row_text(table: Table, row: int) -> str:
    return compact("".join(c.text for c in table.rows[row]))


def _label_words(table: Table, row: int, col: int, block: str | None) -> list[str]:
    """What names the column of (row, col): the block's header cell above it, else the nearest
    label to its left (blank and number cells skipped) and the cell right above."""
    if block is not None:
        marker = BLOCK_HEADER[block]
        header = next((r for r in range(row - 1, -1, -1) if any(marker in c.text for c in table.rows[r])), None)
        return [table.text(header, col)] if header is not None else []
    own = compact(table.text(row, col))
    left = next((t for k in range(col - 1, -1, -1)
                 if (t := compact(table.text(row, k))) and t != own and not _NUMBER.fullmatch(t)), "")
    return [left, table.text(row - 1, col) if row else ""]


def _row_belongs(table: Table, row: int, ev: dict[str, Any], block: str, k: int) -> bool:
    """The row is the k-th indicator's (by its name, or its points for a nameless row) or the
    k-th money row's (by its name)."""
    text = _row_text(table, row)
    if block == "funds.rows":
        return compact(ev["funds"]["rows"][k]["name"]) in text
    ind = ev["indicators"][k]
    if ind["name"] and not blank(ind["name"]):
        return compact(ind["name"]) in text
    cells = [compact(c.text) for c in table.rows[row]]
    return any(holds(c, ind["weight"]) for c in cells)


def problems(sample: Sample, finding: Finding) -> list[str]:
    """Why ``finding.location`` does not lead to its field's cell (empty when it does)."""
    loc, doc = finding.location, sample.document
    out = [] if loc.file == sample.name else [f"file {loc.file!r}"]
    if loc.field == "sections":
        first = next(b for b in doc.blocks if isinstance(b, Paragraph))
        if loc.paragraph != first.index or loc.page != first.page or loc.table is not None:
            out.append(f"paragraph {loc.paragraph} page {loc.page}, not the report's first paragraph {first.index}")
        return out
    m = _EVAL.match(loc.field or "")
    assert m, f"{finding.rule}: unexpected field path {loc.field!r}"
    e, rest = int(m.group(1)), m.group(2)
    ev = sample.expected["evaluations"][e]
    table = _evaluation_table(doc, ev)
    if loc.table != table.index or loc.sheet != table.sheet:
        return out + [f"table {loc.table} sheet {loc.sheet!r}, the evaluation is table {table.index} {table.sheet!r}"]
    value = resolve(sample.expected, loc.field)
    if loc.row is None or loc.col is None:
        # no cell: a whole block, or a row the file does not have
        if not (isinstance(value, (list, dict)) and "raw" not in value
                or value is None and rest == "funds.adjust_reason"):
            out.append("no cell given for a field that has one")
        elif loc.page != table.page:
            out.append(f"page {loc.page}, the table starts on page {table.page}")
        return out
    cell = table.text(loc.row, loc.col)
    if table.location(loc.row, loc.col).page != loc.page:
        out.append(f"page {loc.page}, the cell is on page {table.location(loc.row, loc.col).page}")
    if not holds(cell, value):
        out.append(f"cell r{loc.row} c{loc.col} holds {cell!r}, the field is {value!r}")
    item = _ITEM.match(rest)
    if item and not _row_belongs(table, loc.row, ev, item.group(1), int(item.group(2))):
        out.append(f"row {loc.row} ({_row_text(table, loc.row)[:30]}) is not {item.group(1)}[{item.group(2)}]")
    leaf = item.group(3) if item else rest.split(".")[-1] if not rest.startswith("block_weights.") else "block_weights"
    block = "indicators" if (item and item.group(1) == "indicators") or leaf == "block_weights" else \
        "funds" if rest.startswith("funds.") else None
    labels = _label_words(table, loc.row, loc.col, block)
    if not any(w in label for label in labels for w in HEADERS[leaf]):
        out.append(f"column {loc.col} is headed {labels}, not {HEADERS[leaf]}")
    return out


def spread(findings: list[Finding]) -> list[Finding]:
    """Each finding, and each place it speaks for as a finding of its own (the rows of a folded
    pattern, the findings merged into it): every one of them must lead to its cell."""
    out = []
    for f in findings:
        out.append(f)
        out += [dataclasses.replace(f, rule=rule, location=loc, occurrences=[]) for rule, loc in f.places()
                if loc is not f.location]
    return out


# --- the tests ---------------------------------------------------------------------------------------


def test_every_plantable_rule_is_sampled(samples: list[Sample]) -> None:
    """Each rule was planted and found at its planted field at least once, so its location is asserted below."""
    found = {f.rule for s in samples for f in spread(s.findings) if (f.rule, f.location.field) in s.planted}
    assert set(PLANTABLE) - found == set()
    # DEPT through DEPT-MISS-001; CYCLE compares a self-evaluation with its linked forms, which no
    # single file has: its locations are asserted in tests/ingest/test_cycle.py
    assert {rule.split("-", 1)[0] for rule in found} == set(FAMILIES) - {"CYCLE"}


@pytest.mark.parametrize("rule", PLANTABLE)
def test_planted_finding_points_at_its_cell(samples: list[Sample], rule: str) -> None:
    checked, wrong = 0, []
    for s in samples:
        for f in spread(s.findings):
            if f.rule == rule and (f.rule, f.location.field) in s.planted:
                checked += 1
                wrong += [f"{s.name} {f.location.field}: {p}" for p in problems(s, f)]
    assert checked, f"{rule} was not found where it was planted"
    assert not wrong, wrong


def test_every_cell_finding_points_at_its_cell(samples: list[Sample]) -> None:
    """Beyond the planted ones: every finding of any rule on these files, including the advisory
    rules the corpus does not label."""
    wrong = [f"{s.name} {f.rule} {f.location.field}: {p}" for s in samples for f in spread(s.findings)
             for p in problems(s, f)]
    assert not wrong, wrong


def test_a_wrong_cell_is_caught(samples: list[Sample]) -> None:
    """The assertions can fail: the same findings moved one column, one row, or to the wrong table fail."""
    s, f = next((s, f) for s in samples for f in spread(s.findings)
                if f.location.col is not None and f.location.field.endswith(".score"))
    for change in ({"col": f.location.col - 1}, {"row": f.location.row - 1}, {"table": f.location.table + 1}):
        moved = dataclasses.replace(f, location=dataclasses.replace(f.location, **change))
        assert problems(s, moved), change


def test_generated_files_differ_in_kind_and_layout(samples: list[Sample]) -> None:
    kinds = {s.name.split("_", 1)[1].rsplit(".", 1)[0] for s in samples}
    assert {f"{k}_{lay}" for k in TABLE_KINDS for lay in LAYOUTS} <= kinds
    assert any(len(s.expected["evaluations"]) == 2 for s in samples)
    assert any(s.document.tables and s.document.tables[0].last_page for s in samples)
