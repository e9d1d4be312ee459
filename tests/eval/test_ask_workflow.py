"""The findings/workflow question set (eval/ask_workflow.py): expected answers are counted from
the setup alone (误报 left out unless asked about, ties accepted for a "which most"), every
template is filled, and the grader compares the answer's aggregate, groups or rows."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.model import Finding, Location
from eval.ask_workflow import EXPECT, Item, Setup, WorkflowQuestion, grade, workflow_questions


def _item(rule: str, severity: str, decision: str, unit: str, project: str, state: str, resolved: bool = False) -> Item:
    f = Finding(rule=rule, severity=severity, message="m", location=Location(field="evaluations[0].funds.rate"),
                decision=decision, resolved=resolved)  # type: ignore[arg-type]
    return Item(f, unit, project, state)


def _setup() -> Setup:
    s = Setup(states={"s1": "returned", "s2": "in_review", "s3": "pending", "s4": "approved"},
              assignees={"s1": "张三", "s2": "张三", "s3": None, "s4": "李四"},
              units={"s1": "甲局", "s2": "乙局", "s3": "甲局", "s4": "乙局"})
    s.items = [_item("CALC-IND-001", "error", "open", "甲局", "学生资助", "returned"),
               _item("CALC-IND-001", "error", "false_positive", "乙局", "疫苗接种", "in_review"),
               _item("WEAK-DUP-001", "info", "false_positive", "乙局", "疫苗接种", "in_review"),
               _item("WEAK-DUP-001", "info", "confirmed", "甲局", "学生资助", "returned"),
               _item("CALC-FUND-001", "error", "open", "乙局", "疫苗接种", "in_review", resolved=True)]
    return s


def test_expected_answers_are_counted_from_the_setup():
    s = _setup()
    assert EXPECT["state_returned"](s, {}) == {"s1"}
    assert EXPECT["reviewer_open"](s, {"reviewer": "张三"}) == {"s2"}  # s1 is with the unit
    assert EXPECT["by_reviewer"](s, {}) == {"张三": 2, "李四": 1}
    assert EXPECT["unit_counted"](s, {"unit": "乙局"}) == 0  # two 误报 and one no longer made
    assert EXPECT["unit_fp"](s, {"unit": "乙局"}) == 2
    assert EXPECT["top_fp_rule"](s, {}) == {"CALC-IND-001", "WEAK-DUP-001"}  # a tie: either is right
    assert EXPECT["top_error_project"](s, {}) == {"学生资助"}
    assert EXPECT["units_dup"](s, {}) == {"甲局"}
    assert EXPECT["returned_errors"](s, {}) == 1


def test_every_template_is_filled_and_the_set_has_at_least_fifty_questions():
    s = _setup()
    s.units.update({f"x{i}": f"单位{i}" for i in range(6)})
    s.states.update({f"x{i}": "pending" for i in range(6)})
    s.assignees.update({f"x{i}": None for i in range(6)})
    s.items += [_item(f"RULE-{i}", "warning", "false_positive" if i < 4 else "open", f"单位{i}", "p", "pending")
                for i in range(6)]
    questions = workflow_questions(s)
    assert len(questions) >= 50
    assert all("{" not in q.question for q in questions)


def test_the_grader_compares_values_groups_and_rows():
    count = WorkflowQuestion("q", "fp_all", "count", 2)
    assert grade(count, SimpleNamespace(kind="structured", found=True, rows=[], aggregate={"value": 2}))
    assert not grade(count, SimpleNamespace(kind="structured", found=True, rows=[], aggregate={"value": 3}))
    assert not grade(count, SimpleNamespace(kind="document", found=True, rows=[], aggregate=None))
    rows = WorkflowQuestion("q", "state_returned", "set", {"s1"}, key="submission_id")
    assert grade(rows, SimpleNamespace(kind="structured", found=True, rows=[{"submission_id": "s1"}],
                                       aggregate={"total_rows": 1, "groups": []}))
    assert not grade(rows, SimpleNamespace(kind="structured", found=True, rows=[{"submission_id": "s1"}],
                                           aggregate={"total_rows": 2, "groups": []}))  # rows left out
    top = WorkflowQuestion("q", "top_fp_rule", "top", {"A", "B"})
    assert grade(top, SimpleNamespace(kind="structured", found=True, rows=[], aggregate={"groups": [{"key": "B"}]}))
    none = WorkflowQuestion("q", "no_rule", "none", None)
    assert grade(none, SimpleNamespace(kind="document", found=False, rows=[], aggregate=None))
    assert not grade(none, SimpleNamespace(kind="structured", found=True, rows=[{"unit": "甲局"}], aggregate={}))
