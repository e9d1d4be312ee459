"""Reviewers' decisions on findings (issue 15 item 1), on real SQLite and PostgreSQL: a decision is
stored with the finding, survives a re-check that makes the finding again, goes back to 待定 when
the finding's evidence changed, and a finding no longer made is marked resolved, not deleted.
Every refused decision changes nothing; every accepted one is in the audit log."""

from __future__ import annotations

import threading
import uuid

import pytest

from assistant.model import Finding, Location
from assistant.review.decisions import DecisionRequest
from assistant.review.errors import Conflict, Invalid, NotFound
from assistant.stores.browse import FindingQuery, finding_page, submission_row
from assistant.stores.review import ReviewStore
from tests.support.samples import make_submission


def uid() -> str:
    return uuid.uuid4().hex[:16]


def findings(sid: str, *, evidence: str = "第3项 得分 20 超过分值 10") -> list[Finding]:
    return [
        Finding(rule="CALC-IND-001", severity="error", message="第3项得分超过分值", id=f"{sid}-a",
                location=Location(table=0, row=9, col=6, field="evaluations[0].indicators[2].score"),
                evidence=evidence),
        Finding(rule="WEAK-STR-001", severity="warning", message="指标值使用模糊用语", id=f"{sid}-b",
                location=Location(table=0, row=10, col=3, field="evaluations[0].indicators[1].target"),
                evidence="较好"),
    ]


@pytest.fixture
def stored(records):
    sid = uid()
    records.save_submission(make_submission(sid), findings=findings(sid))
    return sid, ReviewStore(records)


def test_a_decision_is_stored_and_logged(stored):
    sid, review = stored
    f = review.decide(DecisionRequest(f"{sid}-b", "confirmed", actor="张审核", comment="请改为量化值"))
    assert (f.decision, f.decided_by, f.decision_comment, f.version) == ("confirmed", "张审核", "请改为量化值", 2)
    assert f.decided_at and f.counted and f.outstanding
    (event,) = review.events(sid)
    assert (event.kind, event.actor, event.finding_id) == ("decision", "张审核", f"{sid}-b")
    assert event.before == {"decision": "open", "reason": None, "comment": None}
    assert event.after["decision"] == "confirmed"


def test_false_positive_needs_a_reason_and_leaves_the_counts(stored, records):
    sid, review = stored
    with pytest.raises(Invalid, match="须填写理由"):
        review.decide(DecisionRequest(f"{sid}-a", "false_positive", actor="张审核", reason="  "))
    assert review.finding(f"{sid}-a").decision == "open" and review.events(sid) == []
    assert submission_row(records, sid).errors == 1
    review.decide(DecisionRequest(f"{sid}-a", "false_positive", actor="张审核", reason="合并单元格误读"))
    assert review.finding(f"{sid}-a").counted is False
    assert submission_row(records, sid).errors == 0  # the list's counts are defects, not findings
    _, page = finding_page(records, FindingQuery(submission_id=sid), offset=0, limit=10)
    assert [c.finding.id for c in page] == [f"{sid}-b"]
    _, page = finding_page(records, FindingQuery(submission_id=sid, decision="false_positive"), offset=0, limit=10)
    assert [(c.finding.id, c.finding.decision_reason) for c in page] == [(f"{sid}-a", "合并单元格误读")]


def test_unknown_decision_and_finding_are_refused(stored):
    sid, review = stored
    with pytest.raises(Invalid, match="未知的审核决定"):
        review.decide(DecisionRequest(f"{sid}-a", "maybe", actor="张审核"))  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="没有编号为"):
        review.decide(DecisionRequest("no-such-finding", "confirmed", actor="张审核"))
    assert review.events(sid) == []


def test_a_stale_update_is_refused(stored):
    sid, review = stored
    review.decide(DecisionRequest(f"{sid}-a", "confirmed", actor="张审核", expected_version=1))
    with pytest.raises(Conflict, match="张审核修改"):
        review.decide(DecisionRequest(f"{sid}-a", "false_positive", actor="李审核", reason="误读",
                                      expected_version=1))
    f = review.finding(f"{sid}-a")
    assert (f.decision, f.decided_by, f.version) == ("confirmed", "张审核", 2)
    assert len(review.events(sid)) == 1


def test_two_reviewers_at_once_one_wins(stored):
    sid, review = stored
    barrier, outcomes = threading.Barrier(2), []

    def decide(actor: str, decision: str) -> None:
        barrier.wait()
        try:
            review.decide(DecisionRequest(f"{sid}-a", decision, actor=actor, reason="理由",  # type: ignore[arg-type]
                                          expected_version=1))
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=a) for a in (("张审核", "confirmed"), ("李审核", "false_positive"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert review.finding(f"{sid}-a").version == 2 and len(review.events(sid)) == 1


def test_a_recheck_keeps_decisions_and_marks_what_went_away(stored, records):
    sid, review = stored
    review.decide(DecisionRequest(f"{sid}-a", "false_positive", actor="张审核", reason="合并单元格误读"))
    review.decide(DecisionRequest(f"{sid}-b", "confirmed", actor="张审核"))
    # the same check again: both made again with the same evidence, decisions kept
    records.save_findings(sid, findings(sid), rules_version="v2")
    assert [(f.id, f.decision) for f in records.get_findings(sid)] == [(f"{sid}-a", "false_positive"),
                                                                        (f"{sid}-b", "confirmed")]
    # the unit's figure changed: the first finding's evidence differs, its decision no longer speaks for it;
    # the second is not made any more: kept, resolved, not counted
    records.save_findings(sid, findings(sid, evidence="第3项 得分 15 超过分值 10")[:1], rules_version="v3")
    (current,) = records.get_findings(sid)
    assert (current.id, current.decision, current.decided_by, current.version) == (f"{sid}-a", "open", None, 3)
    every = records.get_findings(sid, include_resolved=True)
    gone = next(f for f in every if f.id == f"{sid}-b")
    assert gone.resolved and gone.decision == "confirmed" and not gone.counted
    with pytest.raises(Conflict, match="已消除"):
        review.decide(DecisionRequest(f"{sid}-b", "fixed", actor="张审核"))
    # made again later: no longer resolved, its decision still there
    records.save_findings(sid, findings(sid, evidence="第3项 得分 15 超过分值 10"), rules_version="v4")
    back = next(f for f in records.get_findings(sid) if f.id == f"{sid}-b")
    assert (back.resolved, back.decision) == (False, "confirmed")


def test_reingesting_the_file_keeps_decisions(stored, records):
    sid, review = stored
    review.decide(DecisionRequest(f"{sid}-a", "fixed", actor="张审核"))
    records.save_submission(make_submission(sid), findings=findings(sid))  # what --force does
    f = next(f for f in records.get_findings(sid) if f.id == f"{sid}-a")
    assert f.decision == "fixed" and f.counted and not f.outstanding


# --- read certainty (item 3) ----------------------------------------------------------------------

def test_certainty_is_stored_with_the_submission(records):
    from assistant.model import DocumentType

    sure, unsure, other = make_submission(uid()), make_submission(uid()), make_submission(uid())
    unsure.status, unsure.status_reason = "needs_review", "未找到绩效指标表"
    other.status, other.doc_type = "needs_review", DocumentType(code="other", name="其他", checked=False)
    for sub in (sure, unsure, other):
        records.save_submission(sub)
    assert [records.get_summary(s.id).certainty for s in (sure, unsure, other)] == [
        "recognised", "uncertain", "not_evaluation"]
    assert submission_row(records, unsure.id).certainty == "uncertain"
