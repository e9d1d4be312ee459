"""Comparison signs (≥, ≤, =) told from their shape where the OCR model loses them.

Two cases, measured with the bundled PP-OCRv4 models on 150-dpi scans:

* a lone ≥ or ≤ in a 指标性质 cell is often neither detected nor recognised, so the cell comes
  back empty (:func:`comparison_sign`), or it is read as "2" (:func:`lone_sign`);
* a ≥ that starts a value is read as the digit "2" ("≥46台" → "246台", "≥6年" → "26年") or,
  once, as ">" (:func:`leading_sign`).

All look for one shape: a bar along the bottom with a chevron above it, the chevron's middle to
the right of its ends for ≥ and to the left for ≤, its top at that open side. A "2" has a bar and
a bulge to the right too, so a glyph the model read as "2" must also be clearly shorter than a
digit: ≥ and ≤ stand about 80 % of the digit height in the fonts measured, a "2" or "Z" is as
tall as its neighbours. That test is what keeps a real "246" a number.

Everything here works on ink masks (``True`` = ink) already cut out of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

_MAX_SIGN_HEIGHT = 0.9  # × a digit's height (measured on the scans: ≥/≤ 0.73–0.86, "2" 1.0)
_MIN_SIGN_DROP = 0.12  # × digit height: the sign's top sits at least this far below the digit's
_CHEVRON_END = 0.35  # × glyph width: the chevron's top row lies within this of its open side
_MIN_BAR = 0.45  # × digit height: a bar, not the end of a ">" arm (measured: ≥ 0.6–0.7, ">" 0.3–0.4)
_RULE_SHARE = 0.6  # × crop width: an ink line this long in a text box is a table rule
_EQUALS_MAX_HEIGHT = 0.9  # × width: "=" is wide and flat (measured 7 × 9 px at 150 dpi)
_EQUALS_MAX_GAP = 2.0  # × bar thickness (measured: "=" 0.3–1.5, "二" 3–6)


@dataclass(frozen=True)
class LeadingSign:
    sign: str  # "≥" or "≤"
    end: int  # first column right of the sign, in the mask's coordinates


def comparison_sign(ink: np.ndarray, max_glyph: float) -> str | None:
    """≥, ≤ or = when the mask holds one small glyph of that shape, else None."""
    extent = _rows(ink)
    if extent is None or ink.sum() < 8:
        return None
    ink = ink[extent[0]:extent[1]]
    xs = np.flatnonzero(ink.any(axis=0))
    ink = ink[:, xs[0]:xs[-1] + 1]
    h, w = ink.shape
    if h > max_glyph or w > max_glyph:
        return None
    if _equals(ink) or _solid_equals(ink):
        return "="
    if double := _double_bar(ink):
        return double
    if h < 5:
        return None
    cover = ink.mean(axis=1)
    bar = h
    while bar > 0 and cover[bar - 1] >= 0.7:  # the bottom bar: rows (almost) fully inked
        bar -= 1
    if bar == h or bar < h * 0.5:
        return None
    rows = [np.nonzero(row)[0] for row in ink[:bar]]
    rows = [row for row in rows if len(row)]
    if len(rows) < 3:
        return None
    top, middle = rows[0].mean(), rows[len(rows) // 2].mean()
    if abs(middle - top) < 0.15 * w:
        return None
    sign = "≥" if middle > top else "≤"
    # The chevron's arms end at one side; a "2" has a bar and a bulge to the right too, but its
    # top is the middle of an arch (measured: a lone "2" in a score cell passed without this).
    side = top / max(w - 1, 1)
    return sign if (side <= _CHEVRON_END if sign == "≥" else side >= 1 - _CHEVRON_END) else None


def _equals(ink: np.ndarray) -> bool:
    """Two bars close together, one above the other, and nothing else: "=".

    Measured on a Sichuan scan: a lone "=" in the 指标性质 column was not detected at all. "二"
    has its bars far apart; a dash is one bar.
    """
    h, w = ink.shape
    if w < 5 or h < 3 or h > _EQUALS_MAX_HEIGHT * w:
        return False
    cover = ink.mean(axis=1)
    if not all(c >= 0.7 or c <= 0.1 for c in cover):
        return False
    bars = _bands(cover >= 0.7)
    if len(bars) != 2 or bars[0][0] != 0 or bars[1][1] != h:
        return False
    # "二" leaves a gap of three to six bar widths between its bars, "=" at most two
    gap, thick = bars[1][0] - bars[0][1], max(b - a for a, b in bars)
    return gap <= _EQUALS_MAX_GAP * thick


def two_bar_sign(ink: np.ndarray) -> str | None:
    """≧, ≦ or = drawn with two bars, in a cell whose reading is garbled (the model reads "≧" as
    "AII" or "=", "═" as "Ⅱ"). The binarised scan often fills the gap between the bars (measured
    at 150 dpi: "═" a solid block 6 × 14 px, the bars of "≧" one band 6 px thick), so a merged pair
    counts (as it does for a leading "≧", :func:`leading_sign`)."""
    ink = _trim(_components(ink, min_area=3))
    h, w = ink.shape
    if _equals(ink) or _solid_equals(ink):
        return "="
    return _double_bar(ink, merged=True)


def _solid_equals(ink: np.ndarray) -> bool:
    """An equals sign whose two bars the binarised scan ran into one flat block (measured at
    150 dpi: "═" 6 × 14 px, the small "﹦" 5 × 7 px). Wider than tall, unlike a filled box; thicker
    than a dash or "一" (2–4 px)."""
    h, w = ink.shape
    return h >= 4 and w >= 5 and 0.25 * w <= h <= 0.8 * w and bool((ink.mean(axis=1) >= 0.7).all())


def _double_bar(ink: np.ndarray, *, merged: bool = False) -> str | None:
    """≧ or ≦: a chevron over two stacked bars (Yunnan forms type "≧"). Two bars under a chevron
    are in no digit or letter, so, unlike ≥, no height test is needed: in the scans' font ≧
    stands as tall as a digit. ``ink`` is trimmed to the glyph; ``merged``: the two bars may show
    as one band twice a bar's thickness."""
    h, w = ink.shape
    # ≧ is about two thirds as wide as tall (measured 10 × 16 px); a digit cut at its tail is narrower
    if h < 6 or w < 4 or w < 0.45 * h:
        return None
    bars = _bands(ink.mean(axis=1) >= 0.7)
    if not bars or bars[-1][1] != h:
        return None
    if (len(bars) >= 2 and max(b - a for a, b in bars[-2:]) <= 0.25 * h
            and ink[bars[-2][1]:bars[-1][0]].mean() <= 0.2):
        chevron = bars[-2][0]
    elif merged and 0.28 * h <= bars[-1][1] - bars[-1][0] <= 0.5 * h:
        chevron = bars[-1][0]
    else:
        return None
    if chevron < 0.45 * h:
        return None
    # the chevron is one stroke across every row, never a bar (a "9" cut at its tail has a loop
    # and a flat top)
    if any(len(_bands(row)) > 1 or row.mean() >= 0.9 for row in ink[:chevron]):
        return None
    rows = [np.nonzero(row)[0] for row in ink[:chevron]]
    rows = [row for row in rows if len(row)]
    if len(rows) < 3:
        return None
    top, middle = rows[0].mean(), max(rows, key=lambda r: abs(r.mean() - rows[0].mean())).mean()
    if abs(middle - top) < 0.4 * w:  # the point reaches across the glyph
        return None
    side = top / max(w - 1, 1)
    if middle > top and side <= _CHEVRON_END:
        return "≧"
    if middle < top and side >= 1 - _CHEVRON_END:
        return "≦"
    return None


