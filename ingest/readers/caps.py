"""How much of a file a reader may take on: a PDF's pages and a workbook's cells, counted before any
reader parses the file.

The byte caps (the upload's size, an Office package's unpacked size in :mod:`ingest.readers.sniff`)
do not bound the work: measured on this machine (2 cores, shared), a 770 KB PDF of 5,000 one-line
pages took 193 s to read, and a 2.4 MB workbook of 20,000 rows × 10 cells 79 s and 220 MB, which
scales to tens of minutes and gigabytes for a workbook under the 50 MB upload cap. A
self-evaluation is a few pages and a few thousand cells; a file far beyond that is refused at once
with its count and the cap (``ZIPING_MAX_PDF_PAGES``, ``ZIPING_MAX_SHEET_CELLS``), before pdfplumber
or openpyxl sees it.

A page is capped too: a 1 KB PDF whose one page draws 300,000 characters took 356 s and 660 MB to
lay out under load (pdfplumber makes an object of every character before anything can be
refused), and the pool's read timeout bounds its time, not its memory. :func:`page_content`
counts what a page's content streams show and stroke, following the forms it draws, decoding no
stream past :data:`MAX_CONTENT_BYTES`, and the PDF reader leaves out a page past
``ZIPING_MAX_PAGE_CHARS`` characters or ``ZIPING_MAX_PAGE_PATHS`` path segments (100,000
rectangles took 94 s and 1.2 GB) (:func:`page_refusal`) before pdfplumber sees its objects. The
count itself reads no more than :data:`MAX_TOKENS` operators, names and strings of a page (runs of
numbers are skimmed by one regular expression): a few seconds under load at worst, per page; a
document of many such pages is the read timeout's to stop (``ZIPING_READ_TIMEOUT``).

Pages are counted by walking the page tree (pdfminer), not from its ``/Count``, which a crafted
file can set to anything; the walk stops one page past the cap. Cells are the ``<c>`` elements of
the worksheets' XML, streamed out of the package a megabyte at a time.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ingest.errors import FileTooLarge

__all__ = ["MAX_CONTENT_BYTES", "MAX_TOKENS", "PageCaps", "PageContent", "check_caps", "page_content", "page_refusal", "pdf_pages",
           "sheet_cells", "too_dense"]

_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")  # a cell element, with or without a prefix


def pdf_pages(path: Path, stop: int) -> int | None:
    """The PDF's pages, counted up to ``stop``; None when pdfminer cannot walk them (the reader
    then reports what is wrong with the file)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        with path.open("rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            return sum(1 for _ in islice(PDFPage.create_pages(doc), stop))
    except Exception:  # noqa: BLE001 — encrypted, broken: not this check's to say
        return None


def sheet_cells(path: Path, stop: int) -> int:
    """The cells of the workbook's worksheets, counted up to about ``stop``."""
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with zf.open(info) as part:
                carry = b""
                while block := part.read(2**20):
                    data = carry + block
                    cut = data.rfind(b"<")  # a tag cut by the block's end is counted with the next block
                    cut = cut if cut > 0 else len(data)
                    total += len(_CELL.findall(data, 0, cut))
                    carry = data[cut:]
                    if total > stop:
                        return total
                total += len(_CELL.findall(carry))
    return total


def check_caps(path: Path, fmt: str, *, max_pages: int, max_cells: int) -> None:
    """Raise :class:`FileTooLarge` for a PDF of more than ``max_pages`` pages or a workbook of more
    than ``max_cells`` cells (see the module docstring)."""
    if fmt == "pdf":
        pages = pdf_pages(path, max_pages + 1)
        if pages is not None and pages > max_pages:
            raise FileTooLarge(f"PDF 超过 {max_pages} 页，超出单个文件可读取的页数上限，请拆分后上传，或只上传自评表和自评报告 / "
                               f"more than {max_pages} pages")
    elif fmt == "xlsx":
        try:
            cells = sheet_cells(path, max_cells)
        except (zipfile.BadZipFile, OSError):
            return  # the reader says what is wrong with the package
        if cells > max_cells:
            raise FileTooLarge(f"工作簿单元格超过 {max_cells:,} 个，超出可读取的上限，请只上传自评表所在的工作表 / "
                               f"more than {max_cells:,} cells")


# --- one PDF page's content, counted before pdfplumber lays it out ------------------------------

MAX_CONTENT_BYTES = 32 * 2**20  # decoded content of one page (its streams and the forms it draws)
# what one page's content may hold in operators, names and strings: a page under both caps needs a
# few per character or segment (a kerned TJ, "x y l"), some 250,000; a 31 KB stream of 16 M
# names kept pdfminer and this count busy for minutes
MAX_TOKENS = 1_000_000
_WHITE = b"\x00\t\n\x0c\r "
# a run of numbers and brackets is one token (a stream of nothing else is skipped at C speed)
_TOKEN = re.compile(rb"[-+.0-9\[\]{}][-+.0-9\[\]{}\x00\t\n\x0c\r ]*"
                    rb"|%[^\r\n]*|\(|<<|>>|<[0-9A-Fa-f\x00\t\n\x0c\r ]*>|[\[\]{}]|/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*"
                    rb"|[^\x00\t\n\x0c\r ()<>\[\]{}/%]+")
_IN_STRING = re.compile(rb"[()\\]")
_ESCAPE = re.compile(rb"\\(?:[0-7]{1,3}|\r\n|.)", re.S)
_INLINE_END = re.compile(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r ]|$)")
_SHOW = {b"Tj", b"TJ", b"'", b'"'}
_PATH = {b"m", b"l", b"c", b"v", b"y", b"re"}  # path segments: a point or a rectangle pdfplumber keeps
_NESTED_FORMS = 12  # forms drawing forms deeper than this are not followed (pdfminer stops too)


