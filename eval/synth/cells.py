"""What each cell of a draft shows: the one place numbers and values become text.

Both the grids (:mod:`eval.synth.layouts`) and the labels (:mod:`eval.synth.expected`) read
their texts from here, so a label is always the parse of exactly what the file shows.

A per-file :class:`Style` adds the messiness of real tables: full-width digits, ≧ / ＝ / ═,
thousands separators, notes in brackets, blank vs ``—`` cells. A messy variant is used only
when :func:`assistant.values.parse_value` reads it the same as the plain text, so messiness
tests the extractor, never the truth of the label.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from assistant.values import parse_amount, parse_number, parse_value
from eval.synth.draft import Draft, FundLine, FundsDraft, Ind

GRADING = "（达成/部分达成/未达成）"
OPS = {"pos": "≥", "rev": "≤", "eq": "="}
GLYPHS = {"≥": ("≧",), "≤": ("≦",), "=": ("＝", "═")}
_FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


@dataclass
class Style:
    amount: str = "plain"  # plain | thousands | fullwidth
    score_fmt: str = "2f"  # 2f → 16.00, g → 16
    sub_blank: str = "—"  # 分值/执行率/得分 cells of the 其中 rows
    glyphs: frozenset[int] = frozenset()  # indicators written with ≧ ≦ ＝ ═
    fullwidth: frozenset[int] = frozenset()  # indicators written with full-width digits
    thousands: bool = False  # numbers ≥ 1000 in targets/actuals with separators
    notes: frozenset[int] = frozenset()  # indicators whose % target carries （抽样）
    grade_label: str = "评价等级"
    xlsx_text_amounts: bool = False  # xlsx: amounts as text ("1,234.50") instead of numbers


def choose_style(rng: random.Random, n_inds: int, *, plain: bool = False) -> Style:
    """A seeded style; ``plain`` (scans) keeps every cell in its plain form."""
    if plain:
        return Style(amount=rng.choice(("plain", "thousands")), score_fmt=rng.choice(("2f", "g")))
    messy = rng.random() < 0.6
    pick = (lambda k: frozenset(rng.sample(range(n_inds), min(k, n_inds)))) if messy else (lambda k: frozenset())
    return Style(
        amount=rng.choices(("plain", "thousands", "fullwidth"), (5, 4, 1))[0],
        score_fmt=rng.choice(("2f", "g")),
        sub_blank=rng.choice(("—", "", "/")),
        glyphs=pick(rng.randint(1, 3)),
        fullwidth=pick(rng.randint(1, 2)),
        thousands=rng.random() < 0.5,
        notes=pick(2),
        grade_label=rng.choice(("评价等级", "自评等级")),
        xlsx_text_amounts=rng.random() < 0.3,
    )


# --- numbers ---------------------------------------------------------------------------------------


def number(x: float, decimals: int, *, thousands: bool = False, fullwidth: bool = False) -> str:
    text = f"{x:,.{decimals}f}" if thousands and abs(x) >= 1000 else f"{x:.{decimals}f}"
    return text.translate(_FULL) if fullwidth else text


def compact(x: float) -> str:
    """16.0 → 16, 16.50 → 16.5."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def score_text(x: float | None, style: Style) -> str:
    if x is None:
        return ""
    return f"{x:.2f}" if style.score_fmt == "2f" else compact(x)


def amount_text(cents: int | None, style: Style, zero: str = "0.00") -> str:
    if cents is None:
        return ""
    if cents == 0:
        return zero
    value = cents / 100
    if style.amount == "fullwidth":
        return number(value, 2, fullwidth=True)
    return number(value, 2, thousands=style.amount == "thousands")


def _same_parse(messy: str, plain: str) -> bool:
    a, b = parse_value(messy), parse_value(plain)
    return (a.op, a.number, a.unit, a.qualitative) == (b.op, b.number, b.unit, b.qualitative)


# --- indicator cells -------------------------------------------------------------------------------


def op_of(ind: Ind) -> str:
    return ind.op if ind.op is not None else OPS.get(ind.kind, "")


def _num(ind: Ind, x: float, i: int, style: Style, messy: bool) -> str:
    return number(x, ind.shown_decimals(x), thousands=messy and style.thousands,
                  fullwidth=messy and i in style.fullwidth)


def target_cells(ind: Ind, i: int, layout: str, style: Style) -> dict[str, str]:
    """``{"target": …}``, plus ``nature`` and ``unit`` in the Sichuan layout."""
    sichuan = layout == "sichuan"
    if ind.kind == "qual":
        out = {"target": f"{ind.statement}{'' if ind.fixed else GRADING}", "nature": "定性", "unit": ""}
    elif ind.kind == "date":
        out = {"target": ind.statement or "", "nature": "定性", "unit": ""}
    else:
        op = op_of(ind)
        glyph = op
        if i in style.glyphs and op in GLYPHS:
            glyph = GLYPHS[op][i % len(GLYPHS[op])]
        note = ind.note or ("（抽样）" if i in style.notes and ind.unit == "%" else "")
        unit = ind.unit or ""
        plain_num = _num(ind, ind.target or 0.0, i, style, False)
        messy_num = _num(ind, ind.target or 0.0, i, style, True)
        if sichuan:
            out = {"nature": op, "target": messy_num, "unit": unit}
            if not _same_parse(fold(messy_num, op, unit), fold(plain_num, op, unit)):
                out["target"] = plain_num
        else:
            plain = f"{op}{plain_num}{unit}{note}"
            messy = f"{glyph}{messy_num}{unit}{note}"
            out = {"target": messy if _same_parse(messy, plain) else plain}
    if not sichuan:
        out = {"target": out["target"]}
    out.update({k: v for k, v in ind.cells.items() if k in ("target", "nature", "unit")})
    return out


