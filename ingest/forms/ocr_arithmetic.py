"""A scan's doubtful figures judged by the form's own arithmetic.

OCR scores its readings; a figure read below :data:`~ingest.readers.ocr.confidence.DOUBT_SCORE`
would make the scan 待核实. But a form checks itself: the 得分 add up to the 总分, a 得分 is at
most its 分值, the 分值 add up to 100, 执行率 = 执行数 ÷ 预算数, the funds' total row is the sum
of its source rows, and a 率 indicator's percentage is at most 100%. So each doubtful figure is

* **confirmed** when an equation it takes part in holds with it, every other figure of the
  equation being read with confidence (a lone "0" scored 0.6 that makes Σ得分 = 总分 is a 0);
* **corrected** when the equation fails, no other figure in it is in doubt, the one value that
  makes it hold is a one-glyph misreading of the cell (a digit changed, added or dropped, or a
  ``≥`` read as ``2``) and that value breaks no other check — exactly one reading fits;
* **confirmed by a tie** when no check fails and the form ties the figure to another figure read
  with confidence that says the same (:func:`_tie`): a 0 执行率 beside a 0 执行数 (0 ÷ any 预算数
  is 0, and a 0 执行数 is all a 0 执行率 allows), a 全年预算数 equal to its row's 年初预算数, an
  indicator's 指标值 equal to its 实际完成值 on a row scored full marks (the form says the target
  was reached, and it reads as the figure reached);
* otherwise left **doubtful**, with the reason a reviewer needs (which cell, which check).

A doubtful cell the record reads no figure from (a "0" in the 偏差原因 column, a text field) is
no doubt about the record's figures: it is passed over.

The checks never guess: a figure no equation covers stays doubtful.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.checker.helpers.indicators import is_rate_name
from assistant.checker.helpers.totals import score_sums
from assistant.model import Evaluation, FundRow, Indicator, IndicatorGroup, Location, Submission, Value
from assistant.numbers import exact
from assistant.values import parse_value
from ingest.document import Cell, Table
from ingest.readers.ocr.confidence import glued_letter

__all__ = ["Judged", "judge_doubtful"]

_TOL = 0.011  # scores and amounts are written with at most two decimals
_RATE_TOL = 0.6  # percentage points: a rate is written rounded (often to a whole percent)
FULL_MARKS = 100.0
# The fields that hold a figure; the rest (names, 偏差原因, 评分标准) are text, where a digit read
# unsure changes no figure of the record.
_FIGURES = frozenset({"score", "weight", "total_score", "rate", "budget_initial", "budget_full_year", "exec_amount",
                      "target", "actual", "year"})
_BOUNDS = ("within", "percent")  # checks that bound a figure but cannot confirm its digits


@dataclass
class Judged:
    """What the arithmetic made of the scan's doubtful cells."""

    confirmed: list[Cell] = field(default_factory=list)
    corrected: list[tuple[Cell, str, str]] = field(default_factory=list)  # cell, new text, why
    doubtful: list[tuple[Cell, str]] = field(default_factory=list)  # cell, why it stays doubtful
    unused: list[Cell] = field(default_factory=list)  # cells no field of the record is read from


@dataclass
class _Slot:
    """One field a cell feeds: the object that holds it and the field's name."""

    ev: Evaluation
    owner: object
    name: str


def _key(loc: Location) -> tuple[int | None, int | None, int | None]:
    return (loc.table, loc.row, loc.col)


def _slots(sub: Submission) -> dict[tuple[int | None, int | None, int | None], list[_Slot]]:
    out: dict[tuple[int | None, int | None, int | None], list[_Slot]] = {}
    for ev in sub.evaluations:
        owners: list[object] = [ev, ev.funds, *ev.funds.rows, *ev.indicators, *ev.groups]
        for owner in owners:
            for name, loc in owner.cells.items():  # type: ignore[attr-defined]
                out.setdefault(_key(loc), []).append(_Slot(ev, owner, name))
    return out


def _near(a: float | None, b: float | None, tol: float = _TOL) -> bool:
    return a is not None and b is not None and abs(a - b) <= tol


# ---------------------------------------------------------------- the equations


def _score_rows(ev: Evaluation) -> list[Indicator | IndicatorGroup]:
    from assistant.checker.helpers.groups import scored_rows

    return scored_rows(ev)


