"""Corrections of read values and confirming an uncertain read (issue 15 items 2 and 3), on real
SQLite and PostgreSQL: a correction is parsed with assistant.values, stored as a layer over what was
read (the original kept), the rules run again on the corrected record (decisions kept, findings no
longer made resolved) and the audit log records it. Every refused correction changes nothing."""

from __future__ import annotations

import uuid

import pytest

from assistant.checker import check_submission
from assistant.model import Value
from assistant.review.corrections import CorrectionRequest, correct, with_corrections
from assistant.review.decisions import DecisionRequest
from assistant.review.errors import Conflict, Invalid, NotFound
from assistant.review.fields import apply_corrections, parse_correction
from assistant.stores.corrections import CorrectionStore
from assistant.stores.review import ReviewStore
from tests.support.samples import make_submission


def uid() -> str:
    return uuid.uuid4().hex[:16]


@pytest.fixture
def stored(records):
    sub = make_submission(uid())
    records.save_submission(sub, findings=check_submission(sub))
    return sub.id


def rules_of(records, sid: str) -> set[str]:
    return {f.rule for f in records.get_findings(sid)}


def test_a_correction_is_stored_over_the_read_value_rechecked_and_logged(records, stored):
    sid = stored
    assert "CALC-IND-001" not in rules_of(records, sid)  # score 20 of 20: fine as read
    done = correct(records, CorrectionRequest(sid, "evaluations[0].indicators[0].score", "25分", "张审核"))
    assert (done.correction.parsed, done.correction.original, done.correction.typed) == (25.0, 20.0, "25分")
    assert records.get_submission(sid).evaluations[0].indicators[0].score == 25.0
    assert "CALC-IND-001" in done.added and "CALC-IND-001" in rules_of(records, sid)  # score over its weight
    (event,) = ReviewStore(records).events(sid)
    assert (event.kind, event.actor) == ("correction", "张审核")
    assert event.before == {"field_path": "evaluations[0].indicators[0].score", "value": "20", "original": "20"}
    assert event.after["value"] == "25" and "CALC-IND-001" in event.after["findings_added"]
    (kept,) = CorrectionStore(records).active(sid)
    assert kept.original == 20.0 and kept.actor == "张审核" and kept.at is not None


def test_correcting_back_resolves_the_finding_and_keeps_the_first_original(records, stored):
    sid = stored
    path = "evaluations[0].indicators[0].score"
    correct(records, CorrectionRequest(sid, path, "25", "张审核"))
    (finding,) = [f for f in records.get_findings(sid) if f.rule == "CALC-IND-001"]
    correct(records, CorrectionRequest(sid, path, "20", "李审核"))
    assert "CALC-IND-001" not in rules_of(records, sid)
    gone = [f for f in records.get_findings(sid, include_resolved=True) if f.id == finding.id]
    assert gone and gone[0].resolved  # marked resolved, not deleted
    store = CorrectionStore(records)
    (active,) = store.active(sid)
    assert (active.parsed, active.original, active.actor) == (20.0, 20.0, "李审核")
    assert [c.active for c in store.history(sid)] == [False, True]


def test_a_decision_on_a_finding_the_correction_leaves_alone_is_kept(records, stored):
    sid = stored
    target = next(f for f in records.get_findings(sid) if f.rule == "CALC-TOT-001")
    ReviewStore(records).decide(DecisionRequest(target.id, "false_positive", actor="张审核", reason="合计行误读"))
    correct(records, CorrectionRequest(sid, "evaluations[0].indicators[2].target", "≥95%", "张审核"))
    after = next(f for f in records.get_findings(sid) if f.id == target.id)
    assert (after.decision, after.decision_reason) == ("false_positive", "合计行误读")
    target_value = records.get_submission(sid).evaluations[0].indicators[2].target
    assert (target_value.raw, target_value.op, target_value.number, target_value.unit) == ("≥95%", ">=", 95.0, "%")