def actual_cell(ind: Ind, i: int, layout: str, style: Style) -> str:
    if "actual" in ind.cells:
        return ind.cells["actual"]
    if ind.kind in ("qual", "date"):
        return ind.result or ""
    if ind.actual is None:
        return ""
    plain_num = _num(ind, ind.actual, i, style, False)
    messy_num = _num(ind, ind.actual, i, style, True)
    if layout == "sichuan":
        unit = ind.cells.get("unit", ind.unit or "")
        return messy_num if _same_parse(fold(messy_num, None, unit), fold(plain_num, None, unit)) else plain_num
    tail = f"{ind.unit or ''}{ind.actual_note or ''}"
    return f"{messy_num}{tail}" if _same_parse(messy_num + tail, plain_num + tail) else plain_num + tail


def deviation_cells(ind: Ind, layout: str) -> dict[str, str]:
    """``{"dev": …}`` (one column) or ``{"reason": …, "measure": …}`` (municipal)."""
    if layout == "municipal":
        out = {"reason": ind.cause or "", "measure": ind.measure or ""}
    else:
        out = {"dev": join_reason_text(ind.cause, ind.measure)}
    out.update({k: v for k, v in ind.cells.items() if k in ("dev", "reason", "measure")})
    return out


def join_reason_text(cause: str | None, measure: str | None) -> str:
    """One-cell deviation text: 因…，下一步将…。"""
    parts = [p for p in (cause, measure) if p]
    return "，".join(parts) + "。" if parts else ""


def indicator_cells(ind: Ind, i: int, layout: str, style: Style) -> dict[str, str]:
    out = {"level1": ind.level1, "level2": ind.level2, "name": ind.cells.get("name", ind.name)}
    out.update(target_cells(ind, i, layout, style))
    out["actual"] = actual_cell(ind, i, layout, style)
    out["weight"] = ind.cells.get("weight", compact(ind.weight))
    out["score"] = ind.cells.get("score", score_text(ind.score, style))
    out.update(deviation_cells(ind, layout))
    return out


def fold(value: str, nature: str | None, unit: str | None) -> str:
    """Sichuan layout: 指标性质 and 度量单位 folded into the value, as the extractor reads them.

    ``≥`` + ``500`` + ``人`` → ``≥500人``; a value that already starts with an operator or ends
    with its unit is left alone; qualitative values and blanks (including placeholders such as
    ``—``) are never changed.
    """
    if parse_value(value).blank:  # "—" stays a blank, not "≥—"
        return value
    nature = (nature or "").strip()
    if nature in {"≥", "≤", "=", ">", "<", "＝", "≧", "≦"} and value.lstrip()[:1] not in "≥≤=><≧≦＝":
        value = nature + value
    unit = (unit or "").strip()
    if unit and parse_number(value) is not None and not value.rstrip().endswith(unit):
        value = value + unit
    return value


def target_value(cells: dict[str, str], layout: str):
    if layout == "sichuan":
        return parse_value(fold(cells["target"], cells.get("nature"), cells.get("unit")))
    return parse_value(cells["target"])


def actual_value(cells: dict[str, str], layout: str):
    if layout == "sichuan":
        return parse_value(fold(cells["actual"], None, cells.get("unit")))
    return parse_value(cells["actual"])


def deviation_value(cells: dict[str, str]) -> str | None:
    parts = [cells.get(k, "").strip() for k in ("dev", "reason", "measure")]
    parts = [p for p in parts if p]
    return "；".join(parts) if parts else None


# --- funds cells -----------------------------------------------------------------------------------


def fund_line_cells(line: FundLine, style: Style) -> dict[str, str]:
    return {key: amount_text(getattr(line, attr), style, line.shown_zero)
            for key, attr in (("initial", "initial"), ("full", "full"), ("exec", "exec"))}


def rate_text(funds: FundsDraft) -> str:
    if funds.rate_text is not None:
        return funds.rate_text
    rate = funds.true_rate()
    return "" if rate is None else f"{rate:.2f}%"


def fund_reason_cells(funds: FundsDraft, layout: str) -> dict[str, str]:
    if layout == "municipal":
        return {"reason": funds.cause or "", "measure": funds.measure or ""}
    return {"dev": join_reason_text(funds.cause, funds.measure)}


def amount_value(text: str, unit: str) -> float | None:
    return parse_amount(text, default_unit=unit).value


def project_cell(d: Draft) -> str:
    return f"{d.code}-{d.project}" if d.code else d.project