class _Stop(Exception):
    """Counted far enough: the page is refused whatever the rest of it draws."""


@dataclass
class PageContent:
    """What one page's content streams draw: glyph codes shown (``Tj``, ``TJ``, ``'``, ``"``; a
    two-byte code of a CID font is one glyph) and path segments (``m l c v y re``: pdfplumber keeps
    each point, and makes an object of each rectangle its table finder then crosses with the others)."""

    chars: int = 0
    paths: int = 0
    decoded: int = 0  # bytes of content decoded so far
    tokens: int = 0  # operators, names and strings read so far
    whole: bool = True  # False: counting stopped at ``stop`` characters or ``max_bytes`` bytes


@dataclass(frozen=True)
class PageCaps:
    """What one PDF page may draw: characters and path segments (``ZIPING_MAX_PAGE_CHARS``,
    ``ZIPING_MAX_PAGE_PATHS``)."""

    chars: int
    paths: int

    @classmethod
    def of(cls, settings: object) -> PageCaps:
        return cls(settings.max_page_chars, settings.max_page_paths)  # type: ignore[attr-defined]


def page_content(page: object, *, stop: PageCaps, max_bytes: int = MAX_CONTENT_BYTES) -> PageContent:
    """Count what ``page`` (a pdfminer ``PDFPage``) draws, following the forms it draws (a form drawn
    ten times counts ten times: forms drawing forms multiply), until a count passes ``stop`` or the
    decoded content ``max_bytes`` (then ``whole`` is False). The content is decoded a stream at a
    time, never past the byte cap, and no layout object is made."""
    counter = _Counter(stop, max_bytes)
    resources = _resolve(getattr(page, "resources", None)) or {}
    try:
        for stream in getattr(page, "contents", None) or []:
            counter.scan(_resolve(stream), resources, depth=0)
    except _Stop:
        counter.count.whole = False
    return counter.count