def test_an_amount_is_read_in_the_funds_unit(records, stored):
    sid = stored  # the sample's funds block is in 元
    correct(records, CorrectionRequest(sid, "evaluations[0].funds.rows[0].exec_amount", "98.6万元", "张审核"))
    assert records.get_submission(sid).evaluations[0].funds.rows[0].exec_amount == 986_000.0


@pytest.mark.parametrize(("path", "value", "message"), [
    ("evaluations[0].indicators[7].score", "10", "没有第 7 项"),
    ("evaluations[0].indicators[0].points", "10", "没有这个字段"),
    ("evaluations[0].indicators[0].cells", "10", "不能更正"),
    ("evaluations[0].indicators[0]", "10", "不是整行"),
    ("evaluations[0].indicators[0].score", "很好", "不是分值"),
    ("evaluations[0].funds.rows[0].exec_amount", "约一百万", "不是金额"),
    ("evaluations[0].funds.rate", "较高", "不是执行率"),
    ("year", "二〇二三", "不是年度"),
    ("evaluations[0].indicators[1].row_kind", "合计", "不是行的标记"),
    ("evaluations[0].indicators[0].score", "20", "无需更正"),
])
def test_a_bad_correction_is_refused_in_chinese_and_changes_nothing(records, stored, path, value, message):
    sid = stored
    before, findings = records.get_submission(sid), records.get_findings(sid)
    with pytest.raises(Invalid, match=message):
        correct(records, CorrectionRequest(sid, path, value, "张审核"))
    assert records.get_submission(sid) == before and records.get_findings(sid) == findings
    assert CorrectionStore(records).history(sid) == [] and ReviewStore(records).events(sid) == []


def test_a_stale_correction_and_an_unknown_submission_are_refused(records, stored):
    sid = stored
    version = CorrectionStore(records).read_state(sid).version
    correct(records, CorrectionRequest(sid, "evaluations[0].total_score", "96", "张审核", expected_version=version))
    with pytest.raises(Conflict, match="已被他人修改"):
        correct(records, CorrectionRequest(sid, "evaluations[0].total_score", "97", "李审核", expected_version=version))
    assert records.get_submission(sid).evaluations[0].total_score == 96.0
    assert len(CorrectionStore(records).history(sid)) == 1
    with pytest.raises(NotFound, match="没有编号为"):
        correct(records, CorrectionRequest("no-such-sub", "year", "2023", "张审核"))


def test_rows_marked_as_header_or_parent(records, stored):
    sid = stored
    names = [i.name for i in records.get_submission(sid).evaluations[0].indicators]
    correct(records, CorrectionRequest(sid, "evaluations[0].indicators[0].row_kind", "表头", "张审核"))
    ev = records.get_submission(sid).evaluations[0]
    assert [i.name for i in ev.indicators] == names[1:]  # the header row is no indicator
    # the shifted rows: indicators[0] is now the second row read; marking it a parent row makes
    # it a group, and a later row_kind on the same path names the next row, not the same one
    correct(records, CorrectionRequest(sid, "evaluations[0].indicators[0].row_kind", "上级行", "张审核"))
    ev = records.get_submission(sid).evaluations[0]
    assert [g.name for g in ev.groups] == [names[1]] and [i.name for i in ev.indicators] == names[2:]
    assert len(CorrectionStore(records).active(sid)) == 2


def test_a_parent_row_groups_the_rows_below_it_in_its_block():
    sub = make_submission(uid())
    ev = sub.evaluations[0]
    ev.indicators[1].level1 = ev.indicators[2].level1 = "产出指标"
    ev.indicators[1].level2 = ev.indicators[2].level2 = "数量指标"
    ev.indicators[2].level2 = "质量指标"
    target, parsed = parse_correction(sub, "evaluations[0].indicators[0].row_kind", "上级行")
    assert parsed == "parent" and target.current == "indicator"
    from assistant.review.fields import Correction

    out, skipped = apply_corrections(sub, [Correction(sub.id, "evaluations[0].indicators[0].row_kind", "上级行",
                                                      parsed, "indicator", "张审核")])
    assert skipped == [] and sub.evaluations[0].groups == []  # the original is not changed
    assert [i.group for i in out.evaluations[0].indicators] == ["资助学生人数", None]