# Each check says True (holds), False (fails) or None (the form lacks what it needs: no total, a
# blank score, no funds rows): a check that cannot be made neither confirms nor contradicts.

def _unscored(ev: Evaluation) -> bool:
    """A row with 分值 but no 得分: the sum cannot be made (an empty template row, neither
    分值 nor 得分, adds nothing)."""
    return any(row.weight is not None for row in score_sums(ev).blanks)


def _scores_add_up(ev: Evaluation) -> bool | None:
    if _unscored(ev) or ev.total_score is None:
        return None
    return _near(score_sums(ev).filled, ev.total_score)


def _weights_add_up(ev: Evaluation) -> bool | None:
    if any(r.weight is None for r in _score_rows(ev)):
        return None
    return _near(score_sums(ev).weights, FULL_MARKS)


def _within_weight(owner: object) -> bool | None:
    score, weight = getattr(owner, "score", None), getattr(owner, "weight", None)
    return None if score is None or weight is None else score <= weight + _TOL


def _rate_holds(ev: Evaluation) -> bool | None:
    funds = ev.funds
    total = funds.total or (funds.rows[0] if funds.rows else None)
    rate = funds.rate.number if funds.rate.unit == "%" else None
    if total is None or rate is None or total.exec_amount is None:
        return None
    base = getattr(total, funds.denominator, None) or total.budget_full_year or total.budget_initial
    return _near(total.exec_amount / base * 100, rate, _RATE_TOL) if base else None


def _column_adds_up(ev: Evaluation, column: str) -> bool | None:
    """The funds' total row is the sum of its source rows in ``column``."""
    total = ev.funds.total
    sources = [r for r in ev.funds.rows if r is not total]
    values = [getattr(r, column) for r in sources]
    if total is None or not sources or getattr(total, column) is None or None in values:
        return None
    return _near(sum(values), getattr(total, column))


# A 率 can pass 100% when it compares with a plan or a past year (完成率 105%, 执行率 102.59%,
# 增长率); a share of a whole (满意度, 知晓率, 覆盖率, 合格率) cannot.
_MAY_PASS_100 = ("增长", "增幅", "增速", "完成率", "执行率", "完成比例")


def _is_share(name: str | None) -> bool:
    text = name or ""
    return (is_rate_name(text) or "满意度" in text) and not any(w in text for w in _MAY_PASS_100)


def _equations(slot: _Slot) -> list[str]:
    """The checks (by name) that cover a field; each holds or fails as the form now reads."""
    owner, name = slot.owner, slot.name
    if isinstance(owner, (Indicator, IndicatorGroup)) and name in ("score", "weight"):
        return ["scores", "within"] if name == "score" else ["weights", "within"]
    if owner is slot.ev and name == "total_score":
        return ["scores"]
    if owner is slot.ev.funds:
        if name == "rate":
            return ["rate"]
        if name in ("score", "weight"):
            return ["scores", "within"] if name == "score" else ["weights", "within"]
    if isinstance(owner, FundRow) and name in ("budget_initial", "budget_full_year", "exec_amount"):
        checks = [f"column:{name}"]
        return checks + (["rate"] if owner is slot.ev.funds.total and name != "budget_initial" else [])
    if isinstance(owner, Indicator) and name in ("target", "actual") and _is_share(owner.name):
        return ["percent"]
    return []


def _holds(check: str, slot: _Slot) -> bool | None:
    ev = slot.ev
    if check == "scores":
        return _scores_add_up(ev)
    if check == "weights":
        return _weights_add_up(ev)
    if check == "within":
        return _within_weight(slot.owner)
    if check == "rate":
        return _rate_holds(ev)
    if check.startswith("column:"):
        return _column_adds_up(ev, check.partition(":")[2])
    if check == "percent":
        value = getattr(slot.owner, slot.name)
        return value.number <= 100 if value.unit == "%" and value.number is not None else None
    raise ValueError(check)


# ---------------------------------------------------------------- ties to a figure read with confidence

Keys = set[tuple[int | None, int | None, int | None]]


def _sure(owner: object, name: str, doubted: Keys) -> bool:
    """The field was read from a cell OCR was sure of (not itself in doubt)."""
    loc = owner.cells.get(name)  # type: ignore[attr-defined]
    return loc is not None and _key(loc) not in doubted


def _zero(value: object) -> bool:
    number = value.number if isinstance(value, Value) else value
    return number is not None and abs(number) <= _TOL  # type: ignore[operator]


