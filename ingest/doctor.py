"""``ziping doctor``: find (and repair) drift between the records, the full text, the vectors and
the data directory's files.

A chunk has one id in the records, the full-text index and the vector store, and the records are
the source of truth (:mod:`assistant.stores`). A process killed between two of those writes, a
vector store restored from an older backup or a hand-deleted file leaves them out of step; the
batch pipeline finishes what a killed run left undone for the files it sees again, and this
module finds everything else:

==================  ===============================================  ====================================
drift               found as                                         repaired by
==================  ===============================================  ====================================
fulltext_missing    a stored chunk not in the full-text index        re-indexing its submission from the
                                                                     records' chunks
fulltext_orphan     an indexed chunk the records do not hold         deleting it from the index
vector_missing      a stored chunk without a vector (or flagged      embedding it again
                    as waiting for one)
vector_orphan       a vector the records do not hold                 deleting it
original_missing    a submission whose kept original file is gone    nothing here: ingesting the file
                                                                     again puts it back
original_orphan     a kept original of no stored submission          deleting it
partial_file        a half-copied original (``.*.partial``)          deleting it
scratch_leftover    an unpack or upload folder whose process died    deleting it
==================  ===============================================  ====================================

Locks are ``flock`` locks (the Chroma write lock, the migration lock, each scratch folder's
owner lock), which the kernel drops when their process dies, however it dies: a lock file left
behind is free, never stale, so it is not drift. A lock or scratch folder *held* by a live
process means an ingest is running; the report says so, since a running ingest's half-done
state (chunks still waiting for vectors) is reported too.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assistant.stores import Stores, VectorStoreUnavailable
from ingest.pipeline import original_path
from ingest.scratch import (
    LEGACY_TEMP_PREFIX,
    UNPACK_PREFIX,
    abandoned,
    held,
    in_use,
    legacy_temp_root,
    scratch_root,
)

DriftKind = Literal["fulltext_missing", "fulltext_orphan", "vector_missing", "vector_orphan", "original_missing",
                    "original_orphan", "partial_file", "scratch_leftover"]

TITLES: dict[str, str] = {
    "fulltext_missing": "全文索引缺少片段",
    "fulltext_orphan": "全文索引有多余片段",
    "vector_missing": "片段缺少向量",
    "vector_orphan": "向量库有多余向量",
    "original_missing": "原件缺失",
    "original_orphan": "多余的原件",
    "partial_file": "未写完的原件副本",
    "scratch_leftover": "遗留的临时文件夹",
}

PARTIAL_SUFFIX = ".partial"


@dataclass
class Drift:
    """One thing out of step: a submission's chunks missing from (or extra in) a store, or a path."""

    kind: DriftKind
    submission_id: str | None = None
    file_name: str | None = None
    chunk_ids: list[str] = field(default_factory=list)
    path: str | None = None

    @property
    def message(self) -> str:
        what = f"《{self.file_name}》（{self.submission_id}）" if self.file_name else f"材料 {self.submission_id}"
        n = len(self.chunk_ids)
        return {
            "fulltext_missing": f"{what}有 {n} 个片段不在全文索引中",
            "fulltext_orphan": f"全文索引中有{what}的 {n} 个片段，记录库中没有",
            "vector_missing": f"{what}有 {n} 个片段没有向量（或向量待更新）",
            "vector_orphan": f"向量库中有{what}的 {n} 个向量，记录库中没有对应片段",
            "original_missing": f"{what}的原件不在 {self.path}",
            "original_orphan": f"原件 {self.path} 不属于任何已入库材料",
            "partial_file": f"未写完的原件副本 {self.path}",
            "scratch_leftover": f"已结束进程遗留的临时文件夹 {self.path}",
        }[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": TITLES[self.kind], "submission_id": self.submission_id,
                "file_name": self.file_name, "chunks": len(self.chunk_ids), "path": self.path,
                "message": self.message}


