"""Resubmissions as versions (issue 15 item 5), on real SQLite and PostgreSQL: a new file for the
same unit + project + year (or one stored against a submission) becomes the series' next version,
decisions on findings it still has unchanged carry over with their events, a 退回重报 previous
version goes to 已重报, and the diff names changed cells and resolved / new / still-present findings."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import update

from assistant.checker import check_submission
from assistant.review.decisions import DecisionRequest
from assistant.review.errors import Invalid, NotFound
from assistant.review.versions import diff_versions
from assistant.stores.records import SubmissionReviewRow
from assistant.stores.review import ReviewStore
from assistant.stores.versions import VersionStore
from tests.support.samples import make_submission


def uid() -> str:
    return uuid.uuid4().hex[:16]


def store(records, sub, **kw):
    records.save_submission(sub, findings=check_submission(sub))
    return VersionStore(records).link(sub, **kw)


def first_version(records, unit: str):
    sub = make_submission(uid(), unit=unit)
    sub.evaluations[0].indicators[0].score = 25.0  # over its weight of 20: CALC-IND-001
    sub.evaluations[0].indicators[1].target = sub.evaluations[0].indicators[1].target.__class__(
        raw="较好", qualitative=True, vague=True, blank=False)
    assert store(records, sub) is None  # nothing before it
    return sub


def finding(records, sid: str, rule: str, field: str | None = None):
    return next(f for f in records.get_findings(sid) if f.rule == rule and (field is None or f.location.field == field))


def test_a_new_file_for_the_same_project_is_the_next_version_and_keeps_decisions(records):
    unit = f"某县{uid()}局"
    v1 = first_version(records, unit)
    review = ReviewStore(records)
    over = finding(records, v1.id, "CALC-IND-001")
    review.decide(DecisionRequest(over.id, "confirmed", actor="张审核", comment="请核减得分"))
    vague = finding(records, v1.id, "WEAK-VAL-001")
    review.decide(DecisionRequest(vague.id, "confirmed", actor="张审核"))
    with records.session() as s:  # the reviewer sent it back (review-a's transition, set here directly)
        s.execute(update(SubmissionReviewRow).where(SubmissionReviewRow.submission_id == v1.id).values(state="returned"))

    v2 = make_submission(uid(), unit=unit)
    v2.evaluations[0].indicators[0].score = 25.0  # still over its weight: the same defect
    link = store(records, v2)  # the vague target was rewritten: that finding is gone

    assert link is not None and (link.number, link.previous_id, link.series_id, link.linked_by) == (2, v1.id, v1.id,
                                                                                                     "match")
    assert [(v.submission_id, v.number) for v in VersionStore(records).series(v2.id)] == [(v1.id, 1), (v2.id, 2)]
    carried = finding(records, v2.id, "CALC-IND-001")
    assert (carried.decision, carried.decided_by, carried.decision_comment) == ("confirmed", "张审核", "请核减得分")
    assert all(f.decision == "open" for f in records.get_findings(v2.id) if f.rule != "CALC-IND-001")
    events = review.events(v2.id)
    assert [e.kind for e in events] == ["version", "decision"]
    assert events[1].after["carried_from"] == over.id and events[1].actor == "张审核"
    assert records.get_summary(v1.id) is not None
    (transition,) = review.events(v1.id, kind="transition")
    assert (transition.before, transition.after["state"]) == ({"state": "returned"}, "resubmitted")
    with records.session() as s:
        assert s.get(SubmissionReviewRow, v1.id).state == "resubmitted"

    d = diff_versions(records, v2.id)  # against its previous version
    assert (d.old_id, d.new_id) == (v1.id, v2.id)
    changes = {c.field_path: (c.old, c.new) for c in d.changes}
    assert changes["evaluations[0].indicators[1].target"] == ("较好", "0%")
    assert "evaluations[0].indicators[0].score" not in changes  # unchanged
    assert {f.rule for f in d.resolved} >= {"WEAK-VAL-001"}
    assert "CALC-IND-001" in {f.rule for f in d.still_present} and d.new == []


def test_reading_a_version_again_keeps_its_link_and_a_third_follows_the_latest(records):
    unit = f"某县{uid()}局"
    v1 = first_version(records, unit)
    v2 = make_submission(uid(), unit=unit)
    store(records, v2)
    assert store(records, v2) is None  # read again: its link stands
    v3 = make_submission(uid(), unit=unit)
    link = store(records, v3)
    assert (link.number, link.previous_id, link.series_id) == (3, v2.id, v1.id)
    with records.session() as s:  # v2 was never returned: its state is left alone
        assert s.get(SubmissionReviewRow, v2.id).state == "pending"


def test_other_projects_units_or_years_are_not_versions(records):
    unit = f"某县{uid()}局"
    first_version(records, unit)
    other_project = make_submission(uid(), unit=unit)
    other_project.evaluations[0].project_name = "校舍维修"
    assert store(records, other_project) is None
    assert store(records, make_submission(uid(), unit=unit, year=2024)) is None
    assert store(records, make_submission(uid(), unit=f"{unit}二")) is None


def test_stored_against_a_submission_it_replaces_that_one(records):
    v1 = first_version(records, f"某县{uid()}局")
    renamed = make_submission(uid(), unit="另一个名字的单位")
    link = store(records, renamed, replaces=v1.id)
    assert (link.number, link.previous_id, link.linked_by) == (2, v1.id, "replaces")


def test_diff_refuses_what_it_cannot_compare(records):
    v1 = first_version(records, f"某县{uid()}局")
    with pytest.raises(Invalid, match="没有更早的版本"):
        diff_versions(records, v1.id)
    with pytest.raises(NotFound, match="没有编号为"):
        diff_versions(records, v1.id, against="no-such-sub")
    with pytest.raises(Invalid, match="不能与自身比较"):
        diff_versions(records, v1.id, against=v1.id)
    other = make_submission(uid(), unit="别的单位")
    store(records, other)
    d = diff_versions(records, other.id, against=v1.id)  # any two submissions can be compared
    assert {c.field_path for c in d.changes} >= {"unit", "evaluations[0].indicators[0].score"}