def _trim(ink: np.ndarray) -> np.ndarray:
    """The mask cut to its ink's rows (of two pixels or more) and columns."""
    extent = _rows(ink)
    if extent is None:
        return ink[:0, :0]
    ink = ink[extent[0]:extent[1]]
    xs = np.flatnonzero(ink.any(axis=0))
    return ink[:, xs[0]:xs[-1] + 1]


def _bands(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def lone_sign(ink: np.ndarray, digit_height: float) -> str | None:
    """≥ or ≤ when the mask holds one glyph of that shape, shorter than the page's digits.

    For a cell whose only text is a misread sign ("2" in a 指标性质 cell): with no digit beside
    it, the yardstick is the height of the page's digits (:func:`ink_height` of its numbers).
    """
    ink = _components(ink, min_area=3)
    height = ink_height(ink)
    if not height or height > _MAX_SIGN_HEIGHT * digit_height:
        return None
    return comparison_sign(ink, max_glyph=digit_height)


def ink_height(ink: np.ndarray) -> int:
    """Rows from the top to the bottom of the ink (0 when there is none)."""
    extent = _rows(ink)
    return extent[1] - extent[0] if extent else 0


def leading_sign(ink: np.ndarray) -> LeadingSign | None:
    """The ≥ or ≤ a text line's ink starts with, or None when the first glyph is anything else."""
    ink = _without_rules(_components(ink, min_area=3))  # scan specks, and a cell border the box caught
    first = _first_on_bar(ink)
    if first is None:
        return None
    x0, width, bottom, glyph = first
    if glyph[bottom + 1:].sum() > 1:  # ink under the "bar" (more than a speck): the arm of a ">"
        return None
    glyph[bottom + 1:] = False
    extent = _rows(glyph)
    if extent is None:
        return None
    top, height = extent[0], extent[1] - extent[0]
    if double := _double_bar(_trim(glyph), merged=True):
        return LeadingSign(double, x0 + width)
    digit = _rows(_first_glyph(ink[:, x0 + width:], min_height=0.5 * height))
    if digit is None:
        return None
    digit_top, digit_h = digit[0], digit[1] - digit[0]
    if (height > _MAX_SIGN_HEIGHT * digit_h or top - digit_top < _MIN_SIGN_DROP * digit_h
            or width < _MIN_BAR * digit_h):
        return None
    sign = comparison_sign(glyph, max_glyph=digit_h)
    return LeadingSign(sign, x0 + width) if sign else None


_BRACKET_HEIGHT = 0.8  # × the line's ink height: a bracket runs (almost) from its top to its bottom
_BRACKET_WIDTH = 0.45  # × the bracket's height: a bracket is a thin arc
_BRACKET_SIGN_REACH = 0.45  # × line height: the sign starts this close after the bracket
_INNER_SIGN_HEIGHT = 0.75  # × line height (measured in a name's bracket: ≥ 0.55–0.65, a digit 0.85–0.9)
_INNER_SIGN_DROP = 0.2  # × line height: the sign's top sits this far below the line's top (a digit's does not)


def bracket_signs(ink: np.ndarray) -> list[str | None]:
    """For each opening bracket in a text line's ink, left to right, the ≥ or ≤ right after it
    (None when the glyph after it is anything else).

    Indicator names carry the target's sign and unit in a bracket: "公猪舍(≥**平方米)". At 150 dpi
    the small ≥ there is read as ">", "2" or not at all (measured on a Yunnan scan: 16 of 19 names),
    while the bracket itself is read right; so the sign is found next to the bracket's glyph.
    """
    line = _line(ink)
    if line is None:
        return []
    ink, top, line_h = line
    labels, stats = _label(ink)
    found: list[str | None] = []
    for i in sorted(range(1, len(stats)), key=lambda i: stats[i, cv2.CC_STAT_LEFT]):
        x, y, w, h = (int(stats[i, k]) for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH,
                                                   cv2.CC_STAT_HEIGHT))
        if h < _BRACKET_HEIGHT * line_h or w > _BRACKET_WIDTH * h or not _opens(labels[y:y + h, x:x + w] == i):
            continue
        found.append(_sign_after(ink, x + w, top, line_h))
    return found


