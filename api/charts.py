"""Small server-rendered SVG bar charts for the overview page (no JavaScript chart library).

:func:`bar_chart` draws labelled horizontal bars; every text is XML-escaped, and only
presentation attributes are used (no ``style``), so the page's strict CSP allows it inline.
Text is at least :data:`MIN_FONT` px at the chart's own size, and the page never draws a chart
smaller than that size (``.chart-box svg`` in ``app.css``), so labels stay readable; the page's
"导出图片" turns the same SVG into a PNG in the browser.
:func:`exec_bars` and :func:`grade_bars` read the bands from :func:`assistant.stats.year_statistics`'
figures, so the charts and the drafts count the same way.
"""

from __future__ import annotations

from html import escape
from typing import Any

from assistant.numbers import EXEC_BANDS, GRADE_BANDS

MIN_FONT = 13  # px of bar labels and values at the chart's own width (reviewers asked for ≥ 12)
EXEC_SHORT = {"full": "100%", "90": "90%–100%", "80": "80%–90%", "low": "低于80%", "unknown": "无法计算"}
GRADE_COLORS = {"优": "#2f7d4f", "良": "#3b6fb6", "中": "#c98a1b", "差": "#b43c3c"}
EXEC_COLORS = {"full": "#2f7d4f", "90": "#3b6fb6", "80": "#c98a1b", "low": "#b43c3c", "unknown": "#8a8f98"}


def exec_bars(figures: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [name for name, *_ in EXEC_BANDS] + ["unknown"]
    return [{"key": k, "label": EXEC_SHORT[k], "value": int((figures.get(f"exec.{k}") or {}).get("value") or 0)}
            for k in keys]


def grade_bars(figures: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": name, "label": name, "value": int((figures.get(f"grade.{name}") or {}).get("value") or 0)}
            for name, *_ in GRADE_BANDS]


def bar_chart(title: str, bars: list[dict[str, Any]], *, colors: dict[str, str] | None = None,
              width: int = 300, bar_height: int = 24, label_width: int = 84, unit: str = "个") -> str:
    """An SVG document: one horizontal bar per ``{"key", "label", "value"}``, value printed at its end."""
    colors = colors or {}
    top, gap, right = 32, 8, 44
    height = top + len(bars) * (bar_height + gap) + 6
    biggest = max([b["value"] for b in bars] + [1])
    span = width - label_width - right
    total = sum(b["value"] for b in bars)
    desc = "；".join(f"{b['label']} {b['value']}{unit}" for b in bars)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{escape(title)}" class="chart" '
           f'font-family="WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',  # an exported PNG has a white ground
           f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
           f'<text x="0" y="18" font-size="{MIN_FONT + 1}" font-weight="bold" fill="#1f2933">{escape(title)}</text>',
           f'<text x="{width}" y="18" font-size="{MIN_FONT}" text-anchor="end" fill="#52606d">共 {total}{escape(unit)}</text>']
    for i, b in enumerate(bars):
        y = top + i * (bar_height + gap)
        w = 0 if b["value"] <= 0 else max(2, round(span * b["value"] / biggest))
        color = colors.get(str(b["key"]), "#3b6fb6")
        out.append(f'<g data-key="{escape(str(b["key"]))}">'
                   f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" font-size="{MIN_FONT}" text-anchor="end" '
                   f'fill="#1f2933">{escape(str(b["label"]))}</text>'
                   f'<rect x="{label_width}" y="{y}" width="{span}" height="{bar_height}" fill="#eef1f5" rx="3"/>'
                   f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar_height}" fill="{escape(color)}" rx="3"/>'
                   f'<text x="{label_width + w + 5}" y="{y + bar_height * 0.7:.1f}" font-size="{MIN_FONT}" '
                   f'font-weight="bold" fill="#1f2933" class="value">{int(b["value"])}</text></g>')
    out.append("</svg>")
    return "".join(out)


def exec_chart(year: int, figures: dict[str, Any]) -> str:
    return bar_chart(f"{year}年度项目预算执行率分布", exec_bars(figures), colors=EXEC_COLORS)


def grade_chart(year: int, figures: dict[str, Any]) -> str:
    return bar_chart(f"{year}年度自评等级分布（按总分）", grade_bars(figures), colors=GRADE_COLORS)
