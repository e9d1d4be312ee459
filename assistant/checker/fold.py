"""One finding per defect: the checker's last step folds what the rules raised row by row.

Rules look at one row at a time, so one defect of a table comes out many times. Two folds, in
this order, both deterministic (they depend only on the findings, in the checker's order):

1. **Same row, same fix.** A general finding on an indicator row that already has a more specific
   finding asking for the same fix is merged into the specific one and kept as an
   :class:`~assistant.model.Occurrence` (its supporting evidence). Which rule is more specific than
   which is data: ``fold.yaml``, a list of (specific, general) pairs with the reason for each.
2. **Same pattern over a table.** Findings of the same rule on rows of the same table whose
   messages differ only by the row (its number and the texts quoted from it: the name, the cell,
   the column's name) are one table-level finding — a form without 分值 and 得分 columns is one
   finding, not two per row. Its message says how many rows (and which columns) and names a few,
   its ``occurrences`` list every cell with its evidence. A pattern on one row only is left as the
   rule raised it.

A folded finding is about the whole block (field ``evaluations[0].indicators``, located at the
evaluation's table as the checker locates a block) and its id hashes the submission, the rule, that
field and the message pattern: the same table re-checked gives the same id; unfolded findings
keep the checker's ids.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from assistant.checker.context import evaluation_cells
from assistant.glossary import term
from assistant.model import SEVERITY_ORDER, Finding, Location, Occurrence, Submission

PRECEDENCE_FILE = Path(__file__).with_name("fold.yaml")
NAMED = 3  # rows named in a folded finding's message; the occurrences list them all

# evaluations[0].indicators[3].score → ("evaluations[0]", "indicators", 3, "score")
_ROW_FIELD = re.compile(r"^(evaluations\[\d+\])\.(indicators|funds\.rows)\[(\d+)\]\.(\w+)$")
_EV_INDEX = re.compile(r"^evaluations\[(\d+)\]$")
_ROW_NUMBER = re.compile(r"第\d+(项|行)")
_ROWS_WORD = {"indicators": "项指标", "funds.rows": "行资金"}


@dataclass(frozen=True)
class Precedence:
    """``general`` on a row that has ``specific`` (about ``specific_field`` when given) merges into it."""

    specific: str
    general: str
    why: str
    specific_field: str | None = None


@cache
def precedence() -> tuple[Precedence, ...]:
    data = yaml.safe_load(PRECEDENCE_FILE.read_text(encoding="utf-8")) or []
    return tuple(Precedence(**item) for item in data)


def fold(findings: Sequence[Finding], sub: Submission) -> list[Finding]:
    """The findings of ``sub`` with each defect once (see the module docstring)."""
    return fold_patterns(merge_same_row(findings), sub)


@dataclass(frozen=True)
class _Place:
    evaluation: str  # "evaluations[0]"
    table: str  # "indicators" or "funds.rows"
    row: int
    attr: str  # the cell of the row: "score", "target", …


def _place(f: Finding) -> _Place | None:
    m = _ROW_FIELD.match(f.location.field or "")
    return _Place(m.group(1), m.group(2), int(m.group(3)), m.group(4)) if m else None


def _supporting(f: Finding) -> list[Occurrence]:
    """``f`` and what was merged into it, as occurrences of another rule's finding."""
    own = Occurrence(location=f.location, evidence=f.evidence, message=f.message, rule=f.rule)
    return [own] + [dataclasses.replace(o, rule=o.rule or f.rule) for o in f.occurrences]


def merge_same_row(findings: Sequence[Finding]) -> list[Finding]:
    """Fold 1: a general finding merged into the specific finding on its row."""
    out = [dataclasses.replace(f, occurrences=list(f.occurrences)) for f in findings]
    gone: set[int] = set()
    for rule in precedence():
        specific: dict[tuple[str, str, int], int] = {}
        for k, f in enumerate(out):
            place = _place(f)
            if (k not in gone and place and f.rule == rule.specific
                    and rule.specific_field in (None, place.attr)):
                specific.setdefault((place.evaluation, place.table, place.row), k)
        for k, f in enumerate(out):
            place = _place(f)
            if k in gone or place is None or f.rule != rule.general:
                continue
            target = specific.get((place.evaluation, place.table, place.row))
            if target is None:
                continue
            kept = out[target]
            kept.occurrences.extend(_supporting(f))
            if SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[kept.severity]:
                kept.severity = f.severity
            gone.add(k)
    return [f for k, f in enumerate(out) if k not in gone]


def pattern(message: str) -> str:
    """A message without what belongs to its row: quoted texts and the row number."""
    return _ROW_NUMBER.sub(r"第…\1", _unquoted(message))


