"""What the API shows of an upload's job: its embedding job folded in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from api.jobs import job_view
from api.schemas import JobOut
from assistant.stores.jobs import Job, JobFile

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
INGEST = Job(id="a1", kind="ingest", state="done", owner="审核员", created_at=NOW, updated_at=NOW, finished_at=NOW,
             payload={"options": {"defer_vectors": False}}, version=7, attempts=1,
             files=(JobFile(seq=1, name="甲.docx", stage="indexed", status="ok", submission_id="s1", findings=2),
                    JobFile(seq=2, name="乙.pdf", stage="failed", status="failed", code="corrupt_file")))
EMBED = Job(id="a1-e", kind="embed", state="running", owner="审核员", created_at=NOW, updated_at=NOW,
            payload={"submission_ids": ["s1"]}, parent_id="a1", version=3, progress=12)


def test_an_ingest_job_is_embedding_until_its_embedding_job_ends():
    view = job_view(INGEST, [EMBED])
    assert (view["state"], view["embedded"], view["finished_at"]) == ("embedding", 12, None)
    assert (view["total"], view["done"], view["version"]) == (2, 2, 10)
    done = job_view(INGEST, [replace(EMBED, state="done", version=5, progress=20, finished_at=NOW)])
    assert (done["state"], done["embedded"], done["version"]) == ("done", 20, 12)
    assert done["version"] > view["version"]  # watchers see every change of either job
    JobOut.model_validate(done)


def test_a_failed_embedding_fails_the_upload_with_its_reason():
    view = job_view(INGEST, [replace(EMBED, state="failed", error="已尝试多次仍未完成：…", finished_at=NOW)])
    assert view["state"] == "failed" and view["error"].startswith("已尝试多次")


def test_without_vectors_or_before_the_end_the_ingest_job_speaks_for_itself():
    assert job_view(INGEST)["state"] == "done"
    running = job_view(replace(INGEST, state="running", finished_at=None))
    assert running["state"] == "running" and running["embedded"] == 0
