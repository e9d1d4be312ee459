"""复核打分 records (issue 15 item 8), on real SQLite and PostgreSQL: the reviewer's adjustments are
a layer (the self-score is never overwritten), every changed item is a ``score`` event in the audit
log, a stale or concurrent save is refused and changes nothing, bad input gets a Chinese message
and changes nothing, and the caps come from the pack the form was scored under."""

from __future__ import annotations

import threading
import uuid

import pytest

from assistant.review.errors import Conflict, Invalid, NotFound
from assistant.review.scores import Adjustment
from assistant.stores.review import ReviewStore
from assistant.stores.scores import ScoreRequest, ScoreStore
from tests.support.samples import make_submission


def uid() -> str:
    return uuid.uuid4().hex[:16]


@pytest.fixture
def stored(records):
    """make_submission: self total 95 (优), rows 20/20/10 at full marks, execution 98.5% → 9.85 of 10."""
    sid = uid()
    records.save_submission(make_submission(sid))
    return sid, ScoreStore(records)


def ask(sid: str, *adjustments: tuple[str, float, str], version: int | None = None, actor: str = "张审核"):
    return ScoreRequest(sid, 0, tuple(Adjustment(*a) for a in adjustments), actor=actor, expected_version=version)


def test_unscored_form_shows_the_self_score(stored):
    sid, scores = stored
    (form,) = scores.form_scores(sid)
    assert (form.scored, form.version, form.project) == (False, 0, "学生资助补助经费")
    assert (form.score.self_total, form.score.total, form.score.grade, form.score.gap) == (95.0, 95.0, "优", 0.0)
    assert [i.item for i in form.score.items] == ["indicators[0]", "indicators[1]", "indicators[2]", "funds"]


def test_an_adjustment_is_a_layer_and_is_logged(stored, records):
    sid, scores = stored
    form = scores.save(ask(sid, ("indicators[0]", 12, "实际完成值无佐证"), ("funds", 9, "执行率按调整后预算"), version=0))
    assert (form.scored, form.version, form.scored_by) == (True, 1, "张审核")
    # 95 + (12 − 20) + (9 − 9.85) = 86.15
    assert (form.score.total, form.score.grade, form.score.self_grade, form.score.gap) == (86.15, "良", "优", -8.85)
    sub = records.get_submission(sid)
    assert sub.evaluations[0].indicators[0].score == 20.0 and sub.evaluations[0].total_score == 95.0
    events = ReviewStore(records).events(sid, kind="score")
    assert [(e.before["item"], e.before["score"], e.after["score"], e.reason, e.actor) for e in events] == [
        ("indicators[0]", None, 12, "实际完成值无佐证", "张审核"), ("funds", None, 9, "执行率按调整后预算", "张审核")]
    # a second save: one row changed, one taken back, one left as it was → two events
    form = scores.save(ask(sid, ("indicators[0]", 15, "补充佐证后认定部分完成"), version=1, actor="李复核"))
    assert (form.version, form.scored_by, form.score.total) == (2, "李复核", 90.0)
    later = ReviewStore(records).events(sid, kind="score")[2:]
    assert [(e.after["item"], e.before["score"], e.after["score"]) for e in later] == [
        ("indicators[0]", 12, 15), ("funds", 9, None)]
    assert later[1].reason == "撤回复核调整，恢复自评得分"


def test_bad_input_is_refused_in_chinese_and_changes_nothing(stored, records):
    sid, scores = stored
    with pytest.raises(Invalid, match="没有第9项指标"):
        scores.save(ask(sid, ("indicators[8]", 5, "x")))
    with pytest.raises(Invalid, match="超过该项分值20分"):
        scores.save(ask(sid, ("indicators[0]", 21, "x")))
    with pytest.raises(Invalid, match="须填写理由"):
        scores.save(ask(sid, ("indicators[0]", 10, " ")))
    with pytest.raises(NotFound, match="没有编号"):
        scores.save(ask("no-such-id", ("indicators[0]", 10, "x")))
    with pytest.raises(NotFound, match="第2张自评表"):
        scores.save(ScoreRequest(sid, 1, (), actor="张审核"))
    assert not scores.form_scores(sid)[0].scored
    assert ReviewStore(records).events(sid) == []


