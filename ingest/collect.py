"""Turn what the user named (files, folders, .zip/.7z archives) into a list of files to ingest.

Archives are unpacked member by member into a private folder, never with ``extractall``:
absolute paths, ``..`` parts and links are refused, and the uncompressed total is capped before
anything is written, so a hostile zip can neither escape the folder nor fill the disk. A
refused member is reported with its reason and the rest of the batch goes on.

Archives made on Chinese Windows store member names in GBK (GB18030) without the zip's UTF-8
flag; Python would read them as cp437 mojibake, so such names are decoded as UTF-8 when they
are valid UTF-8 (Linux and macOS tools often omit the flag too) and as GB18030 otherwise; a
name that is neither is reported, not guessed. A zip or 7z inside an archive is unpacked one
level deep (units zip up the folders of their sub-units); deeper ones are reported. ``.7z`` is
read with the pure-Python ``py7zr``; ``.rar`` has no reader that needs no binary and is refused
with a message saying how to repack it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ingest.errors import CorruptFile, EncryptedFile, IngestError, UnsafeArchive, UnsupportedFormat

ZIP_MAGIC = b"PK\x03\x04"
SEVEN_Z_MAGIC = b"7z\xbc\xaf\x27\x1c"
RAR_MAGIC = b"Rar!"
UTF8_FLAG = 0x800
MAX_DEPTH = 1  # archives inside an archive are unpacked this many levels deep


@dataclass
class InputFile:
    path: Path  # where the bytes are now
    name: str  # what to call it: the path as the user gave it, or archive.zip/member


@dataclass
class Rejected:
    name: str
    error: IngestError


def collect_inputs(paths: list[Path], workdir: Path, *, max_archive_bytes: int) -> Iterator[InputFile | Rejected]:
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.endswith(".labels.json") or child.name.startswith("."):
                    continue
                yield from _one(child, str(child), workdir, max_archive_bytes)
        elif path.exists():
            yield from _one(path, str(path), workdir, max_archive_bytes)
        else:
            yield Rejected(str(path), IngestError("文件不存在 / no such file"))


def archive_kind(path: Path) -> str | None:
    """``zip`` | ``7z`` | ``rar`` for an archive (by name, or by content for the latter two), else None.

    Only a ``.zip`` name makes a zip an archive: docx, xlsx and ofd files are zips too."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return "zip"
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return None
    if suffix == ".7z" or head.startswith(SEVEN_Z_MAGIC):
        return "7z"
    if suffix == ".rar" or head.startswith(RAR_MAGIC):
        return "rar"
    return None


def _one(path: Path, name: str, workdir: Path, max_archive_bytes: int, depth: int = 0) -> Iterator[InputFile | Rejected]:
    kind = archive_kind(path)
    if kind is None:
        yield InputFile(path, name)
        return
    if depth > MAX_DEPTH:
        yield Rejected(name, UnsafeArchive("压缩包嵌套超过一层，请解开后重新打包 / archives nested more than "
                                           "one level deep are not unpacked", file=name))
        return
    if kind == "rar":
        yield Rejected(name, UnsupportedFormat("不支持 RAR 压缩包，请解压后上传文件，或重新打包为 .zip / .7z / "
                                               "RAR archives are not read: upload the files or repack as .zip / .7z",
                                               file=name))
        return
    target_root = _fresh_dir(workdir, Path(path.name).stem)
    unpack = unpack_zip if kind == "zip" else unpack_7z
    for item in unpack(path, name, target_root, max_archive_bytes=max_archive_bytes):
        if isinstance(item, InputFile) and archive_kind(item.path) is not None:
            yield from _one(item.path, item.name, target_root, max_archive_bytes, depth + 1)
        else:
            yield item


def _fresh_dir(workdir: Path, stem: str) -> Path:
    """A new folder for one archive: two archives with the same name must not mix members."""
    target = workdir / stem
    n = 1
    while target.exists():
        n += 1
        target = workdir / f"{stem}~{n}"
    target.mkdir(parents=True)
    return target


