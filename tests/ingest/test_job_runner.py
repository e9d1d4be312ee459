"""The job worker on real stores (SQLite, full text, files): ingest jobs with progress in the row,
retries of a dead worker's job that keep what was done, an embedding follow-up, re-checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from assistant.settings import Settings
from assistant.stores import open_stores
from assistant.stores.jobs import JobFile, JobStore
from ingest.jobs import JobRunner, draft_payload, ingest_payload, sweep_uploads, upload_root, worker_name
from ingest.pipeline import IngestOptions
from tests.support.jobs import report_text


def queue_upload(jobs: JobStore, settings: Settings, names_texts: list[tuple[str, bytes]], *,
                 defer_vectors: bool = True, owner: str = "审核员") -> str:
    """An ingest job as the API queues one: the files in its upload folder, the job row."""
    job_id = f"job{len(jobs.list(limit=None)):09d}"
    folder = upload_root(settings) / job_id
    uploads, files = [], []
    for seq, (name, data) in enumerate(names_texts, start=1):
        (folder / str(seq)).mkdir(parents=True)
        (folder / str(seq) / name).write_bytes(data)
        uploads.append((seq, name, f"{seq}/{name}"))
        files.append(JobFile(seq=seq, name=name))
    payload = ingest_payload(IngestOptions(defer_vectors=defer_vectors), uploads)
    return jobs.enqueue("ingest", owner, payload, files, job_id=job_id).id


@pytest.fixture
def env(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    stores = open_stores(settings)
    yield settings, stores, JobStore(stores.records.engine)
    stores.close()


def test_an_ingest_job_runs_every_file_and_writes_its_outcome_to_the_row(env, tmp_path):
    settings, stores, jobs = env
    archive = tmp_path / "批次.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("材料/甲.md", report_text(1))
        zf.writestr("../逃逸.md", report_text(2))
    job_id = queue_upload(jobs, settings, [("报告.md", report_text(3).encode()), ("批次.zip", archive.read_bytes()),
                                           ("坏.docx", b"PK\x03\x04 not a docx")])
    ended = JobRunner(stores).run_once()
    assert ended is not None and ended.id == job_id and ended.state == "done" and ended.attempts == 1
    by_name = {f.name: f for f in ended.files}
    assert list(by_name) == ["报告.md", "批次.zip/材料/甲.md", "批次.zip/../逃逸.md", "坏.docx"]
    assert by_name["报告.md"].stage == by_name["批次.zip/材料/甲.md"].stage == "indexed"
    assert by_name["批次.zip/../逃逸.md"].code == "unsafe_archive" and by_name["坏.docx"].stage == "failed"
    sid = by_name["报告.md"].submission_id
    assert stores.records.get_submission(sid) is not None and stores.fulltext.search("群众满意度")
    assert not (upload_root(settings) / job_id).exists(), "the job's end removes its upload folder"
    assert jobs.children(job_id) == []  # vectors deferred: no embedding job


def test_a_dead_workers_job_is_retried_and_keeps_what_was_done(env):
    """A worker on another machine took the job, stored the first file, and died: once its lease
    expires the job goes back to the queue and the next worker does the rest, exactly once."""
    settings, stores, jobs = env
    job_id = queue_upload(jobs, settings, [(f"报告{n}.md", report_text(n).encode()) for n in range(3)])
    dead = jobs.claim("other-host:4242:dead", lease_s=1)
    # what the dead worker got done: the first file, stored and recorded
    first = JobRunner(stores, jobs=jobs, worker="other-host:4242:dead", lease_s=1)
    from ingest.collect import InputFile
    first._ingest_item(dead, 1, 0, InputFile(path=upload_root(settings) / job_id / "1" / "报告0.md", name="报告0.md"),
                       IngestOptions(defer_vectors=True))
    assert jobs.claim("w2", 30) is None  # while its lease runs, nobody else takes it
    expired = datetime.now(UTC) + timedelta(seconds=2)
    assert jobs.requeue_expired(now=expired) == 1
    ended = JobRunner(stores, jobs=jobs).run_once()
    assert ended.id == job_id and ended.state == "done" and ended.attempts == 2
    assert [f.stage for f in ended.files] == ["indexed"] * 3  # the first one was not run again (no "skipped")
    assert len(stores.records.list_submissions()) == 3


def test_a_job_left_running_by_a_killed_process_here_is_resumed_at_once(env):
    settings, stores, jobs = env
    job_id = queue_upload(jobs, settings, [("报告.md", report_text(7).encode())])
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    host = worker_name().split(":")[0]
    jobs.claim(f"{host}:{gone.stdout.strip()}:x", lease_s=3600)  # a long lease: only the dead pid tells
    runner = JobRunner(stores, jobs=jobs)
    assert runner.run(once=True) == 1
    ended = jobs.get(job_id)
    assert ended.state == "done" and ended.attempts == 2 and ended.files[0].stage == "indexed"


def test_a_live_workers_job_is_not_taken(env):
    settings, stores, jobs = env
    queue_upload(jobs, settings, [("报告.md", report_text(8).encode())])
    jobs.claim(worker_name(), lease_s=3600)  # this very process: alive
    assert JobRunner(stores, jobs=jobs).run(once=True) == 0


def test_a_stopping_worker_gives_the_job_back_between_files(env):
    settings, stores, jobs = env
    job_id = queue_upload(jobs, settings, [(f"报告{n}.md", report_text(n).encode()) for n in range(10, 13)])
    runner = JobRunner(stores, jobs=jobs)
    calls = []
    real = runner._ingest_item

    def ingest_then_stop(*args, **kwargs):
        real(*args, **kwargs)
        calls.append(1)
        runner.stop_event.set()  # as SIGTERM would, after the first file

    runner._ingest_item = ingest_then_stop
    runner.run_once()
    back = jobs.get(job_id)
    assert back.state == "queued" and back.attempts == 0 and len(calls) == 1
    assert [f.stage for f in back.files] == ["indexed", "queued", "queued"]
    assert (upload_root(settings) / job_id).exists(), "the folder stays for the rest of the job"
    ended = JobRunner(stores, jobs=jobs).run_once()
    assert ended.state == "done" and [f.stage for f in ended.files] == ["indexed"] * 3


def test_a_missing_upload_fails_that_file_with_a_chinese_reason(env):
    settings, stores, jobs = env
    job_id = queue_upload(jobs, settings, [("报告.md", report_text(9).encode())])
    (upload_root(settings) / job_id / "1" / "报告.md").unlink()
    ended = JobRunner(stores, jobs=jobs).run_once()
    assert ended.state == "done" and ended.files[0].stage == "failed"
    assert ended.files[0].code == "upload_missing" and "重新上传" in ended.files[0].reason


def test_embedding_is_its_own_job_after_the_records(env):
    settings, stores, jobs = env
    job_id = queue_upload(jobs, settings, [("报告.md", report_text(11).encode())], defer_vectors=False)
    runner = JobRunner(stores, jobs=jobs)
    ingest = runner.run_once()
    sid = ingest.files[0].submission_id
    (embed,) = jobs.children(job_id)
    assert ingest.state == "done" and embed.state == "queued" and embed.payload == {"submission_ids": [sid]}
    total, embedded = stores.records.chunk_counts(sid)
    assert total >= 1 and embedded == 0  # records and findings first, vectors not yet
    ended = runner.run_once()
    assert ended.id == embed.id and ended.state == "done" and ended.progress == total
    assert stores.records.chunk_counts(sid) == (total, total) and stores.vectors.count() == total


def test_a_recheck_job_rechecks_stored_submissions(env):
    settings, stores, jobs = env
    queue_upload(jobs, settings, [("报告.md", report_text(12).encode())])
    runner = JobRunner(stores, jobs=jobs)
    sid = runner.run_once().files[0].submission_id
    job = jobs.enqueue("recheck", "审核员", {"submission_ids": [sid]})
    ended = runner.run_once()
    assert ended.id == job.id and ended.state == "done" and (ended.progress, ended.total) == (1, 1)


def test_a_draft_job_drafts_each_submission_as_its_next_version_and_a_gone_one_fails_alone(env):
    from assistant.drafting import DraftStore

    settings, stores, jobs = env
    queue_upload(jobs, settings, [(f"报告{n}.md", report_text(n).encode()) for n in (14, 15)])
    runner = JobRunner(stores, jobs=jobs)
    sids = [f.submission_id for f in runner.run_once().files]
    keys = [f"review:{sid}" for sid in sids] + ["review:0000000000000000"]
    payload, files = draft_payload([(k, {"annex": True}) for k in keys], "审核员")
    job = jobs.enqueue("draft", "审核员", payload, files, total=len(files))
    assert job.state == "queued"
    ended = runner.run_once()
    assert ended.id == job.id and ended.state == "done" and (ended.progress, ended.total) == (3, 3)
    assert [f.stage for f in ended.files] == ["drafted", "drafted", "failed"]
    assert [f.submission_id for f in ended.files] == [*sids, "0000000000000000"]
    assert ended.files[2].code == "not_found" and "材料不存在" in ended.files[2].reason
    drafts = DraftStore(stores.records)
    for key, f in zip(keys[:2], ended.files, strict=False):
        latest = drafts.latest(key)
        assert latest is not None and latest.editor == "审核员" and f.reason == f"第{latest.version}版"
        assert latest.draft.meta.get("annex") is True
    # run again (as a retry would): the unchanged drafts get no new version
    again = jobs.enqueue("draft", "审核员", payload, files, total=len(files))
    assert runner.run_once().id == again.id
    assert [len(drafts.versions(k)) for k in keys[:2]] == [1, 1]


def test_an_unknown_kind_fails_with_a_chinese_reason(env):
    _settings, stores, jobs = env
    job = jobs.enqueue("translate", "审核员")  # no such kind ("draft" is one now)
    ended = JobRunner(stores, jobs=jobs).run_once()
    assert ended.id == job.id and ended.state == "failed" and ended.error.startswith("未知的任务类型")


def test_a_start_keeps_the_uploads_of_unfinished_jobs_and_removes_the_rest(env):
    settings, stores, jobs = env
    queued = queue_upload(jobs, settings, [("报告.md", report_text(13).encode())])
    finished = queue_upload(jobs, settings, [("报告.md", report_text(14).encode())])
    jobs.claim("w", 30, kinds=("ingest",))  # the older one: running
    orphan = upload_root(settings) / "0123456789ab"  # an upload whose job was never queued
    (orphan / "1").mkdir(parents=True)
    old = time.time() - 120
    for path in (orphan, upload_root(settings) / finished):
        os.utime(path, (old, old))
    jobs.claim("w", 30, kinds=("ingest",))  # the other one ended, but its worker was killed before removing it
    jobs.finish(finished, "w", "done")
    removed = {p.name for p in sweep_uploads(settings, jobs)}
    assert removed == {finished, "0123456789ab"}
    assert (upload_root(settings) / queued / "1" / "报告.md").exists()