@dataclass
class Repair:
    """What ``--repair`` did about one kind of drift (``done`` false: it could not)."""

    kind: DriftKind
    count: int
    message: str
    done: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": TITLES[self.kind], "count": self.count, "done": self.done,
                "message": self.message}


@dataclass
class Totals:
    submissions: int = 0
    chunks: int = 0
    fulltext: int = 0
    vectors: int = 0


@dataclass
class DoctorReport:
    drift: list[Drift] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    busy: list[str] = field(default_factory=list)  # locks and scratch folders held by live processes
    repaired: list[Repair] = field(default_factory=list)
    remaining: list[Drift] | None = None  # drift found again after repairing (None: no repair run)
    vectors_error: str | None = None  # the vector store could not be read: nothing is known of it

    @property
    def clean(self) -> bool:
        """No drift left (none found, or everything found was repaired) and every store was read."""
        return not self.vectors_error and not (self.drift if self.remaining is None else self.remaining)

    def counts(self, items: list[Drift]) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for item in items:
            out[item.kind] += 1
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "clean": self.clean,
            "totals": dict(self.totals.__dict__),
            "counts": self.counts(self.drift),
            "drift": [d.to_dict() for d in self.drift],
            "busy": self.busy,
            "vectors_error": self.vectors_error,
        }
        if self.remaining is not None:
            out["repaired"] = [r.to_dict() for r in self.repaired]
            out["remaining"] = [d.to_dict() for d in self.remaining]
        return out


def diagnose(stores: Stores) -> DoctorReport:
    """Compare the three stores and the data directory; changes nothing."""
    settings = stores.settings
    report = DoctorReport()
    summaries = {s.id: s for s in stores.records.list_submissions()}
    names = {sid: s.file_name for sid, s in summaries.items()}
    records = stores.records.chunk_index()
    fulltext = stores.fulltext.chunk_index()
    try:
        vectors = _vector_index(stores)
    except VectorStoreUnavailable as err:
        report.vectors_error = str(err)
        vectors = []
    report.totals = Totals(submissions=len(summaries), chunks=len(records), fulltext=len(fulltext),
                           vectors=len(vectors))

    stored = {cid: sid for cid, sid, _ in records}
    indexed = dict(fulltext)
    embedded = dict(vectors)
    waiting = {cid for cid, _, flag in records if not flag}
    report.drift += _grouped("fulltext_missing", {c: s for c, s in stored.items() if c not in indexed}, names)
    report.drift += _grouped("fulltext_orphan", {c: s for c, s in indexed.items() if c not in stored}, names)
    if report.vectors_error is None:
        report.drift += _grouped("vector_missing",
                                 {c: s for c, s in stored.items() if c not in embedded or c in waiting}, names)
        report.drift += _grouped("vector_orphan", {c: s for c, s in embedded.items() if c not in stored}, names)

    files = settings.files_dir
    for sid, summary in sorted(summaries.items()):
        if summary.format and not original_path(stores, sid, summary.format).exists():
            report.drift.append(Drift("original_missing", sid, summary.file_name,
                                      path=str(original_path(stores, sid, summary.format))))
    if files.is_dir():
        for path in sorted(files.iterdir()):
            if path.name.startswith(".") and path.name.endswith(PARTIAL_SUFFIX):
                report.drift.append(Drift("partial_file", path=str(path)))
            elif path.is_file() and not path.name.startswith(".") and path.stem not in summaries:
                report.drift.append(Drift("original_orphan", path=str(path)))

    queued = _unfinished_uploads(stores)
    for root, prefix in _scratch_places(stores):
        report.drift += [Drift("scratch_leftover", path=str(p)) for p in abandoned(root, prefix)
                         if not (root.name == "uploads" and p.name in queued)]
        report.busy += [str(p) for p in in_use(root, prefix)]
    report.busy += [str(lock) for lock in _lock_files(stores) if held(lock)]
    return report


