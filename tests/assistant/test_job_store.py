"""The jobs store on real SQLite and real PostgreSQL: queueing, claiming, leases, retries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from assistant.stores.jobs import JobFile, JobStore, LeaseLost
from assistant.stores.records import RecordStore
from tests.support.postgres import fresh_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ziping.db'}"
        return
    with fresh_database(request.getfixturevalue("postgres_url"), "zp_jobs_") as url:
        yield url


@pytest.fixture
def jobs(url) -> Iterator[JobStore]:
    records = RecordStore(url)
    yield JobStore(records.engine)
    records.close()


def test_a_queued_job_is_stored_with_its_files_and_listed_by_state(jobs):
    job = jobs.enqueue("ingest", "审核员甲", {"options": {"defer_vectors": True}},
                       [JobFile(seq=1, name="甲.docx"), JobFile(seq=2, name="乙.pdf", stage="failed",
                                                                status="failed", code="corrupt_file", reason="已损坏")])
    assert job.state == "queued" and job.attempts == 0 and job.owner == "审核员甲"
    assert [(f.seq, f.name, f.stage) for f in job.files] == [(1, "甲.docx", "queued"), (2, "乙.pdf", "failed")]
    assert job.files[1].code == "corrupt_file" and job.created_at.tzinfo is not None
    other = jobs.enqueue("recheck", "审核员乙", {"every": True})
    assert [j.id for j in jobs.list(state="queued")] == [other.id, job.id]  # newest first
    assert [j.id for j in jobs.list(owner="审核员甲")] == [job.id]
    assert jobs.list(state="running") == [] and jobs.list(state=("done", "failed")) == []
    assert jobs.get("no-such-job") is None and jobs.version("no-such-job") is None


def test_claim_takes_the_oldest_queued_job_once(jobs):
    first, second = jobs.enqueue("ingest", "a"), jobs.enqueue("embed", "a")
    took = jobs.claim("w1", lease_s=30)
    assert took is not None and took.id == first.id and took.state == "running"
    assert took.worker == "w1" and took.attempts == 1 and took.lease_until > datetime.now(UTC)
    assert jobs.claim("w2", lease_s=30).id == second.id
    assert jobs.claim("w3", lease_s=30) is None
    assert jobs.claim("w3", lease_s=30, kinds=("recheck",)) is None


def test_claim_by_kind(jobs):
    jobs.enqueue("ingest", "a")
    embed = jobs.enqueue("embed", "a")
    assert jobs.claim("w", 30, kinds=("embed",)).id == embed.id


def test_concurrent_claims_never_take_the_same_job(jobs):
    ids = {jobs.enqueue("ingest", "a").id for _ in range(12)}
    taken: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (job := jobs.claim(name, 30)) is not None:
            with lock:
                taken.append(job.id)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(taken) == sorted(ids)  # every job once, none twice


def test_progress_and_file_outcomes_bump_the_version(jobs):
    job = jobs.enqueue("ingest", "a", files=[JobFile(seq=1, name="包.zip")])
    held = jobs.claim("w", 30)
    jobs.set_file(job.id, "w", 30, 1, stage="parsed")
    jobs.expand_file(job.id, "w", 30, 1, [JobFile(seq=1, name="包.zip/甲.md"), JobFile(seq=1, name="包.zip/乙.md")])
    jobs.set_file(job.id, "w", 30, 1, 2, stage="indexed", status="ok", submission_id="s2", findings=3)
    jobs.set_progress(job.id, "w", 30, progress=1, total=2)
    now = jobs.get(job.id)
    assert now.version == held.version + 4
    assert [(f.member, f.name, f.stage) for f in now.files] == [(1, "包.zip/甲.md", "queued"),
                                                               (2, "包.zip/乙.md", "indexed")]
    assert now.files[1].findings == 3 and (now.progress, now.total) == (1, 2)
    with pytest.raises(ValueError):
        jobs.set_file(job.id, "w", 30, 1, 1, owner="x")


def test_an_expired_lease_puts_the_job_back_and_the_old_worker_is_refused(jobs):
    job = jobs.enqueue("ingest", "a", files=[JobFile(seq=1, name="甲.md")])
    jobs.claim("dead-worker", lease_s=30)
    assert jobs.requeue_expired() == 0  # the lease still runs
    assert jobs.requeue_expired(now=datetime.now(UTC) + timedelta(seconds=31)) == 1
    back = jobs.get(job.id)
    assert back.state == "queued" and back.attempts == 1 and "中断" in back.error
    again = jobs.claim("w2", 30)
    assert again.id == job.id and again.attempts == 2 and again.error is None
    with pytest.raises(LeaseLost):  # the first worker woke up: its writes no longer count
        jobs.set_file(job.id, "dead-worker", 30, 1, stage="indexed")
    with pytest.raises(LeaseLost):
        jobs.finish(job.id, "dead-worker", "done")
    assert not jobs.heartbeat(job.id, "dead-worker", 30) and jobs.heartbeat(job.id, "w2", 30)
    assert jobs.get(job.id).files[0].stage == "queued"


def test_a_job_tried_max_attempts_times_fails_with_a_chinese_reason(jobs):
    job = jobs.enqueue("ingest", "a", max_attempts=2)
    later = datetime.now(UTC) + timedelta(seconds=31)
    jobs.claim("w1", 30)
    jobs.requeue_expired(now=later)
    jobs.claim("w2", 30)
    jobs.requeue_expired(now=later)
    failed = jobs.get(job.id)
    assert failed.state == "failed" and failed.attempts == 2 and failed.finished_at is not None
    assert failed.error.startswith("已尝试多次仍未完成")
    assert jobs.claim("w3", 30) is None


def test_finish_queues_one_follow_up_and_release_gives_the_job_back(jobs):
    job = jobs.enqueue("ingest", "审核员甲")
    jobs.claim("w", 30)
    jobs.release(job.id, "w")
    back = jobs.get(job.id)
    assert back.state == "queued" and back.attempts == 0 and back.worker is None
    jobs.claim("w", 30)
    child = jobs.finish(job.id, "w", "done", then=("embed", {"submission_ids": ["s1"]}))
    assert child is not None and child.kind == "embed" and child.parent_id == job.id
    assert child.owner == "审核员甲" and child.payload == {"submission_ids": ["s1"]} and child.state == "queued"
    assert jobs.get(job.id).state == "done" and jobs.get(job.id).finished_at is not None
    assert [c.id for c in jobs.children(job.id)] == [child.id]
    assert [j.id for j in jobs.list(top_level=True)] == [job.id]
    with pytest.raises(ValueError):
        jobs.finish(child.id, "w", "running")


def test_a_job_with_nothing_to_do_is_stored_done(jobs):
    job = jobs.enqueue("ingest", "a", files=[JobFile(seq=1, name="x.exe", stage="failed")], state="done")
    assert job.finished and job.finished_at is not None
    assert jobs.claim("w", 30) is None