def test_reading_the_file_again_keeps_the_corrections(records, stored):
    sid = stored
    correct(records, CorrectionRequest(sid, "evaluations[0].indicators[1].actual", "0.5%", "张审核"))
    fresh = make_submission(sid)  # what the reader makes of the same file again
    again = with_corrections(fresh, records)
    assert again.evaluations[0].indicators[1].actual == Value(raw="0.5%", op=None, number=0.5, unit="%",
                                                            qualitative=False, vague=False, blank=False)
    assert fresh.evaluations[0].indicators[1].actual.raw == "0%"  # the read itself is untouched
    fresh.evaluations[0].indicators = fresh.evaluations[0].indicators[:1]  # a read without that row
    assert with_corrections(fresh, records).evaluations[0].indicators == fresh.evaluations[0].indicators


# --- certainty ----------------------------------------------------------------------------------

def test_confirming_an_uncertain_read(records):
    sub = make_submission(uid())
    sub.status, sub.status_reason = "needs_review", "未找到指标表"
    records.save_submission(sub)
    store = CorrectionStore(records)
    assert store.read_state(sub.id).certainty == "uncertain"
    state = store.confirm(sub.id, "张审核", expected_version=store.read_state(sub.id).version)
    assert (state.certainty, state.confirmed_by) == ("recognised", "张审核") and state.confirmed_at
    (event,) = ReviewStore(records).events(sub.id)
    assert (event.kind, event.before, event.after["certainty"]) == ("certainty", {"certainty": "uncertain"},
                                                                    "recognised")
    records.save_submission(sub)  # read again: the confirmation stands
    assert records.get_summary(sub.id).certainty == "recognised"
    with pytest.raises(Conflict, match="不是待核实"):
        store.confirm(sub.id, "李审核")
    assert len(ReviewStore(records).events(sub.id)) == 1


def test_confirm_refuses_stale_versions_unknown_and_non_evaluations(records):
    sub = make_submission(uid())
    sub.status = "needs_review"
    records.save_submission(sub)
    store = CorrectionStore(records)
    with pytest.raises(Conflict, match="已被他人修改"):
        store.confirm(sub.id, "张审核", expected_version=99)
    assert store.read_state(sub.id).certainty == "uncertain"
    with pytest.raises(NotFound):
        store.confirm("no-such-sub", "张审核")
    other = make_submission(uid())
    other.doc_type.code, other.doc_type.checked = "other", False
    records.save_submission(other)
    with pytest.raises(Conflict, match="非自评材料"):
        store.confirm(other.id, "张审核")
    with pytest.raises(Conflict, match="非自评材料"):
        correct(records, CorrectionRequest(other.id, "year", "2024", "张审核"))
    assert ReviewStore(records).events(other.id) == [] and ReviewStore(records).events(sub.id) == []


def test_two_reviewers_correcting_at_once_one_wins_the_other_is_told(records, stored):
    import threading

    sid = stored
    version = CorrectionStore(records).read_state(sid).version
    barrier, outcomes = threading.Barrier(2), []

    def fix(actor: str, value: str) -> None:
        barrier.wait()
        try:
            correct(records, CorrectionRequest(sid, "evaluations[0].total_score", value, actor, expected_version=version))
            outcomes.append(value)
        except Conflict as err:
            assert "修改" in str(err)
            outcomes.append("conflict")

    threads = [threading.Thread(target=fix, args=a) for a in (("张审核", "96"), ("李审核", "97"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str)[-1] == "conflict" and len(outcomes) == 2
    (winner,) = [o for o in outcomes if o != "conflict"]
    (kept,) = CorrectionStore(records).history(sid)
    assert kept.typed == winner and len(ReviewStore(records).events(sid)) == 1
