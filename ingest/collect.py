"""Turn what the user named (files, folders, .zip archives) into a list of files to ingest.

Archives are unpacked member by member into a private folder, never with ``extractall``:
absolute paths, ``..`` parts and links are refused, and the uncompressed total is capped before
anything is written, so a hostile zip can neither escape the folder nor fill the disk. A
refused member is reported with its reason and the rest of the batch goes on.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ingest.errors import CorruptFile, IngestError, UnsafeArchive


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


def _one(path: Path, name: str, workdir: Path, max_archive_bytes: int) -> Iterator[InputFile | Rejected]:
    if path.suffix.lower() == ".zip":
        yield from unpack_zip(path, name, workdir, max_archive_bytes=max_archive_bytes)
    else:
        yield InputFile(path, name)


def unpack_zip(path: Path, name: str, workdir: Path, *, max_archive_bytes: int) -> Iterator[InputFile | Rejected]:
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
        target_root = workdir / Path(path.name).stem
        for member in members:
            member_name = f"{name}/{member.filename}"
            reason = unsafe_member_reason(member)
            if reason:
                yield Rejected(member_name, UnsafeArchive(reason, file=member_name))
                continue
            target = target_root / PurePosixPath(member.filename)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as src, target.open("wb") as dst:
                    _copy_capped(src, dst, member.file_size)
            except (UnsafeArchive, zipfile.BadZipFile, OSError) as exc:
                target.unlink(missing_ok=True)
                error = exc if isinstance(exc, UnsafeArchive) else CorruptFile(str(exc))
                error.file = member_name
                yield Rejected(member_name, error)
                continue
            if target.suffix.lower() == ".zip":
                yield Rejected(member_name, UnsafeArchive("压缩包内不再解压嵌套的压缩包 / nested archives are not unpacked", file=member_name))
                continue
            yield InputFile(target, member_name)


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
