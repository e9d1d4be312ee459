"""A small OFD writer for the tests: lays a read :class:`Document` out as a GB/T 33190 package.

It writes the parts the standard requires — ``OFD.xml`` (DocBody → DocRoot), ``Doc_0/Document.xml``
(CommonData with the page area and resources, Pages), ``Doc_0/Pages/Page_N/Content.xml`` with
``TextObject``/``TextCode`` (X, Y, DeltaX) for text and ``PathObject``/``AbbreviatedData`` for the
table rules, leaving out the rule inside a merged cell — the way converters from Word lay a form
out. Sizes are in millimetres, the origin top left, as in the standard.
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from ingest.document import Document, Paragraph, Table

NS = "http://www.ofdspec.org/2016"
SIZE = 3.0  # mm text size
LEFT, WIDTH = 15.0, 180.0


def _advance(ch: str) -> float:
    return SIZE * (0.55 if ord(ch) < 128 else 1.0)


class _Page:
    def __init__(self) -> None:
        self.objects: list[str] = []
        self.next_id = 100

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def text(self, x: float, y: float, text: str, *, per_object: bool = False) -> None:
        """One TextObject (or one per character, as some converters write) with baseline y."""
        if per_object:
            for ch in text:
                self.text(x, y, ch)
                x += _advance(ch)
            return
        width = sum(_advance(c) for c in text)
        deltas = " ".join(f"{_advance(c):g}" for c in text[:-1])
        if text and len(set(text[:-1])) == 1 and len(text) > 2 and ord(text[0]) >= 128:
            deltas = f"g {len(text) - 1} {_advance(text[0]):g}"  # the standard's repeat form
        self.objects.append(
            f'<ofd:TextObject ID="{self._id()}" Boundary="{x:g} {y - SIZE:g} {width + 1:g} {SIZE * 1.4:g}" '
            f'Font="3" Size="{SIZE:g}"><ofd:TextCode X="0" Y="{SIZE:g}" DeltaX="{deltas}">{escape(text)}'
            f"</ofd:TextCode></ofd:TextObject>")

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        bx, by = min(x0, x1), min(y0, y1)
        self.objects.append(
            f'<ofd:PathObject ID="{self._id()}" Boundary="{bx:g} {by:g} {abs(x1 - x0) + 0.2:g} {abs(y1 - y0) + 0.2:g}" '
            f'LineWidth="0.2"><ofd:AbbreviatedData>M {x0 - bx:g} {y0 - by:g} L {x1 - bx:g} {y1 - by:g}'
            f"</ofd:AbbreviatedData></ofd:PathObject>")

    def image(self, resource_id: int, x: float, y: float, w: float, h: float) -> None:
        self.objects.append(f'<ofd:ImageObject ID="{self._id()}" ResourceID="{resource_id}" '
                            f'Boundary="{x:g} {y:g} {w:g} {h:g}" CTM="{w:g} 0 0 {h:g} 0 0"/>')

    def xml(self) -> str:
        return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
                f'<ofd:Layer ID="2">{"".join(self.objects)}</ofd:Layer></ofd:Content></ofd:Page>')


def _wrap(text: str, width: float) -> list[str]:
    lines, cur, used = [], "", 0.0
    for ch in text.replace("\n", ""):
        if cur and used + _advance(ch) > width:
            lines.append(cur)
            cur, used = "", 0.0
        cur += ch
        used += _advance(ch)
    return lines + [cur] if cur else lines or [""]


def _table(page: _Page, table: Table, y: float) -> float:
    n_cols = table.n_cols
    col_w = WIDTH / n_cols
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for row in table.rows:
        for cell in row:
            if not cell.merged:
                for r in range(cell.row, cell.row + cell.rowspan):
                    for c in range(cell.col, cell.col + cell.colspan):
                        owner[(r, c)] = (cell.row, cell.col)
    heights = []
    for row in table.rows:
        lines = [len(_wrap(c.text, col_w * c.colspan - 2)) for c in row if not c.merged]
        heights.append(max(lines, default=1) * SIZE * 1.5 + 2)
    ys = [y]
    for h in heights:
        ys.append(ys[-1] + h)
    xs = [LEFT + col_w * c for c in range(n_cols + 1)]
    get = lambda r, c: owner.get((r, c), (r, c))  # noqa: E731
    for r in range(len(table.rows) + 1):  # horizontal rules, not inside a vertical merge
        for c in range(n_cols):
            if r in (0, len(table.rows)) or get(r - 1, c) != get(r, c):
                page.line(xs[c], ys[r], xs[c + 1], ys[r])
    for c in range(n_cols + 1):  # vertical rules, not inside a horizontal merge
        for r in range(len(table.rows)):
            if c in (0, n_cols) or get(r, c - 1) != get(r, c):
                page.line(xs[c], ys[r], xs[c], ys[r + 1])
    for row in table.rows:
        for cell in row:
            if cell.merged or not cell.text:
                continue
            for k, line in enumerate(_wrap(cell.text, col_w * cell.colspan - 2)):
                page.text(xs[cell.col] + 1, ys[cell.row] + 1 + SIZE * (1.5 * k + 1.2), line)
    return ys[-1]


def write_ofd(doc: Document, path: Path, *, per_char_objects: bool = False) -> Path:
    """Lay ``doc`` out on one page tall enough for it and write it as an OFD package."""
    page = _Page()
    y = 20.0
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            for line in _wrap(block.text, WIDTH):
                y += SIZE * 1.6
                page.text(LEFT, y, line, per_object=per_char_objects)
            y += SIZE
        else:
            y = _table(page, block, y + 2) + 4
    return write_package(path, [page.xml()], height=math.ceil(y + 20))


def write_package(path: Path, pages: list[str], *, height: float = 297.0,
                  images: dict[int, bytes] | None = None) -> Path:
    document_res = ""
    if images:
        media = "".join(f'<ofd:MultiMedia ID="{rid}" Type="Image"><ofd:MediaFile>image_{rid}.png</ofd:MediaFile>'
                        f"</ofd:MultiMedia>" for rid in images)
        document_res = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
                        f"<ofd:MultiMedias>{media}</ofd:MultiMedias></ofd:Res>")
    page_list = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    document = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
                f"<ofd:MaxUnitID>1000</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 {height:g}"
                f"</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
                + ("<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>" if images else "")
                + f"</ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages></ofd:Document>")
    public_res = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
                  f'<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
    ofd = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
           f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>0c5a7e3f</ofd:DocID><ofd:Creator>ziping tests</ofd:Creator>"
           f"</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", ofd)
        z.writestr("Doc_0/Document.xml", document)
        z.writestr("Doc_0/PublicRes.xml", public_res)
        if images:
            z.writestr("Doc_0/DocumentRes.xml", document_res)
            for rid, data in images.items():
                z.writestr(f"Doc_0/Res/image_{rid}.png", data)
        for i, content in enumerate(pages):
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", content)
    path.write_bytes(buf.getvalue())
    return path


def image_page(resource_id: int, *, width: float = 210.0, height: float = 297.0) -> str:
    page = _Page()
    page.image(resource_id, 0, 0, width, height)
    return page.xml()