def _unquoted(text: str) -> str:
    """``text`` with each outermost “…” span emptied; quotes nest, as in a name quoting a policy
    (“对推动“四项制度”落实的影响”), so a regular expression would cut the name in two."""
    out, depth = [], 0
    for ch in text:
        if ch == "“":
            if depth == 0:
                out.append("“…”")
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def fold_patterns(findings: Sequence[Finding], sub: Submission) -> list[Finding]:
    """Fold 2: findings of one pattern over a table become one finding listing the rows."""
    groups: dict[tuple, list[Finding]] = {}
    keys: list[tuple | None] = []
    for f in findings:
        place = _place(f)
        key = None if place is None else (f.rule, f.severity, place.evaluation, place.table, pattern(f.message))
        keys.append(key)
        if key is not None:
            groups.setdefault(key, []).append(f)
    out: list[Finding] = []
    for f, key in zip(findings, keys, strict=True):
        if key is None or len({_place(g).row for g in groups[key]}) < 2:  # type: ignore[union-attr]
            out.append(f)
        elif groups[key][0] is f:  # the folded finding takes the place of the group's first row
            out.append(_folded(groups[key], key, sub))
    return out


def _evaluation_index(sub: Submission, evaluation: str) -> int | None:
    m = _EV_INDEX.match(evaluation)
    i = int(m.group(1)) if m else -1
    return i if 0 <= i < len(sub.evaluations) else None


def _rows_in(sub: Submission, evaluation: str, table: str) -> list:
    i = _evaluation_index(sub, evaluation)
    if i is None:
        return []
    ev = sub.evaluations[i]
    return ev.indicators if table == "indicators" else ev.funds.rows


def _block_location(sub: Submission, evaluation: str, field: str, first: Location) -> Location:
    """Where a whole block is: the evaluation's table, as :meth:`CheckContext.locate` places it."""
    i = _evaluation_index(sub, evaluation)
    cells = evaluation_cells(sub.evaluations[i], i) if i is not None else {}
    anchor = next(iter(cells.values()), first)
    return Location(file=anchor.file or first.file or sub.file.name or None, page=anchor.page,
                    table=anchor.table, sheet=anchor.sheet, field=field)


def _folded(members: list[Finding], key: tuple, sub: Submission) -> Finding:
    rule, severity, evaluation, table, template = key
    first = members[0]
    rows = _rows_in(sub, evaluation, table)
    places = [p for p in map(_place, members) if p is not None]
    row_numbers = list(dict.fromkeys(p.row for p in places))  # each row once, in the checker's order
    attrs = list(dict.fromkeys(p.attr for p in places))
    names = [(rows[r].name or "").strip() for r in row_numbers if r < len(rows)]
    n = len(row_numbers)
    count = f"全部 {n} {_ROWS_WORD[table]}" if n == len(rows) else f"{n} {_ROWS_WORD[table]}"
    if rows and n < len(rows):
        count += f"（共 {len(rows)} 项）"
    columns = f"的{'、'.join(term(a) for a in attrs)}" if len(attrs) > 1 else ""
    named = "".join(f"“{name}”" for name in names[:NAMED] if name) + ("等" if n > NAMED else "")
    message = f"{count}{columns}同一问题" + (f"（{named}）" if named else "") + f"，如：{first.message}"
    field = f"{evaluation}.{table}"
    location = _block_location(sub, evaluation, field, first.location)
    occurrences: list[Occurrence] = []
    for f in members:
        occurrences.append(Occurrence(location=f.location, evidence=f.evidence, message=f.message))
        occurrences.extend(f.occurrences)
    key_text = f"{sub.id}|{rule}|{field}|{template}"  # as the checker keys a finding, plus the pattern
    return Finding(rule=rule, severity=severity, message=message, location=location, evidence=first.evidence,
                   suggestion=first.suggestion, source=first.source, submission_id=first.submission_id,
                   id=hashlib.sha1(key_text.encode("utf-8")).hexdigest()[:16], occurrences=occurrences)


def unfold(findings: Sequence[Finding]) -> list[Finding]:
    """The one-cell findings the rules raised, back from folded ones: a finding per row of a pattern
    and per finding merged into another (with the severity of the finding that holds it). For
    whoever asks where each rule fired — the evaluation matching planted defects, the tests."""
    out = []
    for f in findings:
        own = [o for o in f.occurrences if o.rule is None]
        base = dataclasses.replace(f, occurrences=[])
        if not own:
            out.append(base)
        out += [dataclasses.replace(base, rule=o.rule or f.rule, location=o.location, evidence=o.evidence,
                                    message=o.message or f.message, id=None)
                for o in f.occurrences]
    return out
