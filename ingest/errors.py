"""Typed ingest errors, each with a stable code and a message in Chinese and English.

A reader raises one of these for a file it cannot read; the pipeline records the file as
failed with ``str(error)`` and goes on with the batch. Nothing here ever reaches the user as a
traceback.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class: ``code`` is stable for scripts, ``zh``/``en`` are for people."""

    code = "ingest_error"
    zh = "无法读取文件"
    en = "the file could not be read"

    def __init__(self, detail: str | None = None, *, file: str | None = None):
        self.detail = detail
        self.file = file
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.zh} / {self.en}"
        if self.detail:
            text += f"（{self.detail}）"
        return text

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.zh, "message_en": self.en,
                "detail": self.detail, "file": self.file}


class UnsupportedFormat(IngestError):
    code = "unsupported_format"
    zh = "不支持的文件类型（支持 .docx .doc .wps .xlsx .xls .et .pdf .ofd .txt .md .zip .7z）"
    en = "unsupported file type (supported: .docx .doc .wps .xlsx .xls .et .pdf .ofd .txt .md .zip .7z)"


class CorruptFile(IngestError):
    code = "corrupt_file"
    zh = "文件已损坏或格式与扩展名不符"
    en = "the file is corrupt or its content does not match its extension"


class EncryptedFile(IngestError):
    code = "encrypted_file"
    zh = "文件已加密，请提供未加密版本"
    en = "the file is encrypted; please provide an unencrypted copy"


class EmptyFile(IngestError):
    code = "empty_file"
    zh = "文件为空或没有可读取的内容"
    en = "the file is empty or has no readable content"


class UnreadableScan(EmptyFile):
    """Scanned pages in which OCR found no text. Unlike an empty file there is a document here
    that a person can read: the pipeline keeps it as a 待核实 submission (the original stored for
    the reviewer) instead of failing it, so nothing is lost and nothing is counted."""

    code = "unreadable_scan"
    zh = "扫描件中未识别出文字"
    en = "OCR found no text in the scanned pages"


class FileTooLarge(IngestError):
    code = "file_too_large"
    zh = "文件超过大小上限"
    en = "the file exceeds the size limit"


class UnsafeArchive(IngestError):
    code = "unsafe_archive"
    zh = "压缩包含有不安全的路径或解压后过大"
    en = "the archive has unsafe member paths or is too large when extracted"


class ConverterMissing(IngestError):
    code = "converter_missing"
    zh = "本机未安装 LibreOffice，无法读取旧版 Office / WPS 文件"
    en = "LibreOffice is not installed, so legacy Office / WPS files cannot be read"


class ConversionFailed(IngestError):
    code = "conversion_failed"
    zh = "旧版 Office / WPS 文件转换失败"
    en = "the legacy Office / WPS file could not be converted"


class PageTooLarge(IngestError):
    code = "page_too_large"
    zh = "页面或图片尺寸过大，拒绝渲染识别"
    en = "the page or image is too large to render for OCR"
