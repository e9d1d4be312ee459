"""Where a submission stands (issue 15 items 4, 7, 9), on real SQLite and PostgreSQL: only the
moves of the state graph are made, approving over 待定 错误 findings needs a reason, a reviewer acts
only on submissions assigned to them or to no one, batches report each submission, the queues
select by state, reviewer and due date, and every change is in the audit log with its actor."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

import pytest

from assistant.model import Finding, Location
from assistant.review.decisions import DecisionRequest
from assistant.review.errors import Conflict, Forbidden, Invalid, NotFound
from assistant.review.queues import queue
from assistant.review.roles import Actor
from assistant.review.states import allowed, graph
from assistant.stores.browse import SubmissionQuery, submission_page, submission_row
from assistant.stores.review import ReviewStore
from assistant.stores.users import UserStore
from tests.support.samples import make_submission

ADMIN = Actor("管理员甲", admin=True)
ZHANG = Actor("zhang")
LI = Actor("li")


def uid() -> str:
    return uuid.uuid4().hex[:16]


def error_finding(sid: str, n: int = 0, rule: str = "CALC-IND-001") -> Finding:
    return Finding(rule=rule, severity="error", message=f"第{n + 1}项得分超过分值", id=f"{sid}-e{n}",
                   location=Location(table=0, row=9 + n, col=6, field=f"evaluations[0].indicators[{n}].score"),
                   evidence=f"得分 {20 + n}")


@pytest.fixture
def store(records):
    users = UserStore(records.engine)
    for name in ("zhang", "li"):
        if users.get(name) is None:
            users.add(name, "reviewer")
    return records, ReviewStore(records)


def stored(records, *, errors: int = 0, unit: str | None = None) -> str:
    sid = uid()
    records.save_submission(make_submission(sid, unit=unit or f"单位{sid[:6]}"),
                            findings=[error_finding(sid, n) for n in range(errors)])
    return sid


# --- the graph -----------------------------------------------------------------------------------

def test_the_graph_is_data_with_chinese_terms():
    g = graph()
    assert [g.term(c) for c in ("pending", "in_review", "approved", "approved_with_changes", "returned",
                                "resubmitted")] == ["待审", "审核中", "通过", "修改后通过", "退回重报", "已重报"]
    assert g.initial == "pending"
    assert {t.target for t in g.moves_from("in_review")} >= {"approved", "approved_with_changes", "returned"}
    assert [t.target for t in g.moves_from("returned")] == ["resubmitted"]
    assert [t.target for t in g.moves_from("resubmitted")] == ["in_review"]


def test_a_move_the_graph_lacks_is_a_conflict_naming_the_options():
    with pytest.raises(Conflict, match="不能从“待审”改为“通过”；当前可改为：“审核中”"):
        allowed("pending", "approved", reason=None, open_errors=0)
    with pytest.raises(Conflict, match="已处于“审核中”"):
        allowed("in_review", "in_review", reason=None, open_errors=0)
    with pytest.raises(Invalid, match="未知的审核状态“done”"):
        allowed("in_review", "done", reason=None, open_errors=0)


# --- transitions ---------------------------------------------------------------------------------

def test_the_season_of_one_submission(store):
    records, review = store
    sid = stored(records)
    assert review.review(sid).state == "pending"
    path = [("in_review", None), ("returned", "指标值未量化"), ("resubmitted", None), ("in_review", None),
            ("approved_with_changes", None), ("in_review", "误点通过"), ("approved", None)]
    for state, reason in path:
        now = review.transition(sid, state, ZHANG, reason=reason)
        assert now.state == state
    assert now.version == 1 + len(path)
    events = review.events(sid, kind="transition")
    assert [(e.before["state"], e.after["state"]) for e in events] == list(zip(
        ["pending"] + [s for s, _ in path[:-1]], [s for s, _ in path], strict=True))
    assert {e.actor for e in events} == {"zhang"}
    assert events[1].reason == "指标值未量化"
    assert submission_row(records, sid).state == "approved"


@pytest.mark.parametrize("source_path,target", [
    ((), "approved"), ((), "returned"), ((), "resubmitted"),
    (("in_review",), "resubmitted"),
    (("in_review", "returned"), "approved"), (("in_review", "returned"), "in_review"),
    (("in_review", "approved"), "returned"),
])
def test_every_move_off_the_graph_is_refused_and_changes_nothing(store, source_path, target):
    records, review = store
    sid = stored(records)
    for state in source_path:
        review.transition(sid, state, ADMIN, reason="理由")
    before = review.review(sid)
    n_events = len(review.events(sid))
    with pytest.raises(Conflict, match="不能从"):
        review.transition(sid, target, ADMIN, reason="理由")
    assert review.review(sid) == before and len(review.events(sid)) == n_events


def test_returning_and_reopening_need_a_reason(store):
    records, review = store
    sid = stored(records)
    review.transition(sid, "in_review", ZHANG)
    with pytest.raises(Invalid, match="须填写理由"):
        review.transition(sid, "returned", ZHANG, reason="  ")
    review.transition(sid, "approved", ZHANG)
    with pytest.raises(Invalid, match="须填写理由"):
        review.transition(sid, "in_review", ZHANG)
    assert review.review(sid).state == "approved"


def test_approving_over_open_errors_needs_a_reason(store):
    records, review = store
    sid = stored(records, errors=2)
    review.transition(sid, "in_review", ZHANG)
    for target in ("approved", "approved_with_changes"):
        with pytest.raises(Invalid, match="仍有2条错误类审核发现待定"):
            review.transition(sid, target, ZHANG)
    assert review.review(sid).state == "in_review"
    # deciding the errors lifts the need: a confirmed error is no longer 待定, a 误报 no longer counts
    review.decide(DecisionRequest(f"{sid}-e0", "confirmed", "zhang"))
    review.decide(DecisionRequest(f"{sid}-e1", "false_positive", "zhang", reason="表头误读"))
    assert review.transition(sid, "approved_with_changes", ZHANG).state == "approved_with_changes"
    # or a reason given with the approval
    other = stored(records, errors=1)
    review.transition(other, "in_review", ZHANG)
    done = review.transition(other, "approved", ZHANG, reason="该项已电话核实，不影响结论")
    assert done.state == "approved"
    assert review.events(other, kind="transition")[-1].reason == "该项已电话核实，不影响结论"


def test_unknown_submission_and_stale_version(store):
    records, review = store
    with pytest.raises(NotFound, match="没有编号为“nope”的材料"):
        review.transition("nope", "in_review", ADMIN)
    sid = stored(records)
    review.transition(sid, "in_review", ZHANG, expected_version=1)
    with pytest.raises(Conflict, match="已被他人修改"):
        review.transition(sid, "approved", LI, expected_version=1)
    assert review.review(sid).state == "in_review"


def test_two_reviewers_moving_at_once_one_wins(store):
    records, review = store
    sid = stored(records)
    review.transition(sid, "in_review", ADMIN)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def act(target: str) -> None:
        barrier.wait()
        try:
            review.transition(sid, target, ADMIN, reason="并发", expected_version=2)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=act, args=(t,)) for t in ("approved", "returned")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert review.review(sid).version == 3 and len(review.events(sid, kind="transition")) == 2


# --- assignment and roles -------------------------------------------------------------------------

def test_assignment_is_logged_and_needs_a_known_user(store):
    records, review = store
    sid = stored(records)
    due = date(2027, 3, 31)
    now = review.assign(sid, "zhang", ADMIN, due_date=due)
    assert (now.assignee, now.due_date, now.version) == ("zhang", due, 2)
    assert review.assign(sid, "zhang", ADMIN, due_date=due).version == 2  # no change, no event
    (event,) = review.events(sid, kind="assignment")
    assert (event.actor, event.before, event.after) == (
        "管理员甲", {"assignee": None, "due_date": None}, {"assignee": "zhang", "due_date": "2027-03-31"})
    with pytest.raises(Invalid, match="没有名为“王五”的在用审核人员"):
        review.assign(sid, "王五", ADMIN)
    assert review.review(sid).assignee == "zhang"
    row = submission_row(records, sid)
    assert (row.assignee, row.due_date) == ("zhang", due)


def test_a_reviewer_acts_on_their_own_or_unassigned_submissions_an_admin_on_all(store):
    records, review = store
    free, theirs = stored(records, errors=1), stored(records, errors=1)
    review.assign(theirs, "li", ADMIN)
    review.transition(free, "in_review", ZHANG)  # unassigned: anyone
    with pytest.raises(Forbidden, match="已分派给“li”"):
        review.transition(theirs, "in_review", ZHANG)
    with pytest.raises(Forbidden):
        review.assign(theirs, "zhang", ZHANG)
    with pytest.raises(Forbidden):
        review.decide(DecisionRequest(f"{theirs}-e0", "confirmed", "zhang"), admin=False)
    assert review.finding(f"{theirs}-e0").decision == "open"
    assert review.events(theirs, kind="transition") == [] and len(review.events(theirs)) == 1
    review.transition(theirs, "in_review", LI)  # their own
    review.decide(DecisionRequest(f"{theirs}-e0", "confirmed", "li"), admin=False)
    review.assign(theirs, "zhang", ADMIN)  # an admin on all
    assert review.review(theirs).assignee == "zhang"


# --- batches ---------------------------------------------------------------------------------------

def test_batch_actions_report_each_submission(store):
    records, review = store
    a, b, c = stored(records), stored(records, errors=1), stored(records)
    review.assign(c, "li", ADMIN)
    out = review.batch_assign([a, b, c, "nope"], "zhang", ZHANG, due_date=date(2027, 1, 15))
    assert [(o.submission_id, o.ok) for o in out] == [(a, True), (b, True), (c, False), ("nope", False)]
    assert "已分派给“li”" in out[2].message and "没有编号为" in out[3].message
    assert review.review(c).assignee == "li"
    out = review.batch_transition([a, b], "in_review", ZHANG)
    assert all(o.ok for o in out) and {o.review.state for o in out} == {"in_review"}
    out = review.batch_transition([a, b], "approved", ZHANG)
    assert [o.ok for o in out] == [True, False] and "错误类审核发现待定" in out[1].message
    with pytest.raises(Invalid, match="未知的审核状态"):
        review.batch_transition([a], "done", ZHANG)


def test_batch_decide_the_same_rule_across_submissions(store):
    records, review = store
    a, b = uid(), uid()
    for sid in (a, b):
        records.save_submission(make_submission(sid, unit=f"单位{sid[:6]}"), findings=[
            error_finding(sid, 0), error_finding(sid, 1), error_finding(sid, 2, rule="FUND-RATE-001")])
    review.decide(DecisionRequest(f"{b}-e0", "false_positive", "zhang", reason="已核实"))
    with pytest.raises(Invalid, match="须填写理由"):
        review.batch_decide([a, b], "CALC-IND-001", "false_positive", ZHANG)
    out = review.batch_decide([a, b], "CALC-IND-001", "false_positive", ZHANG, reason="模板合并单元格误读")
    assert [(o.submission_id, o.ok, o.changed) for o in out] == [(a, True, 2), (b, True, 1)]
    for sid in (a, b):
        assert {f.rule: f.decision for f in records.get_findings(sid) if f.rule == "FUND-RATE-001"} == {
            "FUND-RATE-001": "open"}
        assert all(f.decision == "false_positive" for f in records.get_findings(sid) if f.rule == "CALC-IND-001")
        assert submission_row(records, sid).errors == 1
    assert len(review.events(a, kind="decision")) == 2
    row = submission_row(records, a)
    assert (row.open, row.confirmed, row.false_positive, row.fixed) == (1, 0, 2, 0)


# --- queues ----------------------------------------------------------------------------------------

def test_queues(store):
    records, review = store
    unit = f"队列{uid()}"  # the queues below are read within this unit only (the database is shared)
    mine, other, free, late, back, done = (stored(records, unit=unit) for _ in range(6))
    today = date(2027, 2, 1)
    review.assign(mine, "zhang", ADMIN, due_date=today + timedelta(days=3))
    review.assign(other, "li", ADMIN)
    review.assign(late, "zhang", ADMIN, due_date=today - timedelta(days=1))
    for sid in (back, done):
        review.assign(sid, "zhang", ADMIN, due_date=today - timedelta(days=9))
        review.transition(sid, "in_review", ZHANG)
    review.transition(back, "returned", ZHANG, reason="缺少佐证")
    review.transition(done, "approved", ZHANG)

    def ids(name: str, user: str = "zhang") -> set[str]:
        f = queue(name, user, today)
        q = SubmissionQuery(unit=unit, states=f.states, assignee=f.assignee, unassigned=f.unassigned,
                            due_before=f.due_before)
        return {r.id for r in submission_page(records, q, offset=0, limit=50)[1]}

    assert ids("mine") == {mine, late}  # returned and approved are no longer the reviewer's work
    assert ids("mine", "li") == {other}
    assert ids("unassigned") == {free}
    assert ids("overdue") == {late}
    assert ids("returned") == {back}
    with pytest.raises(Invalid, match="未知的队列"):
        queue("later", "zhang", today)
