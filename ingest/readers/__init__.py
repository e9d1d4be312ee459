"""Readers: turn an uploaded file into an :class:`ingest.document.Document`.

:func:`read_document` is the one entry point: it checks the size, sniffs the content
(:mod:`.sniff`) and dispatches to the reader of that format. Every failure is an
:class:`ingest.errors.IngestError` with a bilingual message; a library exception never escapes.

==========  =================================  ============================================
format      reader                             what comes out
==========  =================================  ============================================
docx        :func:`.docx_reader.read_docx`     paragraphs (style/numbering headings), tables
pdf         :func:`.pdf_reader.read_pdf`       lines/paragraphs, ruled tables, OCR for scans
xlsx        :func:`.xlsx_reader.read_xlsx`     one table per sheet
doc / xls   :func:`.legacy_reader.read_legacy` .doc/.wps/.xls/.et converted by a warm
                                               LibreOffice, then read as docx / xlsx
ofd         :func:`.ofd_reader.read_ofd`       text lines and ruled tables from the XML; OCR
                                               for pages that are only images
txt / md    :func:`.text_reader.read_text`     paragraphs with numbering / ``#`` headings
==========  =================================  ============================================
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.document import Document
from ingest.errors import CorruptFile, EmptyFile, FileTooLarge, IngestError, UnsupportedFormat
from ingest.readers.caps import check_caps
from ingest.readers.headings import heading_level, split_heading
from ingest.readers.sniff import sniff

MAX_BYTES = 50 * 1024 * 1024
# what a folder scan or an upload form should offer: every format read here, and the archives
# the batch importer unpacks (ingest.collect)
SUPPORTED_SUFFIXES = (".docx", ".doc", ".wps", ".pdf", ".ofd", ".xlsx", ".xls", ".et", ".txt", ".md",
                      ".zip", ".7z")

__all__ = ["MAX_BYTES", "SUPPORTED_SUFFIXES", "read_document", "sniff", "heading_level", "split_heading"]


def read_document(path: Path, *, name: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Read one file into a :class:`Document`; ``name`` is the user's file name (default: path's).

    Raises :class:`EmptyFile`, :class:`FileTooLarge`, :class:`UnsupportedFormat`,
    :class:`CorruptFile` or :class:`EncryptedFile` (all :class:`IngestError`), with ``file`` set.
    """
    path = Path(path)
    name = name or path.name
    try:
        return _read(path, name, max_bytes)
    except IngestError as e:
        e.file = e.file or name
        raise
    except Exception as e:  # a reader bug or an unforeseen library error: still a typed error
        raise CorruptFile(f"读取时出错 / error while reading: {type(e).__name__}: {e}"[:300],
                          file=name) from e


def _read(path: Path, name: str, max_bytes: int) -> Document:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise CorruptFile(f"文件无法打开 / cannot open the file: {e.strerror}") from e
    if size == 0:
        raise EmptyFile("文件大小为 0 字节 / the file has 0 bytes")
    if size > max_bytes:
        raise FileTooLarge(f"{size / 1024 / 1024:.1f} MB > {max_bytes / 1024 / 1024:.0f} MB")

    fmt = sniff(path, name=name)
    if fmt == "zip":
        raise UnsupportedFormat("压缩包请通过批量导入上传 / upload archives through the batch import")
    # on demand, as the OCR's pixel cap: the settings read the environment
    from assistant.settings import get_settings

    settings = get_settings()
    check_caps(path, fmt, max_pages=settings.max_pdf_pages, max_cells=settings.max_sheet_cells)
    doc = _reader(fmt)(path, name=name)
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in {"docx", "pdf", "xlsx", "ofd"} and suffix != fmt:
        doc.warnings.append(f"扩展名为 .{suffix}，实际内容是 {fmt}，已按 {fmt} 读取 / "
                            f"named .{suffix} but the content is {fmt}; read as {fmt}")
    return doc


def _reader(fmt: str) -> Callable[..., Document]:
    # imported on demand: each format's library is slow to import and most batches need one
    if fmt == "docx":
        from ingest.readers.docx_reader import read_docx

        return read_docx
    if fmt == "pdf":
        from ingest.readers.pdf_reader import read_pdf

        return read_pdf
    if fmt == "xlsx":
        from ingest.readers.xlsx_reader import read_xlsx

        return read_xlsx
    if fmt in ("doc", "xls"):
        from ingest.readers.legacy_reader import read_legacy

        return lambda path, name: read_legacy(path, fmt, name=name)
    if fmt == "ofd":
        from ingest.readers.ofd_reader import read_ofd

        return read_ofd
    from ingest.readers.text_reader import read_text

    return lambda path, name: read_text(path, name=name, markdown=fmt == "md")