def page_refusal(page: object, number: int, caps: PageCaps) -> str | None:
    """Why page ``number`` is not to be laid out (what it draws, with the cap), or None. Counting
    stops at ten times a cap: past that the exact figure tells nobody anything."""
    try:
        drawn = page_content(page, stop=PageCaps(10 * caps.chars, 10 * caps.paths))
    except Exception:  # noqa: BLE001 — a page tree this walk cannot follow: pdfplumber says what is wrong
        return None
    if drawn.whole and drawn.chars <= caps.chars and drawn.paths <= caps.paths:
        return None
    at_least = "" if drawn.whole else "至少"
    if drawn.chars > caps.chars:
        return (f"第{number}页要绘制{at_least} {drawn.chars:,} 个字符，超过每页 {caps.chars:,} 个的上限，该页未读取；"
                f"正常的表格或报告页不过几千字，请检查该页 / page {number} draws "
                f"{drawn.chars:,}{'' if drawn.whole else '+'} characters, over the cap of {caps.chars:,} a page")
    if drawn.paths > caps.paths:
        return (f"第{number}页要绘制{at_least} {drawn.paths:,} 段线条图形，超过每页 {caps.paths:,} 段的上限，该页未读取；"
                f"表格的框线不过几百段，请检查该页 / page {number} draws "
                f"{drawn.paths:,}{'' if drawn.whole else '+'} path segments, over the cap of {caps.paths:,} a page")
    if drawn.tokens > MAX_TOKENS:
        return (f"第{number}页内容流超过 {MAX_TOKENS:,} 个操作符和操作数，该页未读取，请检查该页 / "
                f"page {number}'s content holds over {MAX_TOKENS:,} operators and operands")
    return (f"第{number}页内容流解压后超过 {MAX_CONTENT_BYTES // 2**20} MB，该页未读取，请检查该页 / "
            f"page {number}'s content is over {MAX_CONTENT_BYTES // 2**20} MB decoded")


