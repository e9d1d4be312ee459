"""The server's own worker embeds an upload's passages in a child process at lower CPU priority,
writes the vectors itself, and its questions find them; reviewers' requests are answered while
that child is busy."""

from __future__ import annotations

import os
import threading

from fastapi.testclient import TestClient

from api.app import create_app
from assistant.embeddings import BackgroundEmbeddings
from assistant.retrieval.hybrid import HybridRetriever
from assistant.settings import Settings
from assistant.stores.records import RecordStore
from assistant.stores.users import UserStore
from tests.api.support import wait_job
from tests.support.jobs import report_text


def _token(data_dir) -> str:
    records = RecordStore(Settings(data_dir=data_dir).sqlalchemy_url)
    try:
        return UserStore(records.engine).add("审核员", "reviewer")[1]
    finally:
        records.close()


def test_an_uploads_vectors_are_made_in_another_process_and_the_server_answers_from_them(tmp_path):
    data_dir = tmp_path / "data"
    headers = {"Authorization": f"Bearer {_token(data_dir)}"}
    with TestClient(create_app(Settings(data_dir=data_dir))) as client:
        stores = client.app.state.stores
        assert isinstance(stores.embeddings, BackgroundEmbeddings)
        body = report_text(7).replace("部分指标未细化量化", "候鸟迁徙监测站的红外相机电池续航不足")
        r = client.post("/api/v1/submissions", files=[("files", ("报告7.md", body.encode()))], headers=headers)
        assert r.status_code == 202, r.text
        job = wait_job(client, headers, r.json()["id"], timeout=180)
        assert job["state"] == "done" and job["embedded"] > 0, job
        sid = job["files"][0]["submission_id"]

        child = stores.embeddings.child_pid
        assert child is not None and child != os.getpid()
        with open(f"/proc/{child}/stat") as stat:  # field 19: the nice value
            assert int(stat.read().rsplit(")", 1)[1].split()[16]) > os.nice(0)
        # the server's own vector index holds what the child computed: dense search finds the passage
        assert stores.vectors.count() == job["embedded"]
        hits = stores.vectors.search("红外相机电池续航", k=3)
        found = {c.submission_id for c in stores.records.get_chunks([cid for cid, _ in hits])}
        assert sid in found
        # and so does the answer engine's retriever, on vectors alone
        dense = HybridRetriever(stores=stores, k=3, mode="dense").search("红外相机电池续航不足")
        assert sid in {h.submission_id for h in dense}


def test_requests_are_answered_while_the_child_is_embedding(tmp_path):
    """A passage batch held in the child (its call not returned) blocks no request of the server."""
    data_dir = tmp_path / "data"
    headers = {"Authorization": f"Bearer {_token(data_dir)}"}
    with TestClient(create_app(Settings(data_dir=data_dir))) as client:
        embeddings = client.app.state.stores.embeddings
        assert isinstance(embeddings, BackgroundEmbeddings)
        texts = [f"第{k}段：项目按计划实施，资金到位率100%，群众满意度{80 + k % 20}%。" * 8 for k in range(48)]
        done = threading.Event()
        vectors: list[list[float]] = []
        worker = threading.Thread(target=lambda: (vectors.extend(embeddings.embed_documents(texts)), done.set()))
        worker.start()
        answered_meanwhile = 0  # requests answered while the child still had the batch
        while not done.is_set() and answered_meanwhile < 3:
            assert client.get("/api/v1/submissions", headers=headers).status_code == 200
            asked = client.post("/api/v1/ask", json={"question": "存在哪些问题？"}, headers=headers)
            assert asked.status_code == 200 and asked.json()["text"]
            answered_meanwhile += not done.is_set()
        worker.join(300)
        assert answered_meanwhile >= 1  # the batch takes seconds of CPU; a request ~0.1 s
        assert len(vectors) == len(texts) and len(vectors[0]) == 384


def test_background_embeddings_match_the_plain_embedder_and_cache_questions(tmp_path):
    from assistant.embeddings import make_embeddings

    settings = Settings(data_dir=tmp_path)
    plain = make_embeddings(settings)
    background = BackgroundEmbeddings(settings)
    try:
        texts = ["预算执行率95%", "群众满意度调查"]
        got = background.embed_documents(texts)
        want = plain.embed_documents(texts)
        assert all(abs(a - b) < 1e-5 for g, w in zip(got, want, strict=True) for a, b in zip(g, w, strict=True))
        assert background.child_pid != os.getpid()
        q = background.embed_query("偏差原因是什么？")
        assert q == plain.embed_query("偏差原因是什么？")
        q[0] = 99.0  # a caller changing its copy does not change the cached one
        assert background.embed_query("偏差原因是什么？")[0] != 99.0
        background.close()  # a closed one starts a new child when needed
        assert len(background.embed_documents(["再次"])) == 1
    finally:
        background.close()
