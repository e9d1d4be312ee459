"""Which reader a file needs, decided by its content — never by its extension alone.

Users rename files, e-mail clients mangle names and some units upload ``.exe`` or ``.doc``
files with a ``.pdf`` name. :func:`sniff` looks at the bytes:

==============================================  ============================================
content                                         result
==============================================  ============================================
zip with ``word/document.xml``                  ``docx``
zip with ``xl/workbook.xml``                    ``xlsx``
zip with ``OFD.xml``                            ``ofd`` (GB/T 33190)
other zip                                       ``zip`` (archives belong to the batch importer)
``%PDF-`` in the first KiB                      ``pdf``
OLE compound file with ``EncryptedPackage``     :class:`EncryptedFile` (password-protected Office)
OLE compound file with a ``WordDocument`` stream ``doc`` (.doc, .wps: WPS saves Word's format)
OLE compound file with a ``Workbook`` stream    ``xls`` (.xls, .et)
other OLE compound file                         ``doc`` / ``xls`` by the name (.wps / .et), else
                                                :class:`UnsupportedFormat`
UTF-8 / UTF-16 / GB18030 text                   ``md`` for ``.md``, else ``txt``
known binary (exe, image, rar…) or unknown      :class:`CorruptFile` when the name promises a
                                                format we read, else :class:`UnsupportedFormat`
==============================================  ============================================
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.errors import CorruptFile, EncryptedFile, FileTooLarge, UnsupportedFormat
from ingest.readers.text_reader import decode_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
READABLE_SUFFIXES = {".docx", ".pdf", ".xlsx", ".txt", ".md", ".markdown", ".doc", ".wps", ".xls", ".et", ".ofd"}
WORD_SUFFIXES = {".doc", ".wps", ".dot", ".wpt"}
SHEET_SUFFIXES = {".xls", ".et", ".xlt", ".ett"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
# A .docx/.xlsx/.ofd is a zip its reader unpacks whole into memory: a 400 KB .docx can hold 400 MB
# of XML (833 MB resident to refuse it). Real forms are far below these.
MAX_XML_PART_BYTES = 64 * 2**20
MAX_PACKAGE_BYTES = 256 * 2**20
# text formats we could decode but must not present as plain text
NOT_PLAIN_TEXT = {".rtf", ".htm", ".html", ".xml", ".mht", ".mhtml"}

# (magic, Chinese name, English name) of binaries people upload by mistake
KNOWN_BINARIES: list[tuple[bytes, str, str]] = [
    (b"MZ", "Windows 可执行程序", "a Windows executable"),
    (b"\x7fELF", "Linux 可执行程序", "a Linux executable"),
    (b"\x89PNG", "PNG 图片", "a PNG image"),
    (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"),
    (b"II*\x00", "TIFF 图片", "a TIFF image"),
    (b"MM\x00*", "TIFF 图片", "a TIFF image"),
    (b"BM", "BMP 图片", "a BMP image"),
    (b"Rar!", "RAR 压缩包", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "a 7z archive"),
    (b"\x1f\x8b", "gzip 压缩包", "a gzip archive"),
    (b"{\\rtf", "RTF 文档", "an RTF document"),
]



def sniff(path: Path, *, name: str | None = None) -> str:
    """``docx`` | ``xlsx`` | ``pdf`` | ``doc`` | ``xls`` | ``ofd`` | ``txt`` | ``md`` | ``zip`` for a
    file, or raise IngestError."""
    name = name or path.name
    suffix = Path(name).suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(4096)

    if head.startswith(ZIP_MAGICS):
        return _sniff_zip(path, suffix)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():  # before parsing: any OLE
            raise EncryptedFile("Office 文档设置了打开密码 / password-protected Office document")
        return _sniff_ole(path, suffix)
    for magic, zh, en in KNOWN_BINARIES:
        # two-letter magics (MZ, BM) can start a text file too; RTF is text but never plain
        if head.startswith(magic) and (magic == b"{\\rtf" or not _is_text(path, head)):
            _raise_mismatch(suffix, f"文件内容是{zh}", f"the content is {en}")
    if suffix not in NOT_PLAIN_TEXT and _is_text(path, head):
        if suffix in READABLE_SUFFIXES - {".txt", ".md", ".markdown"}:
            _raise_mismatch(suffix, "文件内容是纯文本", "the content is plain text")
        return "md" if suffix in MARKDOWN_SUFFIXES else "txt"
    _raise_mismatch(suffix, "无法识别的文件内容", "unrecognised content")
    raise AssertionError("unreachable")  # _raise_mismatch always raises


def _sniff_zip(path: Path, suffix: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CorruptFile(f"压缩结构损坏 / broken zip structure: {e}") from e
    names = {m.filename for m in members}
    fmt = ("docx" if "word/document.xml" in names else "xlsx" if "xl/workbook.xml" in names
           else "ofd" if "OFD.xml" in names or "/OFD.xml" in names else None)
    if fmt is not None:
        _check_unpacked_size(members, fmt)
        return fmt
    if suffix in {".docx", ".xlsx", ".ofd"}:
        part = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".ofd": "OFD.xml"}[suffix]
        raise CorruptFile(f"{suffix} 文件中缺少 {part} / {suffix} file without {part}")
    if "ppt/presentation.xml" in names or "content.xml" in names:
        raise UnsupportedFormat("演示文稿或 ODF 文档请另存为 .docx 或 .pdf / save presentations and "
                                "ODF documents as .docx or .pdf")
    return "zip"


def _check_unpacked_size(members: list[zipfile.ZipInfo], fmt: str) -> None:
    """:class:`FileTooLarge` for a package whose parts unpack beyond the caps (a zip bomb in Office
    clothes); the sizes are the zip directory's, and zipfile never unpacks more than they declare."""
    total = sum(m.file_size for m in members)
    biggest = max(members, key=lambda m: m.file_size if m.filename.endswith((".xml", ".rels")) else 0)
    if biggest.file_size > MAX_XML_PART_BYTES and biggest.filename.endswith((".xml", ".rels")):
        raise FileTooLarge(f"{fmt} 中的 {biggest.filename} 解压后 {biggest.file_size // 2**20} MB，超过上限 "
                           f"{MAX_XML_PART_BYTES // 2**20} MB / {biggest.filename} unpacks to "
                           f"{biggest.file_size // 2**20} MB")
    if total > MAX_PACKAGE_BYTES:
        raise FileTooLarge(f"{fmt} 文件解压后 {total // 2**20} MB，超过上限 {MAX_PACKAGE_BYTES // 2**20} MB / "
                           f"the package unpacks to {total // 2**20} MB")


