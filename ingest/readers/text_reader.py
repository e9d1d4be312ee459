"""Plain text and Markdown → :class:`Document` of paragraphs.

Text reports come from copy-paste out of Word or PDF, so their line breaks are unreliable:

1. Split into lines; blank lines separate blocks. Within a block, a heading line stands alone
   and the body lines between headings are joined (no separator between two CJK characters,
   a space between Latin words, a newline after a short line such as a signature).
2. Heading levels come from :mod:`ingest.readers.headings` (Chinese numbering) or, in
   Markdown, from ``#`` markers.
3. A paragraph that a stray blank line cut mid-sentence (``……激励约束机`` / ``制，加强……``) is
   joined with the next one when it does not end a sentence, is long (or is a numbered item
   that is not a heading), and the next one is not a heading.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.document import Document, Paragraph
from ingest.errors import CorruptFile, EmptyFile
from ingest.readers.headings import MAX_HEADING_CHARS, assign_levels, numbering, split_heading

PARAGRAPH_END = "。！？；：!?;:”」』）)"  # a paragraph ending in one of these is complete
SHORT_LINE = 20  # a line shorter than this inside a block is a deliberate line break
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; CorruptFile if none fits."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise CorruptFile("UTF-16 文本无法解码 / undecodable UTF-16 text") from e
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorruptFile("文本编码既不是 UTF-8 也不是 GB18030 / text is neither UTF-8 nor GB18030")


def read_text(path: Path, *, name: str | None = None, markdown: bool | None = None) -> Document:
    """Read a ``.txt`` or ``.md`` file; ``markdown`` defaults to the file's extension."""
    name = name or path.name
    if markdown is None:
        markdown = Path(name).suffix.lower() in (".md", ".markdown")
    text = decode_text(path.read_bytes())
    paragraphs = parse_text(text, markdown=markdown)
    if not paragraphs:
        raise EmptyFile("文本中没有文字 / the text has no content", file=name)
    return Document(name=name, format="md" if markdown else "txt", blocks=list(paragraphs))


def parse_text(text: str, *, markdown: bool = False) -> list[Paragraph]:
    """The paragraphs of a text (see the module docstring), numbered in reading order."""
    pieces = _pieces(text, markdown)
    numbered = assign_levels([p for p, _ in pieces])
    levels = [md if md is not None else lv for (_, md), lv in zip(pieces, numbered, strict=True)]
    merged = _join_broken(list(zip([p for p, _ in pieces], levels, strict=True)))
    return [
        Paragraph(text=t, index=i, heading_level=lv, style="markdown" if markdown else None)
        for i, (t, lv) in enumerate(merged)
    ]


def _pieces(text: str, markdown: bool) -> list[tuple[str, int | None]]:
    """Blocks split at blank lines and at heading lines; ``(text, markdown_level)``."""
    out: list[tuple[str, int | None]] = []
    body: list[str] = []

    def flush() -> None:
        if body:
            out.append((_join_lines(body), None))
            body.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip().replace("\u3000", " ").strip()
        if not line:
            flush()
            continue
        md = _MD_HEADING.match(line) if markdown else None
        if md:
            flush()
            out.append((md.group(2), len(md.group(1))))
        elif numbering(line) is not None:
            # a numbered line is never glued to the line before it; a title line stands
            # alone, a numbered sentence or run-in title (1、目标。正文……) starts a body
            flush()
            found = split_heading(line)
            if found and not found[2]:
                out.append((line, None))
            else:
                body.append(line)
        else:
            body.append(line)
    flush()
    return [(t, lv) for t, lv in out if t]


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        prev = out.split("\n")[-1]
        if len(prev) < SHORT_LINE or prev[-1] in PARAGRAPH_END:
            sep = "\n"
        elif prev[-1].isascii() and line[0].isascii():
            sep = " "
        else:
            sep = ""
        out += sep + line
    return out


def _join_broken(paras: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for text, level in paras:
        if out and level is None and _is_cut(*out[-1]):
            prev_text, prev_level = out[-1]
            out[-1] = (prev_text + text, prev_level)
        else:
            out.append((text, level))
    return out


def _is_cut(text: str, level: int | None) -> bool:
    """True when a body paragraph stops mid-sentence (so the next one continues it).

    A run-in heading (``2、整体绩效目标。各预算单位……包括基本支出和``) carries body text and
    can be cut like any body paragraph; a title line cannot.
    """
    if text[-1] in PARAGRAPH_END:
        return False
    if level is not None:
        found = split_heading(text)
        return bool(found and found[2])
    return len(text) > MAX_HEADING_CHARS or numbering(text) is not None
