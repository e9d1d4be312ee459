"""Bureaus in the stores: a bureau's view of the records (``RecordStore.within``) reads that
bureau's rows only — submissions, findings, chunks, a year's rows, the lists, the answer engine's
structured queries, versions, annual drafts — and cannot overwrite another bureau's submission.
On SQLite and on PostgreSQL (the ``records`` fixture); on the shared PostgreSQL database every
run uses bureaus, ids and a year (2077) of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import create_engine, text

from assistant.model import Finding, Location
from assistant.stores.browse import FindingQuery, SubmissionQuery, finding_page, submission_page
from assistant.stores.bureaus import BureauError, BureauStore
from assistant.stores.drafts import DraftVersionStore
from assistant.stores.queries import Condition, Plan, run_plan
from assistant.stores.records import DEFAULT_BUREAU, RecordStore
from assistant.stores.users import UserError, UserStore
from assistant.stores.versions import VersionStore
from ingest.chunking import chunk_submission
from tests.support.samples import make_submission

YEAR = 2077


@dataclass
class Two:
    records: RecordStore  # every bureau
    a: RecordStore
    b: RecordStore
    sid_a: str
    sid_b: str


def _bureau(records: RecordStore, tag: str) -> str:
    code = f"{tag}{uuid.uuid4().hex[:10]}"
    BureauStore(records.engine).add(code, f"测试机构{code}")
    return code


def _finding() -> Finding:
    return Finding(rule="CALC-IND-001", severity="error", message="得分计算有误", location=Location(table=0, row=9))


@pytest.fixture
def two(records: RecordStore) -> Iterator[Two]:
    """A submission in each of two new bureaus: the same unit, project and year (so only the bureau
    tells them apart)."""
    a, b = records.within(_bureau(records, "a")), records.within(_bureau(records, "b"))
    sid_a, sid_b = (uuid.uuid4().hex[:16] for _ in range(2))
    for view, sid in ((a, sid_a), (b, sid_b)):
        sub = make_submission(sid, unit="甲县教育局", year=YEAR)
        sub.file.sha256 = sid * 4
        view.save_submission(sub, chunks=chunk_submission(sub), findings=[_finding()])
        VersionStore(view).link(sub)
    try:
        yield Two(records, a, b, sid_a, sid_b)
    finally:
        for sid in (sid_a, sid_b):
            records.delete_submission(sid)


def test_a_bureau_reads_its_own_submission_and_nothing_of_another(two):
    a, b, sid_a, sid_b = two.a, two.b, two.sid_a, two.sid_b
    assert a.get_summary(sid_a) is not None and b.bureau_of(sid_a) == a.bureau and a.bureau_of(sid_b) == b.bureau
    assert a.get_summary(sid_b) is None and a.get_submission(sid_b) is None
    assert b.get_summary(sid_a) is None and b.get_submission(sid_a) is None
    assert [s.id for s in a.get_submissions([sid_a, sid_b])] == [sid_a]
    assert [s.id for s in a.list_submissions(year=YEAR)] == [sid_a]
    assert a.submission_ids_where(year=YEAR) == [sid_a] and a.years() == [YEAR]
    assert [f.submission_id for f in a.get_findings()] == [sid_a] and a.get_findings(sid_b) == []
    chunks_b = two.records.chunks_for_submission(sid_b)
    assert chunks_b and a.get_chunks([c.id for c in chunks_b]) == [] and a.chunks_for_submission(sid_b) == []
    assert a.chunk_counts(sid_b) == (0, 0)
    subs, evs, findings = a.year_rows(YEAR)
    assert [r.id for r in subs] == [sid_a] and {r.submission_id for r in evs} == {sid_a}
    assert {r.submission_id for r in findings} == {sid_a}
    assert {sid for sid, *_ in a.name_rows().submissions} == {sid_a}
    # every bureau's view: both (the CLI, the workers, an admin)
    assert {sid_a, sid_b} <= set(two.records.submission_ids_where(year=YEAR))


def test_the_chunks_of_a_bureau_carry_it_for_the_vectors(two):
    assert {c.metadata["bureau"] for c in two.records.chunks_for_submission(two.sid_b)} == {two.b.bureau}


def test_the_lists_and_the_structured_questions_keep_to_the_bureau(two):
    a, sid_a = two.a, two.sid_a
    total, rows = submission_page(a, SubmissionQuery(year=YEAR), offset=0, limit=50)
    assert (total, [r.id for r in rows]) == (1, [sid_a])
    total, found = finding_page(a, FindingQuery(year=YEAR), offset=0, limit=50)
    assert total == 1 and found[0].finding.submission_id == sid_a
    plan = Plan(entity="project", conditions=(Condition("year", "=", YEAR),), aggregate="list",
                columns=("unit", "project"))
    assert {r["submission_id"] for r in run_plan(a, plan, row_cap=50).rows} == {sid_a}
    assert {r["submission_id"] for r in run_plan(two.records, plan, row_cap=50).rows} >= {sid_a, two.sid_b}


def test_same_unit_project_and_year_in_two_bureaus_are_not_versions_of_each_other(two):
    for view, sid in ((two.a, two.sid_a), (two.b, two.sid_b)):
        assert VersionStore(view).series(sid) == []  # no other version (in one bureau it would be [a, b])


def test_a_bureau_cannot_overwrite_another_bureaus_submission(two):
    sub = two.records.get_submission(two.sid_a)
    with pytest.raises(ValueError, match="其他机构"):
        two.b.save_submission(replace(sub, unit="被改写"))
    assert two.a.get_submission(two.sid_a).unit == "甲县教育局"


def test_each_bureau_has_its_own_annual_draft_of_the_same_key(two):
    key = f"annual:{YEAR}:all"
    common = {"kind": "annual", "subject": str(YEAR), "action": "generated", "note": None, "excluded": [],
              "edits": {}, "text": ""}
    try:
        va = DraftVersionStore(two.a).add(key, editor="甲", content={"who": "a"}, **common)
        vb = DraftVersionStore(two.b).add(key, editor="乙", content={"who": "b"}, **common)
        assert (va.key, va.version, vb.key, vb.version) == (key, 1, key, 1)
        assert DraftVersionStore(two.a).latest(key).content == {"who": "a"}
        assert DraftVersionStore(two.b).latest(key).content == {"who": "b"}
        assert key in DraftVersionStore(two.a).keys("annual")
    finally:
        with two.records.session() as s:
            s.execute(text("DELETE FROM draft_versions WHERE draft_key LIKE :k"), {"k": f"@%:{key}"})


def test_bureaus_and_users_refuse_bad_codes_and_unknown_bureaus_in_chinese(records):
    bureaus, users = BureauStore(records.engine), UserStore(records.engine)
    with pytest.raises(BureauError, match="机构代码"):
        bureaus.add("有空格 x", "某局")
    code = _bureau(records, "c")
    with pytest.raises(BureauError, match="已存在"):
        bureaus.add(code, "另一个名称")
    with pytest.raises(UserError, match="没有代码为"):
        users.add(f"u{uuid.uuid4().hex[:8]}", "reviewer", bureau="no-such-bureau")
    user, _token = users.add(f"u{uuid.uuid4().hex[:8]}", "reviewer", bureau=code)
    assert users.get(user.name).bureau == code and user.sees_bureau == code
    assert users.add(f"u{uuid.uuid4().hex[:8]}", "admin")[0].sees_bureau is None
    assert DEFAULT_BUREAU in {b.code for b in bureaus.list()}


def test_rows_stored_before_bureaus_belong_to_the_default_bureau(tmp_path):
    """Upgrading a database of the release before: its submissions and users are the default bureau's."""
    from assistant.stores.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    upgrade(engine, "0011_cycle")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO submissions (id, kind, status, data, created_at, updated_at) "
                          "VALUES ('old0000000000001', 'table', 'ok', '{}', '2024-01-01', '2024-01-01')"))
        conn.execute(text("INSERT INTO users (name, role, token_hash, created_at) "
                          "VALUES ('laowang', 'reviewer', 'x', '2024-01-01')"))
    engine.dispose()
    records = RecordStore(url)
    try:
        assert records.migration is not None and "0012_bureau" in records.migration.applied
        with records.session() as s:
            assert s.execute(text("SELECT bureau FROM submissions")).scalar() == DEFAULT_BUREAU
        assert UserStore(records.engine).get("laowang").bureau == DEFAULT_BUREAU
        assert records.within(DEFAULT_BUREAU).submission_ids_where() == ["old0000000000001"]
        assert records.within("elsewhere").submission_ids_where() == []
    finally:
        records.close()


def test_a_search_is_filtered_by_bureau_only_when_another_bureau_has_data(two, tmp_path):
    from assistant.retrieval.filters import RetrievalFilters

    allowed = RetrievalFilters().submission_ids_in(two.a)
    assert allowed is not None and two.sid_a in allowed and two.sid_b not in allowed
    assert RetrievalFilters().submission_ids_in(two.records) is None  # every bureau: no filter
    alone = RecordStore(f"sqlite:///{tmp_path / 'one.db'}")
    try:
        alone.save_submission(make_submission("one0000000000001"))
        assert RetrievalFilters().submission_ids_in(alone.within(DEFAULT_BUREAU)) is None  # nothing to keep apart
        assert RetrievalFilters().submission_ids_in(alone.within("elsewhere")) == []
    finally:
        alone.close()