def repair(stores: Stores, report: DoctorReport, progress: Callable[[int], Any] | None = None) -> DoctorReport:
    """Repair the drift ``report`` found, then look again (``report.remaining``); returns ``report``."""
    by_kind: dict[str, list[Drift]] = defaultdict(list)
    for item in report.drift:
        by_kind[item.kind].append(item)
    done: list[Repair] = []

    for item in by_kind["scratch_leftover"] + by_kind["partial_file"] + by_kind["original_orphan"]:
        path = Path(item.path or "")
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    for kind in ("scratch_leftover", "partial_file", "original_orphan"):
        if by_kind[kind]:
            done.append(Repair(kind, len(by_kind[kind]), f"已删除 {len(by_kind[kind])} 个{TITLES[kind]}"))

    if by_kind["fulltext_orphan"]:
        ids = [c for item in by_kind["fulltext_orphan"] for c in item.chunk_ids]
        stores.fulltext.delete(ids)
        done.append(Repair("fulltext_orphan", len(ids), f"已从全文索引删除 {len(ids)} 个多余片段"))
    if by_kind["fulltext_missing"]:
        sids = [item.submission_id for item in by_kind["fulltext_missing"] if item.submission_id]
        chunks = sum(stores.complete_fulltext(sid) for sid in sids)
        done.append(Repair("fulltext_missing", chunks,
                           f"已按记录库重建 {len(sids)} 份材料的全文索引（{chunks} 个片段）"))
    if by_kind["vector_orphan"]:
        ids = [c for item in by_kind["vector_orphan"] for c in item.chunk_ids]
        stores.vectors.delete(ids)
        done.append(Repair("vector_orphan", len(ids), f"已从向量库删除 {len(ids)} 个多余向量"))
    if by_kind["vector_missing"]:
        ids = [c for item in by_kind["vector_missing"] for c in item.chunk_ids]
        stores.records.mark_embedded(ids, False)  # flagged as embedded but absent: embed again
        embedded = stores.sync_vectors(progress=progress)
        done.append(Repair("vector_missing", embedded, f"已重新生成 {embedded} 个片段的向量"))
    if by_kind["original_missing"]:
        n = len(by_kind["original_missing"])
        done.append(Repair("original_missing", n, f"{n} 份材料的原件无法从库中恢复：请用 ziping ingest 重新入库原文件"
                                                  "（内容相同的文件会补回原件）", done=False))
    report.repaired = done
    again = diagnose(stores)
    report.remaining, report.vectors_error = again.drift, again.vectors_error
    return report


def _vector_index(stores: Stores) -> list[tuple[str, str]]:
    """Every vector as (chunk id, submission id); an embedded store never opened holds none (and
    is not created just to look)."""
    settings = stores.settings
    if not settings.chroma_url and not settings.chroma_dir.exists():
        return []
    return stores.vectors.chunk_index()


def _grouped(kind: DriftKind, chunks: dict[str, str], names: dict[str, str | None]) -> list[Drift]:
    by_sid: dict[str, list[str]] = defaultdict(list)
    for cid, sid in chunks.items():
        by_sid[sid].append(cid)
    return [Drift(kind, sid, names.get(sid), sorted(ids)) for sid, ids in sorted(by_sid.items())]


def _scratch_places(stores: Stores) -> list[tuple[Path, str]]:
    data_dir = stores.settings.data_dir
    return [(scratch_root(data_dir), UNPACK_PREFIX), (data_dir / "uploads", ""),
            (legacy_temp_root(), LEGACY_TEMP_PREFIX)]


def _unfinished_uploads(stores: Stores) -> set[str]:
    """Upload folders still owned by a queued or running job (named by the job's id): a worker will
    read them, so they are no leftover even when no live process holds them."""
    from assistant.stores.jobs import UNFINISHED, JobStore

    return {j.id for j in JobStore(stores.records.engine).list(UNFINISHED, limit=None, with_files=False)}


def _lock_files(stores: Stores) -> list[Path]:
    data_dir = stores.settings.data_dir
    return sorted({data_dir / "chroma.lock", *data_dir.glob("*.migrate.lock")})


__all__ = ["TITLES", "DoctorReport", "Drift", "Repair", "Totals", "diagnose", "repair"]
