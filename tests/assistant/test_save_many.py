"""A batch stored by ``Stores.save_many`` is stored exactly as the same submissions saved one by one:
records, findings (with the reviewers' decisions), chunks, version links, audit log, full-text words
and vectors — on the embedded stores and on PostgreSQL + a Chroma server."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from assistant.checker.profiles import AUTO
from assistant.checker.version import rules_version
from assistant.model import FileInfo, Submission
from assistant.review.decisions import DecisionRequest
from assistant.settings import Settings
from assistant.stores import Stores, ToStore, open_stores
from assistant.stores.records import EvaluationRow, IndicatorRow
from assistant.stores.versions import VersionStore
from eval.growth_data import submission
from ingest.prepare import check, chunked
from tests.assistant.answer.ask_support import BigramEmbeddings

RULES = rules_version(AUTO)


def _item(sub: Submission) -> ToStore:
    sub = copy.deepcopy(sub)  # each store gets its own objects: nothing one store does reaches the other
    return ToStore(sub, chunked(sub)[0], check(sub, AUTO), rules_version=RULES)


def _resubmitted(sub: Submission, n: int) -> Submission:
    """Another file of the same unit, project and year: the next version of ``sub``'s series."""
    again = copy.deepcopy(sub)
    digest = hashlib.sha256(f"again:{sub.id}:{n}".encode()).hexdigest()
    again.id = digest[:16]
    again.file = FileInfo(name=f"重报{n}_{sub.file.name}", sha256=digest, format=sub.file.format)
    return again


@pytest.fixture(params=["embedded", pytest.param("scale_out", marks=[pytest.mark.postgres, pytest.mark.chroma])])
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], Stores]]:
    """A maker of empty stores, each with its own data (a database and a collection of its own)."""
    made: list[Stores] = []
    if request.param == "embedded":
        def make(name: str) -> Stores:
            made.append(open_stores(Settings(data_dir=tmp_path / name), embeddings=BigramEmbeddings()))
            return made[-1]

        yield make
    else:
        from tests.support.chroma import fresh_collection
        from tests.support.postgres import fresh_database

        url, chroma = request.getfixturevalue("postgres_url"), request.getfixturevalue("chroma_url")
        with fresh_database(url) as one, fresh_database(url) as two:
            databases = iter([one, two])

            def make(name: str) -> Stores:
                settings = Settings(data_dir=tmp_path / name, database_url=next(databases), chroma_url=chroma,
                                    chroma_collection=fresh_collection())
                made.append(open_stores(settings, embeddings=BigramEmbeddings()))
                return made[-1]

            yield make
    for stores in made:
        stores.close()


def _columns(row: Any, *leave_out: str) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs if c.key not in leave_out}


def _everything(stores: Stores) -> dict[str, Any]:
    """What the stores hold of every submission, but the times it was stored at and row ids."""
    records, review = stores.records, stores.review
    out: dict[str, Any] = {}
    for summary in records.list_submissions(limit=1000):
        sid = summary.id
        sub = records.get_submission(sid)
        assert sub is not None
        findings = [(f.id, f.rule, f.severity, f.message, f.evidence, f.decision, f.decision_reason, f.decided_by,
                     f.resolved, f.version) for f in records.get_findings(sid, include_resolved=True)]
        chunks = [(c.id, c.kind, c.text, c.metadata) for c in records.chunks_for_submission(sid)]
        links = [(v.submission_id, v.series_id, v.number, v.previous_id, v.linked_by)
                 for v in VersionStore(records).series(sid)]
        events = [(e.finding_id, e.kind, e.actor, e.before, e.after, e.reason) for e in review.events(sid)]
        got = stores.vectors.collection.get(ids=[c[0] for c in chunks], include=["embeddings", "metadatas"])
        vectors = sorted((cid, [round(float(x), 6) for x in emb], meta)
                         for cid, emb, meta in zip(got["ids"], got["embeddings"], got["metadatas"], strict=True))
        with records.session() as s:  # the rows the answer engine and statistics query
            evaluations = [_columns(r, "id") for r in s.scalars(select(EvaluationRow).where(
                EvaluationRow.submission_id == sid).order_by(EvaluationRow.idx))]
            indicators = [(r.evaluation.idx, _columns(r, "id", "evaluation_id")) for r in s.scalars(
                select(IndicatorRow).where(IndicatorRow.submission_id == sid).order_by(IndicatorRow.id))]
        out[sid] = {"submission": sub.to_dict(), "evaluations": evaluations, "indicators": indicators, "summary": (summary.kind, summary.unit, summary.year, summary.status,
                                                             summary.certainty),
                    "findings": findings, "chunks": chunks, "chunk_counts": records.chunk_counts(sid),
                    "terms": sorted(stores.fulltext.terms([sid]).items()), "versions": links, "events": events,
                    "vectors": vectors}
    out["rules"] = records.rules_versions()
    return out