def sign_first(ink: np.ndarray) -> str | None:
    """The ≥/≤ a wrapped name's second line starts with (">**平方米)": the bracket ended the line
    above), found as :func:`bracket_signs` finds one after a bracket."""
    line = _line(ink)
    return _sign_after(line[0], 0, line[1], line[2]) if line else None


def _line(ink: np.ndarray) -> tuple[np.ndarray, int, int] | None:
    """The line's ink without specks and rules, its top and its height, from its glyph-sized parts
    (a speck of the rule under the box must not make the line look taller)."""
    ink = _without_rules(_components(ink, min_area=3))
    _, stats = _label(ink)
    if len(stats) < 2:
        return None
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    tall = [i for i in range(1, len(stats)) if stats[i, cv2.CC_STAT_HEIGHT] >= 0.5 * heights.max()]
    top = min(int(stats[i, cv2.CC_STAT_TOP]) for i in tall)
    bottom = max(int(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT]) for i in tall)
    return ink, top, bottom - top


def _sign_after(ink: np.ndarray, x0: int, top: int, line_h: int) -> str | None:
    """The ≥/≤ whose ink starts right after column ``x0``: the bar it stands on and the chevron
    above it (:func:`_bar`), short and low in the line. Found by its bar, not as a component: the
    sign often touches the character after it (measured: "(≥头)")."""
    first = _first_on_bar(ink[:, x0:])
    if first is None or first[0] > _BRACKET_SIGN_REACH * line_h:
        return None
    _start, width, bottom, glyph = first
    glyph[bottom + 1:] = False
    extent = _rows(glyph)
    if (extent is None or extent[1] - extent[0] > _INNER_SIGN_HEIGHT * line_h
            or extent[0] < top + _INNER_SIGN_DROP * line_h or width < 0.3 * line_h):
        return None
    sign = comparison_sign(glyph, max_glyph=line_h)
    return sign if sign in ("≥", "≤") else None