def member_name(info: zipfile.ZipInfo) -> str | None:
    """The member's real name: UTF-8 when flagged, else UTF-8 or GB18030; None when undecodable."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")  # what zipfile decoded the bytes with
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def unpack_zip(path: Path, name: str, target_root: Path, *, max_archive_bytes: int) -> Iterator[InputFile | Rejected]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Rejected(name, CorruptFile(f"无法打开压缩包: {exc}", file=name))
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        total = sum(m.file_size for m in members)
        if total > max_archive_bytes:
            yield Rejected(name, UnsafeArchive(f"解压后 {total // 2**20} MB，超过上限 {max_archive_bytes // 2**20} MB", file=name))
            return
        for n, member in enumerate(members):
            decoded = member_name(member)
            if decoded is None:
                shown = f"{name}/（第{n + 1}个文件）"
                yield Rejected(shown, CorruptFile("压缩包内文件名的编码无法识别（既不是 UTF-8 也不是 GBK），请重新打包 / "
                                                  "the member name is neither UTF-8 nor GBK: repack the archive",
                                                  file=shown))
                continue
            member.filename = decoded
            member_name_ = f"{name}/{decoded}"
            reason = unsafe_member_reason(member)
            if reason:
                yield Rejected(member_name_, UnsafeArchive(reason, file=member_name_))
                continue
            target = target_root / PurePosixPath(decoded.replace("\\", "/"))
            if target == target_root:  # "." or "./": no file name at all
                yield Rejected(member_name_, CorruptFile("压缩包成员没有文件名 / the member has no file name",
                                                         file=member_name_))
                continue
            try:
                # inside the try: a name too long for the file system, or one whose folder is
                # already a file ("a" then "a/b"), is this member's problem, not the batch's
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, target.open("wb") as dst:
                    _copy_capped(src, dst, member.file_size)
            except (UnsafeArchive, zipfile.BadZipFile, OSError, RuntimeError) as exc:
                _remove_partial(target)
                if isinstance(exc, RuntimeError) and "encrypted" in str(exc):  # zipfile: password required
                    error: IngestError = EncryptedFile("压缩包成员设置了密码 / the member is password-protected")
                elif isinstance(exc, OSError) and exc.strerror:
                    error = CorruptFile(f"成员无法解压（文件名过长或与其他成员冲突） / the member could not be "
                                        f"written: {exc.strerror}")
                else:
                    error = exc if isinstance(exc, UnsafeArchive) else CorruptFile(str(exc))
                error.file = member_name_
                yield Rejected(member_name_, error)
                continue
            yield InputFile(target, member_name_)


def unpack_7z(path: Path, name: str, target_root: Path, *, max_archive_bytes: int) -> Iterator[InputFile | Rejected]:
    import py7zr  # imported here: only .7z archives need it

    try:
        archive = py7zr.SevenZipFile(path)
    except (py7zr.exceptions.ArchiveError, OSError, EOFError, ValueError) as exc:
        yield Rejected(name, CorruptFile(f"无法打开 7z 压缩包: {exc}", file=name))
        return
    with archive:
        if archive.needs_password():
            yield Rejected(name, EncryptedFile("7z 压缩包设置了密码 / password-protected 7z archive", file=name))
            return
        members = [m for m in archive.list() if not m.is_directory]
        total = sum(m.uncompressed or 0 for m in members)
        if total > max_archive_bytes:
            yield Rejected(name, UnsafeArchive(f"解压后 {total // 2**20} MB，超过上限 {max_archive_bytes // 2**20} MB", file=name))
            return
        safe: list[str] = []
        for member in members:
            shown = f"{name}/{member.filename}"
            info = zipfile.ZipInfo(member.filename)
            if member.is_symlink:
                info.external_attr = 0o120777 << 16
            reason = unsafe_member_reason(info)
            if reason:
                yield Rejected(shown, UnsafeArchive(reason, file=shown))
            else:
                safe.append(member.filename)
        try:
            archive.extract(path=target_root, targets=safe)
        except Exception as exc:  # noqa: BLE001 — py7zr raises many kinds for broken data
            yield Rejected(name, CorruptFile(f"7z 压缩包解压失败: {type(exc).__name__}: {exc}"[:300], file=name))
            return
        for member_path in safe:
            target = target_root / PurePosixPath(member_path)
            shown = f"{name}/{member_path}"
            if target.is_file() and not target.is_symlink():
                yield InputFile(target, shown)
            else:
                yield Rejected(shown, CorruptFile("7z 成员解压失败 / member could not be extracted", file=shown))


def unsafe_member_reason(member: zipfile.ZipInfo) -> str | None:
    """Why a member may not be unpacked, or None when it is safe."""
    raw = member.filename.replace("\\", "/")
    parts = PurePosixPath(raw).parts
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        return f"成员使用绝对路径 / absolute member path: {member.filename}"
    if ".." in parts:
        return f"成员路径含 .. / member path escapes the archive: {member.filename}"
    if (member.external_attr >> 16) & 0o170000 == 0o120000:
        return f"成员是符号链接 / member is a symbolic link: {member.filename}"
    return None


def _remove_partial(target: Path) -> None:
    """Remove what a failed member wrote; the target may be a folder or an impossible name."""
    try:
        if target.is_file() and not target.is_symlink():
            target.unlink()
    except OSError:
        pass


def _copy_capped(src, dst, declared: int) -> None:
    """Copy at most the declared size: a member that inflates beyond its header is cut off."""
    remaining = declared
    while remaining > 0:
        block = src.read(min(1 << 20, remaining))
        if not block:
            break
        dst.write(block)
        remaining -= len(block)
    if src.read(1):
        raise UnsafeArchive("成员实际大小超过声明 / member larger than declared")
