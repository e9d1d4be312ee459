"""Decisions and read certainty flow downstream (issue 15 items 1 and 3): a finding a reviewer
marked 误报 is in no letter, statistic, export or annual draft; a 已整改 one is counted but no longer
asked for; an uncertain read (待核实) and a file that is no self-evaluation are left out of the
statistics and named instead ("另有N份材料识别结果待核实，未计入")."""

from __future__ import annotations

import uuid

from assistant.drafting.annual import build_annual
from assistant.drafting.review import build_review
from assistant.model import DocumentType, Finding, Location
from assistant.review.decisions import DecisionRequest
from assistant.stats import year_statistics
from assistant.stores.browse import FindingQuery, findings_by_submission
from assistant.stores.review import ReviewStore
from tests.support.samples import make_submission

YEAR = 2043  # a year no other test stores (the PostgreSQL lane shares one database), so the year's statistics are this test's own


def uid() -> str:
    return uuid.uuid4().hex[:16]


def two_findings(sid: str) -> list[Finding]:
    return [
        Finding(rule="CALC-IND-001", severity="error", message="第1项得分超过分值", id=f"{sid}-score",
                location=Location(table=0, row=9, col=6, field="evaluations[0].indicators[0].score"),
                evidence="得分 25 > 分值 20", suggestion="按分值上限重新打分"),
        Finding(rule="WEAK-VAL-001", severity="warning", message="指标值“较好”为模糊用语", id=f"{sid}-vague",
                location=Location(table=0, row=10, col=3, field="evaluations[0].indicators[1].target"),
                evidence="较好", suggestion="改为可衡量的指标值"),
    ]


def store(records, *, unit: str, status: str = "ok", doc_type: DocumentType | None = None) -> str:
    sub = make_submission(uid(), unit=unit, year=YEAR)
    sub.status = status  # type: ignore[assignment]
    if doc_type is not None:
        sub.doc_type = doc_type
    records.save_submission(sub, findings=two_findings(sub.id))
    return sub.id


def test_a_false_positive_leaves_letter_statistics_export_and_annual_draft(records):
    sid = store(records, unit=f"甲单位{uid()[:4]}")
    review = ReviewStore(records)
    before = year_statistics(records, YEAR, f"unit:{records.get_summary(sid).unit}")
    assert before.figures["findings.total"].value == 2
    first = build_review(records, sid)
    assert {f"problem:{sid}-score", f"problem:{sid}-vague"} <= {b.key for b in first.blocks}
    assert "第1项得分超过分值" in first.text() or "得分 25 > 分值 20" in first.text()

    review.decide(DecisionRequest(f"{sid}-score", "false_positive", actor="张审核", reason="分值列读错"))
    review.decide(DecisionRequest(f"{sid}-vague", "fixed", actor="张审核"))

    letter = build_review(records, sid)
    # neither is asked for: the false one was never a defect, the fixed one is done
    assert not [b.key for b in letter.blocks if b.key.startswith("problem:")]
    assert "得分 25 > 分值 20" not in letter.text() and letter.meta["findings"] == []

    after = year_statistics(records, YEAR, f"unit:{records.get_summary(sid).unit}")
    assert after.figures["findings.total"].value == 1  # the fixed one was a defect; the false one was not
    assert [f.id for f in after.findings] == [f"{sid}-vague"]

    exported = findings_by_submission(records, FindingQuery(submission_id=sid))
    assert [f.id for f in exported[sid]] == [f"{sid}-vague"]

    annual = build_annual(records, YEAR, f"unit:{records.get_summary(sid).unit}")
    assert all(f"{sid}-score" not in fact.findings for fact in annual.facts.values())


def test_uncertain_reads_and_other_documents_are_named_not_counted(records):
    unit = f"乙单位{uid()[:4]}"
    sure = store(records, unit=unit)
    unsure = store(records, unit=unit, status="needs_review")
    other = store(records, unit=unit, status="needs_review",
                  doc_type=DocumentType(code="other", name="其他", checked=False))
    st = year_statistics(records, YEAR, f"unit:{unit}")
    assert st.figures["submissions"].value == 1 and st.figures["submissions"].submissions == (sure,)
    assert st.uncertain == (unsure,) and st.not_evaluation == (other,)
    assert st.figures["held.uncertain"].value == 1
    assert {f.submission_id for f in st.findings} == {sure}
    text = build_annual(records, YEAR, f"unit:{unit}", with_statistics=True).text()
    assert "另有1份材料识别结果待核实，未计入上述统计" in text


def test_answers_over_findings_count_defects_only(records):
    from assistant.answer import Aggregate, Filter, StructuredQuery, execute

    unit = f"丙单位{uid()[:4]}"
    sid = store(records, unit=unit)
    ReviewStore(records).decide(DecisionRequest(f"{sid}-score", "false_positive", actor="张审核", reason="误读"))
    found = execute(StructuredQuery(entity="finding", filters=[Filter(field="unit", op="=", value=unit)]), records)
    assert [r["finding_id"] for r in found.rows] == [f"{sid}-vague"]
    per_unit = execute(StructuredQuery(entity="finding", group_by="unit", aggregate=Aggregate(op="count"),
                                       filters=[Filter(field="unit", op="=", value=unit)]), records)
    assert [g["value"] for g in per_unit.groups] == [1]
    two = execute(StructuredQuery(entity="project", filters=[Filter(field="unit", op="=", value=unit),
                                                             Filter(field="finding_count", op=">=", value=2)]), records)
    assert two.total_rows == 0
