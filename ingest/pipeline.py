"""The batch pipeline: files → submissions → findings → records + full text, then vectors.

Each file is handled on its own: read, recognise, check, chunk and store in one go, and any
failure is recorded against that file only — the batch goes on and nothing already stored is
touched. Files are named by content (sha256), so a second run skips what is already stored
unless ``force`` is set. Records and the full-text index are written first; embedding, the
slowest step, runs after the whole batch (or later with ``defer_vectors``), so findings and
keyword search are available before the vectors are. Reading and recognising, the CPU-heavy
part, runs for the next files in a pool of processes (:mod:`ingest.pool`, one per core by
default) while this process checks and stores the current one in the batch's order.

A run killed part-way (``kill -9``, a power cut) is finished by the next one without ``force``: a
file whose records committed is skipped by its hash, but its full text and kept original are
completed when missing, and every stored chunk still without a vector is embedded at the end
(whether or not this run stored anything). What a run cannot finish this way is found by
``ziping doctor`` (:mod:`ingest.doctor`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant.checker.profiles import AUTO
from assistant.checker.recheck import recheck
from assistant.checker.version import rules_version
from assistant.model import Submission
from assistant.review.corrections import with_corrections
from assistant.stores import Stores, SubmissionSummary, VectorStoreUnavailable
from assistant.stores.cycle import CycleStore
from ingest.chunking import chunk_submission
from ingest.collect import InputFile, Rejected, collect_inputs
from ingest.errors import IngestError
from ingest.extract import extract_or_hold, file_sha256, submission_id
from ingest.pool import Read, ReadFailure, ReadJob, internal_error, pool_workers, read_ahead
from ingest.prepare import Defaults, Prepared, fill_defaults, findings_for, with_terms
from ingest.readers.caps import PageCaps
from ingest.scratch import UNPACK_PREFIX, scratch_dir, scratch_root, sweep, sweep_legacy_temp

FileStatus = Literal["ok", "needs_review", "failed", "skipped"]
Stage = Literal["queued", "parsed", "checked", "indexed", "failed", "skipped"]


@dataclass
class FileResult:
    name: str
    status: FileStatus
    reason: str | None = None
    submission_id: str | None = None
    kind: str | None = None
    evaluations: int = 0
    findings: int = 0
    chunks: int = 0

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class IngestOptions:
    year: int | None = None  # fills a submission's year when the file does not state it
    unit: str | None = None  # likewise for the unit
    force: bool = False  # re-ingest files already stored
    defer_vectors: bool = False  # leave embedding to a later `ziping embed`
    profile: str = AUTO  # a profile name or path; auto picks one from the recognised layout
    max_bytes: int = 50 * 2**20
    max_archive_bytes: int = 500 * 2**20
    replaces: str | None = None  # the submission these files are a new version of (a resubmission)
    actor: str | None = None  # who sent the files: the audit log names them for a new version
    bureau: str | None = None  # the bureau the files go to (None: the stores' own, the default bureau)

    @property
    def defaults(self) -> Defaults:
        """What a reading process needs of these options to prepare a file (:mod:`ingest.prepare`)."""
        return Defaults(year=self.year, unit=self.unit, profile=self.profile)


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    embedded: int = 0
    vectors_error: str | None = None  # why vectors could not be made now (they wait for the next run)

    def count(self, status: FileStatus) -> int:
        return sum(1 for f in self.files if f.status == status)

    def to_dict(self) -> dict[str, object]:
        counts = {s: self.count(s) for s in ("ok", "needs_review", "failed", "skipped")}
        return {"counts": counts, "embedded": self.embedded, "vectors_error": self.vectors_error,
                "files": [f.to_dict() for f in self.files]}


# progress(stage, name, done, total): one call per file and stage, for bars and job status.
Progress = Callable[[Stage, str, int, int], None]


def ingest_paths(paths: list[Path], stores: Stores, options: IngestOptions,
                 progress: Progress | None = None) -> IngestReport:
    report = IngestReport()
    root = scratch_root(stores.settings.data_dir)
    sweep(root, UNPACK_PREFIX)  # what killed runs left behind (see ingest.scratch)
    sweep_legacy_temp()
    with scratch_dir(root) as tmp:
        inputs = list(collect_inputs(paths, tmp, max_archive_bytes=options.max_archive_bytes))
        total = len(inputs)
        reads = read_ahead(enumerate(inputs, start=1), lambda pair: read_job(pair[1], stores, options),
                           workers=pool_workers(stores.settings.ingest_workers),
                           max_page_pixels=stores.settings.max_page_pixels, timeout=stores.settings.read_timeout,
                           page_caps=PageCaps.of(stores.settings), nice=stores.settings.read_nice)
        with closing(reads):
            for (done, item), read in reads:
                if isinstance(item, Rejected):
                    result = FileResult(item.name, "failed", reason=str(item.error))
                else:
                    result = ingest_one(item, stores, options,
                                        lambda stage, name=item.name, d=done: _tell(progress, stage, name, d, total),
                                        read=read)
                report.files.append(result)
                _tell(progress, "failed" if result.status == "failed" else "indexed", result.name, done, total)
    if not options.defer_vectors:
        # also the chunks an interrupted run stored without vectors (its files are skipped now)
        try:
            report.embedded = stores.sync_vectors(progress=lambda n: setattr(report, "embedded", n))
        except VectorStoreUnavailable as err:  # the files are stored; their chunks wait for vectors
            report.vectors_error = str(err)
    return report


def _tell(progress: Progress | None, stage: Stage, name: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, name, done, total)


def read_job(item: InputFile | Rejected, stores: Stores, options: IngestOptions) -> ReadJob | None:
    """What a reading process should read for this input: nothing for a refused input or for a
    file already stored (unless ``force``); :func:`ingest_one` decides again when storing it."""
    if isinstance(item, Rejected):
        return None
    try:
        if not options.force and stores.records.find_by_sha256(file_sha256(item.path)) is not None:
            return None
    except OSError:
        pass  # the reading process reports the unreadable file
    return ReadJob(item.path, Path(item.name).name, options.max_bytes, options.defaults)


def ingest_one(item: InputFile, stores: Stores, options: IngestOptions,
               stage: Callable[[Stage], None] | None = None,
               read: Read | None = None) -> FileResult:
    """Ingest one file; every error ends up in the result, never as an exception. ``read`` is what a
    reading process made of the file (:mod:`ingest.pool`): what it prepared is used where nothing
    only the stores know changes it (:mod:`ingest.prepare`); without it the file is read here."""
    stage = stage or (lambda _s: None)
    if options.bureau is not None and options.bureau != stores.records.home:
        stores = stores.within(stores.records.bureau, home=options.bureau)
    try:
        sha = file_sha256(item.path)
        existing = stores.records.find_by_sha256(sha)
        if existing is not None and stores.records.bureau_of(existing.id) != stores.records.home:
            # a file's id is its content's: one copy per installation, in the bureau that sent it first
            return FileResult(item.name, "failed", reason="内容相同的文件已由其他机构入库，不能重复入库 / "
                                                          "the same file is stored by another bureau")
        if existing is not None and not options.force:
            mended = _finish_stored(item.path, existing, stores)
            stage("skipped")
            reason = "已入库（内容相同） / already stored"
            if mended:
                reason = f"已入库（内容相同），已补全{'、'.join(mended)} / already stored, completed"
            return FileResult(item.name, "skipped", reason=reason, submission_id=existing.id, kind=existing.kind)
        if isinstance(read, ReadFailure):
            return FileResult(item.name, "failed", reason=read.reason)
        prepared = read if isinstance(read, Prepared) else None
        sub = prepared.submission if prepared is not None else extract_or_hold(
            item.path, name=Path(item.name).name, max_bytes=options.max_bytes)
        stage("parsed")
        fill_defaults(sub, options.defaults)
        sub = with_corrections(sub, stores.records)  # a reviewer's corrections outlive reading the file again
        findings = findings_for(prepared, sub, options.profile, CycleStore(stores.records).cycle_for(sub.id, sub))
        stage("checked")
        if prepared is not None and prepared.submission is sub:
            chunks = prepared.chunks
        else:
            chunks = with_terms(chunk_submission(sub), prepared.terms if prepared is not None else {})
        stores.save(sub, chunks, findings, rules_version=rules_version(options.profile), replaces=options.replaces,
                    actor=options.actor)
        findings = _link_cycle(sub, stores, options) or findings
        _keep_original(item.path, sub, stores)
    except IngestError as err:
        return FileResult(item.name, "failed", reason=str(err))
    except Exception as exc:  # noqa: BLE001 — one bad file must never stop the batch
        return FileResult(item.name, "failed", reason=internal_error(exc))
    return FileResult(item.name, sub.status if sub.status != "failed" else "failed", reason=sub.status_reason,
                      submission_id=sub.id, kind=sub.kind, evaluations=len(sub.evaluations),
                      findings=len(findings), chunks=len(chunks))


def _link_cycle(sub: Submission, stores: Stores, options: IngestOptions) -> list | None:
    """Link a 绩效目标申报表 / 绩效监控表 to its self-evaluation (and re-check that one with it), or
    a self-evaluation to the forms that were waiting for it (and re-check it; the same project's
    later years stored before it are re-checked too, it being their history); returns the new
    findings of ``sub`` when it was re-checked. A form that matches none or several is stored
    unlinked with its note (:mod:`assistant.stores.cycle`): the file's status reason says so."""
    cycles = CycleStore(stores.records)
    link = cycles.register(sub)
    if link is not None:
        sub.status_reason = f"{sub.status_reason or ''}；{link.note}".lstrip("；")
        stores.records.save_submission(sub)  # the note beside the file's status; chunks and findings stay
        if link.evaluation_id:
            recheck(stores.records, [link.evaluation_id], options.profile)
        return None
    later = cycles.later_years(sub)  # a year stored late: the years after it compare with it now
    if later:
        recheck(stores.records, later, options.profile)
    if cycles.attach(sub):
        recheck(stores.records, [sub.id], options.profile)
        return stores.records.get_findings(sub.id)
    return None


def _finish_stored(path: Path, existing: SubmissionSummary, stores: Stores) -> list[str]:
    """What a run killed after the records commit left undone for a stored file: its full text
    and its kept original (vectors follow in :meth:`Stores.sync_vectors`). Names what was done."""
    mended = []
    if stores.complete_fulltext(existing.id):
        mended.append("全文索引")
    if existing.format and not original_path(stores, existing.id, existing.format).exists():
        _copy_original(path, original_path(stores, existing.id, existing.format))
        mended.append("原件")
    return mended


def _keep_original(path: Path, sub: Submission, stores: Stores) -> None:
    """Keep the original bytes so reviewers can open the file at the cited page."""
    target = original_path(stores, sub.id, sub.file.format)
    if not target.exists():
        _copy_original(path, target)


def _copy_original(path: Path, target: Path) -> None:
    """Copy under a temporary name, then rename: a killed copy never leaves a truncated original."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(path, partial)
    partial.replace(target)


def original_path(stores: Stores, sid: str, fmt: str) -> Path:
    return stores.settings.files_dir / f"{sid}.{fmt}"


__all__ = ["FileResult", "IngestOptions", "IngestReport", "ingest_one", "ingest_paths", "original_path",
           "read_job", "submission_id"]
