"""Numbers and units: how a figure is written, converted and banded, in one place.

Reading a cell (``≥95%``, ``1，234.5万元``) is :mod:`assistant.values`; this module is what comes
after: writing a number back as text, converting money between 元/千元/万元/亿元, and the few
domain tables every part shows numbers with (fund source categories, grade and execution-rate
bands). Chunks, findings, drafts, statistics, the API and the exports all write numbers through
it, so a figure reads the same everywhere.

Three ways to write a number, each for one purpose:

* :func:`exact` — a value read from a form, as written: ``387664.62`` stays ``387664.62``,
  ``1234567.5`` stays ``1234567.5`` (never ``1.23457e+06`` or ``387665``); ``float(exact(x)) == x``.
* :func:`rounded` — a computed figure (a ratio, a mean) rounded half-up to ``places`` decimals,
  trailing zeros dropped: ``55.5555`` → ``55.56``, ``40.0`` → ``40``.
* :func:`fixed` — a recomputed score, always two decimals (``16.00``) so it reads as a result.

Standard library only: the drafts' number guard and the value parser import it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

__all__ = [
    "EXEC_BANDS", "FUND_CATEGORIES", "GRADE_BANDS", "MONEY_UNITS", "Band", "canonical", "exact", "exec_band",
    "fixed", "grade_of", "in_unit", "money_unit", "rounded", "to_wan",
]

# --- writing numbers -----------------------------------------------------------------------------


def canonical(token: str) -> str | None:
    """A numeral in its plain decimal form: ``1,236.50`` → ``1236.5``, ``007`` → ``7``,
    ``40.0`` → ``40``, ``1e+16`` → ``10000000000000000``. None when ``token`` is not a number.

    Two numerals are the same number exactly when their canonical forms are equal (the drafts'
    number guard compares numbers this way)."""
    try:
        d = Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-").lstrip("0") or "0"
    if text.startswith("."):
        text = "0" + text
    return "0" if text == "0" else sign + text


def exact(x: float | int | None) -> str | None:
    """A value as it was written: the shortest decimal that reads back as the same float, never
    in exponent notation and without trailing zeros. None for None.

    ``387664.62`` → ``387664.62``; ``1234567.5`` → ``1234567.5``; ``20.0`` → ``20``.
    """
    if x is None:
        return None
    return canonical(repr(float(x)) if isinstance(x, float) else str(int(x)))


def _half_up(x: float | int, places: int) -> Decimal | None:
    """``x`` rounded half-up to ``places`` decimals, None for NaN and ∞. The context is as precise as
    the figure needs: the default 28 digits raised InvalidOperation on a cell like 1e26 元."""
    d = Decimal(repr(float(x)))
    if not d.is_finite():
        return None
    return d.quantize(Decimal(1).scaleb(-places),
                      context=Context(prec=max(28, d.adjusted() + places + 2), rounding=ROUND_HALF_UP))


def rounded(x: float | int | None, places: int = 2, *, empty: str = "—") -> str:
    """A computed figure rounded half-up to ``places`` decimals, trailing zeros dropped:
    ``1236.50`` → ``1236.5``, ``55.5555`` → ``55.56``; ``empty`` for None."""
    q = None if x is None else _half_up(x, places)
    if q is None:
        return empty
    return canonical(format(q, "f")) or "0"


def fixed(x: float, places: int = 2) -> str:
    """A recomputed result with its decimals always shown: ``16.00``, ``80.45``; ``—`` for NaN or ∞."""
    q = _half_up(x, places)
    if q is None:
        return "—"
    text = format(q, "f")
    return text[1:] if text.startswith("-") and not q else text


# --- money ---------------------------------------------------------------------------------------

# 元 per unit: exact integers, so a conversion divides or multiplies once by an exact factor.
MONEY_UNITS: dict[str, int] = {"元": 1, "千元": 1_000, "万元": 10_000, "百万元": 1_000_000, "亿元": 100_000_000}


def money_unit(word: str | None) -> str | None:
    """The money unit a word names (``万`` → ``万元``, ``亿元`` → ``亿元``), None when it names none."""
    if not word:
        return None
    word = word.strip()
    unit = word if word.endswith("元") else word + "元"
    return unit if unit in MONEY_UNITS else None


def in_unit(number: float | None, unit: str | None, target: str) -> float | None:
    """A money number in ``unit`` expressed in ``target`` (元/千元/万元/百万元/亿元); None when
    ``number`` is None or either unit is not a money unit.

    One exact integer factor, divided or multiplied: 1234.56 元 gives 0.123456 万元 and 1.5 亿元
    gives 15000 万元 without the noise of multiplying by 1e-4."""
    if number is None or unit not in MONEY_UNITS or target not in MONEY_UNITS:
        return None
    have, want = MONEY_UNITS[unit], MONEY_UNITS[target]
    return number * (have // want) if have >= want else number / (want // have)


def to_wan(number: float | None, unit: str | None) -> float | None:
    """A money number in 万元, the unit of the funds block (see :func:`in_unit`)."""
    return in_unit(number, unit, "万元")


# --- fund source categories ----------------------------------------------------------------------

# FundRow.category → the row's name on the national and provincial forms (资金来源明细).
FUND_CATEGORIES: dict[str, str] = {
    "current_fiscal": "当年财政拨款", "carryover": "上年结转资金", "special": "财政专户管理资金",
    "unit_funds": "单位资金", "other": "其他资金",
}

# --- bands ---------------------------------------------------------------------------------------

Band = tuple[str, float, float | None, str]  # (name, low inclusive, high exclusive or None, label)

# 10号 N8 grades by total score; the national profile's grade_bands say the same (a test checks).
GRADE_BANDS: tuple[Band, ...] = (
    ("优", 90.0, None, "总分90分（含）以上"), ("良", 80.0, 90.0, "总分80分（含）至90分"),
    ("中", 60.0, 80.0, "总分60分（含）至80分"), ("差", float("-inf"), 60.0, "总分低于60分"),
)
# Execution rate bands of the annual report; 99.995 is 100% as written with two decimals.
EXEC_BANDS: tuple[Band, ...] = (
    ("full", 99.995, None, "执行率达到100%"), ("90", 90.0, 99.995, "执行率90%（含）至100%"),
    ("80", 80.0, 90.0, "执行率80%（含）至90%"), ("low", float("-inf"), 80.0, "执行率低于80%"),
)


def grade_of(total: float | None) -> str | None:
    """The N8 grade of a total score (优/良/中/差), None without a total (or a NaN one)."""
    if total is None or total != total:
        return None
    return next(name for name, low, _high, _ in GRADE_BANDS if total >= low - 1e-9)


def exec_band(rate: float | None) -> str | None:
    """The execution-rate band of a rate in percent (``full``/``90``/``80``/``low``); None without one."""
    if rate is None or rate != rate:
        return None
    return next(name for name, low, _high, _ in EXEC_BANDS if rate >= low)