class _Counter:
    def __init__(self, stop: PageCaps, max_bytes: int) -> None:
        self.stop, self.max_bytes = stop, max_bytes
        self.count = PageContent()
        self.forms: dict[int, PageContent] = {}  # what each form draws once, by object id

    def scan(self, stream: object, resources: dict, depth: int) -> None:
        data = self._decode(stream)
        if data is None:
            return
        fonts = _resolve(resources.get("Font")) or {}
        xobjects = _resolve(resources.get("XObject")) or {}
        width = 1  # bytes per glyph code of the current font
        shown, name = 0, b""  # the string bytes and the last name among the operands so far
        pos, end = 0, len(data)
        count = self.count
        while pos < end:
            match = _TOKEN.search(data, pos)
            if match is None:
                break
            token, pos = match.group(), match.end()
            count.tokens += 1
            if count.tokens > MAX_TOKENS:
                raise _Stop
            first = token[:1]
            if first == b"(":
                pos, length = _literal(data, pos)
                shown += length
            elif first == b"<" and token[:2] != b"<<":
                shown += (len(token.translate(None, _WHITE)) - 2) // 2
            elif first == b"/":
                name = token[1:]
            elif first in b"[]{}<>%+-." or first.isdigit():
                continue  # numbers, arrays, dictionaries, comments: operands or nothing
            else:  # an operator
                if token in _SHOW:
                    count.chars += -(-shown // width)
                    if count.chars > self.stop.chars:
                        raise _Stop
                elif token in _PATH:
                    count.paths += 1
                    if count.paths > self.stop.paths:
                        raise _Stop
                elif token == b"Tf":
                    width = _code_width(fonts.get(name.decode("latin-1")))
                elif token == b"Do" and depth < _NESTED_FORMS:
                    self._form(xobjects.get(name.decode("latin-1")), resources, depth)
                elif token == b"ID":  # an inline image's bytes, up to EI: not content to tokenise
                    found = _INLINE_END.search(data, pos + 1)
                    pos = found.end() if found else end
                shown, name = 0, b""

    def _form(self, ref: object, resources: dict, depth: int) -> None:
        from pdfminer.psparser import LIT

        form = _resolve(ref)
        attrs = getattr(form, "attrs", None)
        if not isinstance(attrs, dict) or _resolve(attrs.get("Subtype")) is not LIT("Form"):
            return
        key = getattr(form, "objid", None) or id(form)
        drawn = self.forms.get(key)
        if drawn is None:
            # the bytes decoded and the tokens read are the page's, forms included
            outer, self.count = self.count, PageContent(decoded=self.count.decoded, tokens=self.count.tokens)
            self.forms[key] = PageContent()  # a form drawing itself: counted once
            try:
                self.scan(form, _resolve(attrs.get("Resources")) or resources, depth + 1)
            except _Stop:  # stopped inside the form: what it drew so far counts
                outer.chars += self.count.chars
                outer.paths += self.count.paths
                raise
            finally:
                drawn, self.count = self.count, outer
                outer.decoded, outer.tokens = drawn.decoded, drawn.tokens
                self.forms[key] = drawn
        self.count.chars += drawn.chars
        self.count.paths += drawn.paths
        if self.count.chars > self.stop.chars or self.count.paths > self.stop.paths:
            raise _Stop

    def _decode(self, stream: object) -> bytes | None:
        """The stream's decoded bytes, decoding no further than the page's byte cap allows; None
        when it cannot be decoded here (the reader then says what is wrong)."""
        room = self.max_bytes - self.count.decoded
        try:
            data = _decoded(stream, room)
        except _Stop:
            raise
        except Exception:  # noqa: BLE001 — a broken stream: pdfplumber reports it, or skips it
            return None
        if data is None:
            return None
        self.count.decoded += len(data)
        if self.count.decoded > self.max_bytes:
            raise _Stop
        return data


def _decoded(stream: object, room: int) -> bytes | None:
    from pdfminer.pdftypes import (
        LITERALS_ASCII85_DECODE,
        LITERALS_ASCIIHEX_DECODE,
        LITERALS_FLATE_DECODE,
        LITERALS_LZW_DECODE,
        LITERALS_RUNLENGTH_DECODE,
        PDFStream,
    )

    if not isinstance(stream, PDFStream):
        return None
    if stream.data is not None:  # decoded already (pdfminer caches)
        return stream.data
    data = stream.rawdata
    if data is None:
        return None
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for name, _params in stream.get_filters():
        if name in LITERALS_FLATE_DECODE:
            inflate = zlib.decompressobj()
            try:
                data = inflate.decompress(data, room + 1)
            except zlib.error:
                return None
        elif name in LITERALS_LZW_DECODE:
            data = _bounded(_lzw(data), room)
        elif name in LITERALS_RUNLENGTH_DECODE:
            data = _bounded(_runs(data), room)
        elif name in LITERALS_ASCII85_DECODE or name in LITERALS_ASCIIHEX_DECODE:
            from pdfminer.ascii85 import ascii85decode, asciihexdecode  # these only shrink

            data = ascii85decode(data) if name in LITERALS_ASCII85_DECODE else asciihexdecode(data)
        else:
            return None  # an image filter on a content stream: nothing to count
        if len(data) > room:
            raise _Stop
    return data


def _bounded(chunks: Iterator[bytes], room: int) -> bytes:
    out, size = [], 0
    for chunk in chunks:
        out.append(chunk)
        size += len(chunk)
        if size > room:
            break
    return b"".join(out)


def _lzw(data: bytes) -> Iterator[bytes]:
    from io import BytesIO

    from pdfminer.lzw import LZWDecoder

    return LZWDecoder(BytesIO(data)).run()


def _runs(data: bytes) -> Iterator[bytes]:
    """RunLength decoding, a run at a time (pdfminer's decodes the whole stream at once)."""
    i = 0
    while i < len(data):
        length = data[i]
        if length == 128:
            return
        if length < 128:
            yield data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            yield data[i + 1:i + 2] * (257 - length)
            i += 2


def _literal(data: bytes, pos: int) -> tuple[int, int]:
    """The end of the literal string opened just before ``pos`` and the bytes it holds (nested
    parentheses balanced, escapes counted as the one byte they stand for)."""
    depth, start = 1, pos
    while depth:
        found = _IN_STRING.search(data, pos)
        if found is None:
            pos = len(data)
            break
        char, pos = found.group(), found.end()
        if char == b"\\":
            pos += 1
        elif char == b"(":
            depth += 1
        else:
            depth -= 1
    body = data[start:pos - 1] if depth == 0 else data[start:pos]
    return pos, len(body) - sum(len(m.group()) - 1 for m in _ESCAPE.finditer(body))


def too_dense(reason: str, name: str) -> FileTooLarge:
    """The error for a PDF of which nothing was read but a page refused by :func:`page_refusal`."""
    return FileTooLarge(reason, file=name)


def _code_width(font: object) -> int:
    """Bytes per glyph code: two for a composite (Type0, CID) font — what Chinese text is set in — else one."""
    from pdfminer.psparser import LIT

    attrs = _resolve(font)
    return 2 if isinstance(attrs, dict) and _resolve(attrs.get("Subtype")) is LIT("Type0") else 1


def _resolve(obj: object) -> object:
    from pdfminer.pdftypes import resolve1

    try:
        return resolve1(obj)
    except Exception:  # noqa: BLE001 — a dangling reference: nothing there
        return None