def _sniff_ole(path: Path, suffix: str) -> str:
    import olefile  # imported here: only legacy files need it

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except (OSError, ValueError) as e:
        raise CorruptFile(f"OLE 复合文档结构损坏 / broken OLE structure: {e}"[:300]) from e
    word = "WordDocument" in streams
    sheet = bool({"Workbook", "Book"} & streams)
    # a workbook can embed a Word object and vice versa: the name breaks the tie
    if word and (not sheet or suffix in WORD_SUFFIXES):
        return "doc"
    if sheet:
        return "xls"
    if suffix in WORD_SUFFIXES:
        return "doc"  # WPS's own format: LibreOffice reads it
    if suffix in SHEET_SUFFIXES:
        return "xls"
    raise UnsupportedFormat("无法识别的旧版 Office 文件，请另存为 .docx / .xlsx / .pdf 后上传 / "
                            "unrecognised legacy Office file: save it as .docx, .xlsx or .pdf")


def _raise_mismatch(suffix: str, zh: str, en: str) -> None:
    if suffix in READABLE_SUFFIXES:
        raise CorruptFile(f"扩展名为 {suffix}，但{zh} / named {suffix}, but {en}")
    raise UnsupportedFormat(f"{zh} / {en}")


def _is_text(path: Path, head: bytes) -> bool:
    """Decodable as text and free of control characters other than whitespace."""
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # binary: no need to read the whole file
    data = path.read_bytes()
    try:
        text = decode_text(data)
    except Exception:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return "\x00" not in text and controls <= len(text) // 1000
