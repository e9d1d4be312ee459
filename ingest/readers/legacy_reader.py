"""``.doc`` / ``.wps`` / ``.xls`` / ``.et`` → :class:`Document`, through a converted copy.

Word files are converted to ``.docx`` by the warm LibreOffice of :mod:`.convert` and read by
:func:`.docx_reader.read_docx`; workbooks are read directly (below), or converted to ``.xlsx``
and read by :func:`.xlsx_reader.read_xlsx`. The document
keeps the original's name and format (``doc``, ``wps``, ``xls``, ``et``): provenance — sheet
name, row and column — is the original's, since LibreOffice keeps cell positions and sheet
names, and the stored original is the file the user sent.

A password-protected file is recognised before conversion from its OLE streams (Word's FIB
``fEncrypted`` flag, Excel's ``FILEPASS`` record), so the user is told about the password
rather than about a failed conversion.

Excel 97–2003 workbooks (``.xls``, and ``.et`` saved in that format) are first read directly
by :mod:`.xls_reader` (xlrd: about 10–100× faster than a warm conversion, and no LibreOffice
needed); only what xlrd cannot read is converted.
"""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

from ingest.document import Document
from ingest.errors import CorruptFile, EncryptedFile

# the original's format, by its suffix (a .wps stays a wps: the stored original is that file)
WORD_SUFFIXES = {".doc": "doc", ".wps": "wps", ".dot": "doc"}
SHEET_SUFFIXES = {".xls": "xls", ".et": "et", ".xlt": "xls", ".ett": "et"}
_FILEPASS, _BOUNDSHEET = 0x002F, 0x0085


def read_legacy(path: Path, kind: str, *, name: str | None = None) -> Document:
    """``kind`` is the sniffed ``doc`` or ``xls``."""
    from ingest.readers.convert import shared_converter

    name = name or path.name
    suffix = Path(name).suffix.lower()
    if is_encrypted(path, kind):
        raise EncryptedFile("旧版 Office / WPS 文件设置了打开密码，请去掉密码后重新上传 / "
                            "password-protected legacy file", file=name)
    table = WORD_SUFFIXES if kind == "doc" else SHEET_SUFFIXES
    if kind == "xls":
        from ingest.readers.xls_reader import NotBiff8, read_xls

        try:
            doc = read_xls(path, name=name)
        except NotBiff8:
            pass  # not BIFF8 (WPS's own .et, Excel 5): LibreOffice reads it
        else:
            doc.format = table.get(suffix, kind)
            return doc
    target = "docx" if kind == "doc" else "xlsx"
    with tempfile.TemporaryDirectory(prefix="ziping-legacy-") as tmp:
        src = Path(tmp) / f"source.{kind}"
        src.symlink_to(path.resolve())
        converted = shared_converter().convert(src, Path(tmp) / f"converted.{target}")
        if target == "docx":
            from ingest.readers.docx_reader import read_docx

            doc = read_docx(converted, name=name)
        else:
            from ingest.readers.xlsx_reader import read_xlsx

            doc = read_xlsx(converted, name=name)
    doc.format = table.get(suffix, kind)
    return doc


def is_encrypted(path: Path, kind: str) -> bool:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if kind == "doc":
                if not ole.exists("WordDocument"):
                    return False
                fib = ole.openstream("WordDocument").read(12)
                return len(fib) >= 12 and bool(struct.unpack_from("<H", fib, 0x0A)[0] & 0x0100)
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            return stream is not None and _has_filepass(ole.openstream(stream).read())
    except (OSError, ValueError, struct.error) as e:
        raise CorruptFile(f"OLE 复合文档结构损坏 / broken OLE structure: {e}"[:300]) from e


def _has_filepass(data: bytes) -> bool:
    """FILEPASS comes right after the workbook globals' BOF, before the first sheet record."""
    pos = 0
    while pos + 4 <= len(data):
        rtype, size = struct.unpack_from("<HH", data, pos)
        if rtype == _FILEPASS:
            return True
        if rtype == _BOUNDSHEET:
            return False
        pos += 4 + size
    return False
