"""The re-check service (:mod:`assistant.checker.recheck`) on a real SQLite records store: what is
stale, what a re-check stores and stamps, and the change it reports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assistant.checker import check_submission, profile_for
from assistant.checker.recheck import recheck, recheck_one, stale_ids, targets
from assistant.checker.version import rules_version
from assistant.model import Finding, Location
from assistant.stores.records import RecordStore
from tests.support.samples import make_submission

OLD = "auto@0123456789abcdef"  # as if stamped by an older release


@pytest.fixture
def records(tmp_path: Path):
    store = RecordStore(f"sqlite:///{tmp_path / 'ziping.db'}")
    yield store
    store.close()


@pytest.fixture
def two(records: RecordStore) -> tuple[str, str]:
    """Two stored submissions, both checked by today's rules."""
    ids = []
    for sid, year in (("sub0000000000001", 2023), ("sub0000000000002", 2024)):
        sub = make_submission(sid, year=year)
        records.save_submission(sub, findings=check_submission(sub, profile=profile_for(sub, "auto")),
                                rules_version=rules_version("auto"))
        ids.append(sid)
    return ids[0], ids[1]


def test_nothing_is_stale_right_after_checking(records, two):
    assert stale_ids(records, "auto") == []
    assert targets(records, "auto") == ([], [])


def test_a_submission_checked_by_other_rules_is_stale(records, two):
    first, second = two
    records.save_findings(first, [], rules_version=OLD)
    assert stale_ids(records, "auto") == [first]
    assert stale_ids(records, "auto", year=2024) == []  # the stale one is of 2023
    # another profile's rules made neither submission's findings
    assert stale_ids(records, "sichuan") == sorted(two)


def test_recheck_stores_stamps_and_reports_what_appeared(records, two):
    first, _ = two
    expected = sorted(f.rule for f in records.get_findings(first))
    assert expected, "the sample submission has defects"
    records.save_findings(first, [], rules_version=OLD)

    [done] = recheck(records, [first], "auto")
    assert (done.submission_id, done.before, done.after) == (first, 0, len(expected))
    assert Counter(done.added) == Counter(expected) and done.removed == []
    assert sum(done.counts.values()) == done.after and done.counts["error"] >= 1
    assert done.profile == "national" and done.file_name.endswith(".docx")
    assert sorted(f.rule for f in records.get_findings(first)) == expected
    assert records.rules_versions()[first] == rules_version("auto")
    assert stale_ids(records, "auto") == []


def test_recheck_reports_findings_that_went_away(records, two):
    first, _ = two
    kept = records.get_findings(first)
    gone = Finding(rule="WEAK-DUP-001", severity="warning", message="旧规则的发现",
                   location=Location(field="evaluations[0].goals"))
    records.save_findings(first, [*kept, gone], rules_version=OLD)
    done = recheck_one(records, first, "auto")
    assert done is not None
    assert done.removed == ["WEAK-DUP-001"] and done.added == []
    assert (done.before, done.after) == (len(kept) + 1, len(kept))


def test_unknown_ids_are_skipped_and_named(records, two):
    first, _ = two
    assert recheck_one(records, "no-such-id", "auto") is None
    wanted, unknown = targets(records, "auto", [first, "no-such-id"])
    assert (wanted, unknown) == ([first], ["no-such-id"])
    assert [r.submission_id for r in recheck(records, [first, "no-such-id"], "auto")] == [first]


def test_every_takes_all_of_a_year(records, two):
    first, second = two
    assert sorted(targets(records, "auto", every=True)[0]) == sorted(two)
    assert targets(records, "auto", every=True, year=2024) == ([second], [])


def test_progress_is_told_once_per_submission(records, two):
    seen = []
    recheck(records, list(two), "auto", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


def test_a_recheck_records_and_names_the_pack_version(records, two, tmp_path):
    sid, _ = two
    (done,) = recheck(records, [sid], "sichuan")
    assert (done.profile, done.version) == ("sichuan", "2026.1")
    assert records.rules_versions()[sid].startswith("sichuan:2026.1@")  # the stored stamp names it
    own = tmp_path / "county.yaml"
    own.write_text("extends: sichuan\nname: county\nversion: 2027.3\n", encoding="utf-8")
    (done,) = recheck(records, [sid], str(own))
    assert (done.profile, done.version) == ("county", "2027.3")
    assert records.rules_versions()[sid].startswith("county:2027.3@")
    assert sid in stale_ids(records, "sichuan")  # a pack's new version makes its checks stale
    own.write_text("extends: sichuan\nname: county\nversion: 2027.4\n", encoding="utf-8")
    assert rules_version(str(own)).startswith("county:2027.4@")
