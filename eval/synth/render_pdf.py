"""A grid → a text PDF (reportlab platypus ``Table`` with GRID lines and SPANs).

reportlab cannot split a table inside a row span, and the 绩效指标 / 一级指标 label columns
span the whole indicator block. So a table taller than the page is cut here, at the last row
that fits: the next page starts a new table with the indicator header row repeated
(``repeatRows=1``) and every span that crossed the cut restarted with its label, as printed
自评表 do.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from eval.synth.files import pdf_font
from eval.synth.layouts import GCell, Grid

MARGIN = 1.5 * cm
FRAME_W = A4[0] - 2 * MARGIN
FRAME_H = A4[1] - 2 * MARGIN - 12  # SimpleDocTemplate's frame padding


def styles() -> dict[str, ParagraphStyle]:
    font = pdf_font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=15, leading=20, alignment=TA_CENTER),
        "sub": ParagraphStyle("sub", fontName=font, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "pre": ParagraphStyle("pre", fontName=font, fontSize=9, leading=12, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, alignment=TA_CENTER,
                               wordWrap="CJK"),
        "text": ParagraphStyle("text", fontName=font, fontSize=7.5, leading=9.5, alignment=TA_LEFT,
                               wordWrap="CJK"),
    }


def _para(cell: GCell | None, st: dict[str, ParagraphStyle], width: float) -> object:
    """A plain string when the text fits on one line (cheap), else a wrapping Paragraph."""
    if cell is None or not cell.text:
        return ""
    style = st["text"] if cell.kind == "text" else st["cell"]
    if "\n" not in cell.text and stringWidth(cell.text, style.fontName, style.fontSize) <= width - 5:
        return cell.text
    text = cell.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(text, style)


def _table(grid: Grid, rows: list[int], st: dict[str, ParagraphStyle], repeat: bool) -> Table:
    """A table of the given original row indices; spans are clipped to them and restarted."""
    pos = {r: k for k, r in enumerate(rows)}
    cells = [[grid.cells[r][c] for c in range(grid.n_cols)] for r in rows]
    font = st["cell"].fontName
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), st["cell"].fontSize),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for r0, c0, r1, c1 in grid.merges:
        inside = [r for r in range(r0, r1 + 1) if r in pos]
        if not inside:
            continue
        top, bottom = pos[inside[0]], pos[inside[-1]]
        if inside[0] != r0:  # the span crossed the cut: restart it with its label
            cells[top][c0] = grid.cells[r0][c0]
        if (top, c0) != (bottom, c1):
            commands.append(("SPAN", (c0, top), (c1, bottom)))
    for k, row in enumerate(cells):
        for c, cell in enumerate(row):
            if cell is not None and cell.kind in ("head", "label"):
                commands.append(("BACKGROUND", (c, k), (c, k), colors.HexColor("#f2f2f2")))
            elif cell is not None and cell.kind == "text":
                commands.append(("ALIGN", (c, k), (c, k), "LEFT"))
    scale = FRAME_W / sum(grid.widths)
    widths = [w * scale for w in grid.widths]
    spans = {(c0, top): c1 for _, (c0, top), (c1, _bottom) in (cmd for cmd in commands if cmd[0] == "SPAN")}
    data = [[_para(cell, st, sum(widths[c:spans.get((c, k), c) + 1])) for c, cell in enumerate(row)]
            for k, row in enumerate(cells)]
    return Table(data, colWidths=widths, style=TableStyle(commands), repeatRows=1 if repeat else 0)


def _height(table: Table) -> float:
    return table.wrap(FRAME_W, FRAME_H)[1]


def _last_fitting(fits, lo: int, hi: int) -> int:
    """The largest k in [lo, hi] with fits(k) (heights grow with k), else lo."""
    best = lo
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(mid):
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    return best


def table_parts(grid: Grid, st: dict[str, ParagraphStyle], first_page: float, force_split: bool) -> list[Table]:
    """The grid as one table per page (see the module docstring)."""
    rows = list(range(grid.n_rows))
    parts: list[Table] = []
    room, cont = first_page, False
    while rows:
        whole = _table(grid, rows, st, cont)
        if not (force_split and not parts) and _height(whole) <= room:
            parts.append(whole)
            break
        lo, limit = (2 if cont else 1), len(rows) - 1
        if force_split and not parts:
            body = [k for k, r in enumerate(rows) if r > grid.header_row]
            limit = min(limit, body[len(body) // 2]) if body else limit
        cut = _last_fitting(lambda k, rows=rows, cont=cont, room=room:
                            _height(_table(grid, rows[:k], st, cont)) <= room, lo, limit)
        parts.append(_table(grid, rows[:cut], st, cont))
        rest = rows[cut:]
        cont = bool(rest) and rest[0] > grid.header_row
        rows = [grid.header_row, *rest] if cont else rest
        room = FRAME_H
    return parts


def write_pdf(grid: Grid, author: str, *, force_split: bool = False) -> tuple[bytes, int]:
    """PDF bytes and page count. ``force_split`` puts the second half of the indicators on
    page 2 even when everything would fit on one page."""
    st = styles()
    head: list = [Paragraph(grid.title, st["title"])]
    if grid.subtitle:
        head.append(Paragraph(grid.subtitle, st["sub"]))
    head += [Paragraph(line, st["pre"]) for line in grid.pre]
    head.append(Spacer(1, 6))
    used = sum(f.wrap(FRAME_W, FRAME_H)[1] for f in head)
    story = list(head)
    for k, part in enumerate(table_parts(grid, st, FRAME_H - used, force_split)):
        if k:
            story.append(PageBreak())
        story.append(part)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, invariant=1, title=grid.title, author=author,
                            creator="ziping synth")
    doc.build(story)
    return buf.getvalue(), doc.page