def test_a_stale_save_is_refused(stored, records):
    sid, scores = stored
    scores.save(ask(sid, ("indicators[0]", 12, "a"), version=0))
    with pytest.raises(Conflict, match="已被张审核修改"):
        scores.save(ask(sid, ("indicators[0]", 10, "b"), version=0, actor="李复核"))
    form = scores.form_scores(sid)[0]
    assert (form.version, form.score.items[0].review_score) == (1, 12)
    assert len(ReviewStore(records).events(sid, kind="score")) == 1


def test_two_reviewers_at_once_one_wins(stored, records):
    sid, scores = stored
    scores.save(ask(sid, ("indicators[0]", 12, "a"), version=0))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def save(actor: str, score: float) -> None:
        barrier.wait()
        try:
            scores.save(ask(sid, ("indicators[1]", score, f"{actor}的理由"), version=1, actor=actor))
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(a, s)) for a, s in (("甲", 10), ("乙", 11))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert scores.form_scores(sid)[0].version == 2


def test_caps_of_the_pack_scored_under(records):
    sid = uid()
    sub = make_submission(sid)
    total = sub.evaluations[0].funds.rows[0]
    total.exec_amount = 650_000.0  # 65% of 1,000,000
    records.save_submission(sub)
    national = ScoreStore(records).save(ask(sid, ("indicators[2]", 9, "满意度样本不足"), version=0))
    assert (national.score.profile, national.score.total, national.score.cap) == ("national", 94.0, None)
    capped = ScoreStore(records, "exec_caps").save(ask(sid, ("indicators[2]", 8, "满意度样本不足"), version=1))
    assert (capped.score.profile, capped.score.exec_rate, capped.score.uncapped) == ("exec_caps", 65.0, 93.0)
    assert (capped.score.total, capped.score.grade, capped.score.cap.max_total) == (79.0, "中", 79.0)
    # read back by anyone: the pack the form was scored under, not the reader's
    again = ScoreStore(records, "national").form_scores(sid)[0]
    assert (again.score.total, again.score.profile) == (79.0, "exec_caps")


# 2039: a year no other test stores (the PostgreSQL lane shares one database across tests)
def test_scored_and_listing(records):
    a, b = uid(), uid()
    records.save_submission(make_submission(a, unit="甲单位", year=2039))
    records.save_submission(make_submission(b, unit="乙单位", year=2039))
    scores = ScoreStore(records)
    scores.save(ask(a, ("indicators[0]", 0, "数量指标未完成"), version=0))
    assert set(scores.scored([a, b])) == {(a, 0)}
    lines = scores.listing(year=2039)
    assert {(ln.unit, ln.form.scored, ln.form.score.total) for ln in lines} == {("甲单位", True, 75.0),
                                                                                  ("乙单位", False, 95.0)}
    assert [ln.unit for ln in scores.listing(year=2039, unit="乙单位")] == ["乙单位"]
    assert all(ln.budget == 100.0 for ln in lines)  # 1,000,000 元 = 100 万元


def test_a_reviewer_scores_only_what_is_theirs_or_unassigned(stored, records):
    from assistant.stores.records import SubmissionReviewRow

    sid, scores = stored
    with records.session() as s:
        s.get(SubmissionReviewRow, sid).assignee = "王审核"
    mine = ScoreRequest(sid, 0, (Adjustment("indicators[0]", 12, "a"),), actor="张审核", admin=False)
    with pytest.raises(Conflict, match="已分派给王审核"):
        scores.save(mine)
    assert not scores.form_scores(sid)[0].scored
    assert scores.save(ScoreRequest(sid, 0, mine.adjustments, actor="王审核", admin=False)).scored
    assert scores.save(ScoreRequest(sid, 0, (), actor="管理员", admin=True)).version == 2