def _same(a: Value, b: Value) -> bool:
    return a.number is not None and a.number == b.number and (a.unit or None) == (b.unit or None)


def _tie(slot: _Slot, doubted: Keys) -> bool:
    """The form ties the field to another figure, read with confidence, that says the same."""
    ev, owner, name = slot.ev, slot.owner, slot.name
    funds = ev.funds
    total = funds.total or (funds.rows[0] if funds.rows else None)
    if owner is funds and name == "rate":  # 执行率 = 执行数 ÷ 预算数: a 0 执行数 makes it 0
        return (_zero(funds.rate) and funds.rate.unit in ("%", None) and total is not None
                and _zero(total.exec_amount) and _sure(total, "exec_amount", doubted))
    if isinstance(owner, FundRow) and name == "exec_amount" and owner is total:  # and a 0 执行率 a 0 执行数
        return _zero(owner.exec_amount) and _zero(funds.rate) and _sure(funds, "rate", doubted)
    if isinstance(owner, FundRow) and name in ("budget_initial", "budget_full_year"):
        other = "budget_full_year" if name == "budget_initial" else "budget_initial"
        mine, theirs = getattr(owner, name), getattr(owner, other)
        return mine is not None and mine == theirs and _sure(owner, other, doubted)
    if isinstance(owner, Indicator) and name == "target":
        # Full marks says the target was reached; a 指标值 read as exactly the sure 实际完成值 is
        # one the form bears out (a "≥16" read "≥10" would not have scored full marks beside 10).
        # Not the other way round: a 实际完成值 above a "≥" target scores full marks too, so an
        # unsure 实际完成值 that happens to read as the target is not borne out.
        full = (owner.score is not None and owner.weight is not None and abs(owner.score - owner.weight) <= _TOL
                and _sure(owner, "score", doubted) and _sure(owner, "weight", doubted))
        return (full and owner.target.op in (None, ">=", "=") and _same(owner.target, owner.actual)
                and _sure(owner, "actual", doubted))
    return False


# ---------------------------------------------------------------- readings one glyph away