def _opens(arc: np.ndarray) -> bool:
    """An opening bracket: its middle bulges left of its ends ("(", not ")")."""
    h = arc.shape[0]
    cols = [np.flatnonzero(row) for row in arc]
    ends = [c.mean() for c in cols[: max(1, h // 5)] + cols[-max(1, h // 5):] if len(c)]
    middle = [c.mean() for c in cols[2 * h // 5: 3 * h // 5 + 1] if len(c)]
    return bool(ends and middle) and float(np.mean(middle)) < float(np.mean(ends)) - 0.5


def _first_on_bar(ink: np.ndarray) -> tuple[int, int, int, np.ndarray] | None:
    """(first column, width, bar's bottom row, a copy of the glyph's columns) of the first glyph
    of ``ink`` when it stands on a bar (:func:`_bar`), else None."""
    cols = np.flatnonzero(ink.sum(axis=0) >= 2)
    if not len(cols):
        return None
    x0 = int(cols[0])
    bar = _bar(ink, x0)
    if bar is None:
        return None
    bottom, width = bar
    return x0, width, bottom, ink[:, x0:x0 + width].copy()


def _bar(ink: np.ndarray, x0: int) -> tuple[int, int] | None:
    """(bottom row, width) of the bar that the glyph starting at column ``x0`` stands on.

    The bar is the lowest row run that starts at the glyph's left edge. A ≥ touches the next
    digit either at the bar (before a "2" the two bars run into one) or at the chevron's point
    (before a "6"), so the glyph ends where the first of the bar and the chevron ends.
    """
    runs = np.array([_run(row, x0) for row in ink])
    rows = np.flatnonzero(runs >= 3)
    if not len(rows):
        return None
    bottom = int(rows[-1])
    width = int(runs[bottom])
    top = bottom
    while top > 0 and runs[top - 1] >= 0.8 * width:  # the bar's thickness
        top -= 1
    chevron = np.flatnonzero(_components(ink[:top, x0:], touching=2).any(axis=0))
    if len(chevron):
        width = min(width, int(chevron[-1]) + 1)
    return bottom, width


def _run(row: np.ndarray, x0: int) -> int:
    """Length of the ink run that starts at ``x0`` (one column of slack), else 0."""
    seg = row[x0:]
    if not seg[:2].any():
        return 0
    start = int(np.argmax(seg[:2]))
    gaps = np.flatnonzero(~seg[start:])
    return start + (int(gaps[0]) if len(gaps) else len(seg) - start)


def _first_glyph(ink: np.ndarray, min_height: float) -> np.ndarray:
    """The leftmost glyph-sized components (a digit), so a taller character after it cannot count."""
    labels, stats = _label(ink)
    big = [i for i in range(1, len(stats))
           if stats[i, cv2.CC_STAT_AREA] >= 3 and stats[i, cv2.CC_STAT_HEIGHT] >= min_height]
    left = min((stats[i, cv2.CC_STAT_LEFT] for i in big), default=0)
    return np.isin(labels, [i for i in big if stats[i, cv2.CC_STAT_LEFT] <= left + 1])


def _without_rules(ink: np.ndarray) -> np.ndarray:
    """The mask without table rules: a detector box that overlaps its cell's border brings a line
    across the whole crop (measured: a box 1 px into the rule above made a ≥ look as tall as a digit)."""
    labels, stats = _label(ink)
    width = ink.shape[1]
    rules = [i for i in range(1, len(stats)) if stats[i, cv2.CC_STAT_WIDTH] >= _RULE_SHARE * width
             and stats[i, cv2.CC_STAT_WIDTH] >= 4 * stats[i, cv2.CC_STAT_HEIGHT]]
    return ink & ~np.isin(labels, rules) if rules else ink


def _components(ink: np.ndarray, *, min_area: int = 1, touching: int | None = None) -> np.ndarray:
    """Ink of the components with at least ``min_area`` pixels (and, if given, a pixel left of
    column ``touching``)."""
    labels, stats = _label(ink)
    keep = [i for i in range(1, len(stats)) if stats[i, cv2.CC_STAT_AREA] >= min_area
            and (touching is None or stats[i, cv2.CC_STAT_LEFT] < touching)]
    return np.isin(labels, keep)


def _label(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """8-connected component labels and stats (row 0 is the background)."""
    if ink.size == 0:  # OpenCV crashes on an empty image
        return np.zeros(ink.shape, dtype=np.int32), np.zeros((1, 5), dtype=np.int32)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    return labels, stats


def _rows(ink: np.ndarray) -> tuple[int, int] | None:
    """(top, bottom + 1) of the rows with at least two ink pixels (a lone pixel is JPEG noise)."""
    ys = np.flatnonzero(ink.sum(axis=1) >= 2)
    return (int(ys[0]), int(ys[-1]) + 1) if len(ys) else None