def test_a_batch_stores_exactly_what_saving_one_by_one_stores(two_stores):
    subs = [submission(i) for i in range(12)]
    one, batched = two_stores("one"), two_stores("batched")

    def decide(stores: Stores) -> None:  # a reviewer's decision, which the next version carries over
        finding = next(f for f in stores.records.get_findings(subs[0].id))
        stores.review.decide(DecisionRequest(finding.id, "confirmed", "张三", comment="核实无误"))

    # the first files; then the reviewer's work; then new versions (two of one series in one batch),
    # a file read again and new files
    first = subs[:8]
    then = [_resubmitted(subs[0], 1), _resubmitted(subs[1], 1), subs[3], _resubmitted(subs[0], 2), *subs[8:]]
    for sub in first:
        one.save(*_fields(_item(sub)))
    decide(one)
    for sub in then:
        one.save(*_fields(_item(sub)))
    batched.save_many([_item(s) for s in first[:5]])
    batched.save_many([_item(s) for s in first[5:]])
    decide(batched)
    assert batched.save_many([_item(s) for s in then]) == [s.id for s in then]
    assert one.sync_vectors() == batched.sync_vectors() > 0

    alone, together = _everything(one), _everything(batched)
    assert together == alone
    # what is compared is there: a series of three, the decision carried to both new versions, every chunk
    assert [n for _sid, _series, n, _prev, _how in together[subs[0].id]["versions"]] == [1, 2, 3]
    carried = [f for sid in (then[0].id, then[3].id) for f in together[sid]["findings"] if f[5] == "confirmed"]
    assert len(carried) == 2 and all(f[7] == "张三" for f in carried)
    assert len(together) - 1 == 15  # 12 files and 3 new versions
    assert sum(len(s["indicators"]) for sid, s in together.items() if sid != "rules") > 50
    assert all(s["chunks"] and len(s["vectors"]) == len(s["chunks"]) == len(s["terms"])
               for sid, s in together.items() if sid != "rules")


def _fields(item: ToStore) -> tuple:
    return item.submission, item.chunks, item.findings, item.rules_version, item.replaces, item.actor


def test_a_batch_with_a_refused_file_stores_none_of_it(tmp_path: Path):
    stores = open_stores(Settings(data_dir=tmp_path / "d"), embeddings=BigramEmbeddings())
    theirs = stores.within(None, home="other")
    theirs.save(*_fields(_item(submission(1))))
    ours = [_item(submission(0)), _item(submission(1))]  # the second is the other bureau's file
    with pytest.raises(ValueError, match="其他机构"):
        stores.within("default").save_many(ours)
    assert stores.records.get_summary(submission(0).id) is None
    assert stores.fulltext.chunk_ids([submission(0).id]) == []
    stores.close()


def test_the_next_chunks_waiting_for_vectors_are_found_without_sorting_every_waiting_chunk(tmp_path: Path):
    """``sync_vectors`` asks for the next batch in reading order after every batch: on SQLite the
    query walks ``ix_chunks_pending`` rather than sorting all waiting chunks (quadratic at 50,000 files)."""
    stores = open_stores(Settings(data_dir=tmp_path / "d"), embeddings=BigramEmbeddings())
    stores.save_many([_item(submission(i)) for i in range(3)])
    seen: list[tuple[str, Any]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM chunks" in statement and "ORDER BY" in statement:
            seen.append((statement, parameters))

    event.listen(stores.records.engine, "before_cursor_execute", keep)
    pending = stores.records.chunks_pending_embedding(limit=4)
    event.remove(stores.records.engine, "before_cursor_execute", keep)
    assert len(pending) == 4 and len(seen) == 1
    with stores.records.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {seen[0][0]}", seen[0][1]))
    assert "ix_chunks_pending" in plan and "TEMP B-TREE" not in plan, plan
    stores.close()