def _one_glyph_apart(a: str, b: str) -> bool:
    """Edit distance exactly one (a glyph changed, added or dropped)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


_LEADING_TWO = re.compile(r"2([1-9]\d?(?:\.\d+)?%|100%)")


def _candidates(slot: _Slot, text: str) -> list[tuple[str, object]]:
    """(text, parsed value) readings of ``text`` one misread glyph away that would make every
    check of the field hold; the value is what the field would hold."""
    owner, name = slot.owner, slot.name
    old = getattr(owner, name)
    found: list[tuple[str, object]] = []
    if name in ("target", "actual"):
        m = _LEADING_TWO.fullmatch(text.strip())
        if m:  # ≥ read as 2: 295% → ≥95%
            found.append((f"≥{m.group(1)}", parse_value(f"≥{m.group(1)}")))
        return [c for c in found if _fits(slot, c[1], old)]
    wanted = _solve(slot)
    if wanted is None:
        return []
    written = exact(wanted)
    digits = text.replace(",", "").replace("%", "").strip()
    if written is None or not _one_glyph_apart(digits, written) or _outlier(slot, wanted):
        return []
    new_value = parse_value(f"{written}%") if name == "rate" else wanted
    return [(written + ("%" if name == "rate" else ""), new_value)] if _fits(slot, new_value, old) else []


def _outlier(slot: _Slot, wanted: float) -> bool:
    """A row's 分值 or 得分 that the correction would make bigger than every other row's. Measured
    on a real 部门整体 form whose indicator 分值 add up to 20, not 100 (3, 3, 3, 4, 2, 5): a doubtful
    "3" is one glyph from the 83 that would make them 100, and that is no misreading."""
    if not isinstance(slot.owner, (Indicator, IndicatorGroup)) or slot.name not in ("weight", "score"):
        return False
    peers = [getattr(r, slot.name) for r in _score_rows(slot.ev) if r is not slot.owner]
    peers = [p for p in peers if p is not None]
    return bool(peers) and wanted > max(peers) + _TOL


def _fits(slot: _Slot, value: object, old: object) -> bool:
    setattr(slot.owner, slot.name, value)
    try:
        return not any(_holds(check, slot) is False for check in _equations(slot))
    finally:
        setattr(slot.owner, slot.name, old)


def _solve(slot: _Slot) -> float | None:
    """The one value of the field that makes its first equation hold, others as read."""
    ev, owner, name = slot.ev, slot.owner, slot.name
    old = getattr(owner, name)
    if name == "score" or (owner is ev and name == "total_score"):
        if ev.total_score is None:
            return None
        sums = score_sums(ev)
        if _unscored(ev):
            return None
        if owner is ev:
            return round(sums.filled, 2)
        return round(ev.total_score - (sums.filled - (old or 0.0)), 2)
    if name == "weight":
        sums = score_sums(ev)
        return round(FULL_MARKS - (sums.weights - (old or 0.0)), 2)
    if name == "rate":
        total = ev.funds.total or (ev.funds.rows[0] if ev.funds.rows else None)
        base = total and (getattr(total, ev.funds.denominator, None) or total.budget_full_year)
        if not total or not base or total.exec_amount is None:
            return None
        return round(total.exec_amount / base * 100, 2)
    if isinstance(owner, FundRow):
        total = ev.funds.total
        sources = [r for r in ev.funds.rows if r is not total]
        if owner is total:
            values = [getattr(r, name) for r in sources]
            return None if not sources or None in values else round(sum(values), 2)
        others = [getattr(r, name) for r in sources if r is not owner]
        if total is None or getattr(total, name) is None or None in others:
            return None
        return round(getattr(total, name) - sum(others), 2)
    return None


# ---------------------------------------------------------------- the judgement


def _place(cell: Cell, table: Table) -> str:
    return f"{'第' + str(cell.page) + '页' if cell.page else ''}表{table.index + 1}第{cell.row + 1}行第{cell.col + 1}列"


_CHECK_TERMS = {"scores": "各项得分之和与总分不符", "weights": "各项分值之和不是 100", "within": "得分高于分值",
                "rate": "执行率与执行数÷预算数不符", "percent": "百分率超过 100%"}


def _why(check: str) -> str:
    return "资金合计行与各来源之和不符" if check.startswith("column:") else _CHECK_TERMS[check]


def judge_doubtful(sub: Submission, tables: list[Table], cells: list[Cell]) -> Judged:
    """Confirm, correct or keep each doubtful ``cell`` (see the module docstring); corrections are
    written into ``sub`` (the field) and the cell's text is left as OCR read it."""
    by_id = {id(c): t for t in tables for row in t.rows for c in row}
    slots = _slots(sub)
    keys = [(by_id[id(c)].index, c.row, c.col) for c in cells]
    doubted = set(keys)
    judged = Judged()
    for cell, key in zip(cells, keys, strict=True):
        fed = [slot for slot in slots.get(key, []) if slot.name in _FIGURES]
        if not fed:  # a cell the record reads no figure from (a "0" in 偏差原因) cannot make one wrong
            judged.unused.append(cell)
            continue
        made = [(slot, check, _holds(check, slot)) for slot in fed for check in _equations(slot)]
        failing = [(slot, check) for slot, check, ok in made if ok is False]
        # A bound (得分 ≤ 分值, a rate ≤ 100%) rules readings out but proves no digit right: a
        # figure is confirmed only by an equation that holds with it.
        if not failing and any(ok and check not in _BOUNDS for _, check, ok in made):
            judged.confirmed.append(cell)
            continue
        if not failing and all(_tie(slot, doubted) for slot in fed):
            judged.confirmed.append(cell)
            continue
        # Corrected only when no other doubtful figure sits in the same form: with two unknowns
        # more than one reading fits.
        alone = not any(k != key and any(s.ev is slot.ev for s in slots.get(k, []) for slot in fed) for k in keys)
        by_type = all(check == "percent" for _, check in failing)  # the column's type, not the others' figures
        if failing and (alone or by_type) and len(fed) == 1:
            found = _candidates(fed[0], cell.text)
            if len(found) == 1:
                text, value = found[0]
                setattr(fed[0].owner, fed[0].name, value)
                judged.corrected.append((cell, text, _why(failing[0][1])))
                continue
        if failing:
            why = _why(failing[0][1]) + ("" if alone else "，同表另有存疑数字，无法单独更正")
        elif letter := glued_letter(cell.text):
            why = f"数字前多出字母“{letter}”，疑为符号误读"
        else:
            why = "表内无可核对的算术关系"
        judged.doubtful.append((cell, why))
    return judged
