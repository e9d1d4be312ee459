"""Year statistics: exact figures on a hand-built store, and consistency on the synthetic corpus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from assistant.model import (
    Evaluation,
    FileInfo,
    Finding,
    FundRow,
    Funds,
    Indicator,
    Location,
    Submission,
    Value,
)
from assistant.stats import Scope, fmt_amount, fmt_pct, year_statistics
from assistant.stores.records import EvaluationRow, FindingRow, RecordStore, SubmissionRow
from tests.assistant.drafting.corpus import ingested_corpus


def table(sid: str, unit: str, dept: str, *, budget: float | None, spent: float, total: float, grade: str,
          year: int = 2023, fund_unit: str = "万元", carryover: float | None = None) -> Submission:
    rows = [FundRow("年度资金总额", "total", budget, budget, spent),
            FundRow("当年财政拨款", "current_fiscal", budget, budget, spent)]
    if carryover is not None:
        rows.append(FundRow("上年结转资金", "carryover", carryover, carryover, carryover))
    ev = Evaluation(project_name=f"{unit}项目", department=dept, impl_unit=unit, year=year,
                    funds=Funds(unit=fund_unit, rows=rows, weight=10),
                    indicators=[Indicator(level1="产出指标", name="数量", target=Value("≥10个", ">=", 10, "个", blank=False),
                                          actual=Value("10个", None, 10, "个", blank=False), weight=90, score=90)],
                    total_score=total, grade=grade)
    return Submission(id=sid, kind="table", unit=unit, department=dept, year=year,
                      file=FileInfo(name=f"{sid}.docx", sha256=sid * 4, format="docx"), evaluations=[ev])


def finding(fid: str, rule: str, severity: str, field: str = "evaluations[0].funds.rate") -> Finding:
    return Finding(rule=rule, severity=severity, message=f"{rule} 问题", id=fid,  # type: ignore[arg-type]
                   location=Location(file="x.docx", table=0, row=3, col=5, field=field))


@pytest.fixture
def store(tmp_path) -> Iterator[RecordStore]:
    r = RecordStore(f"sqlite:///{tmp_path / 'r.db'}")
    r.save_submission(table("a1", "甲局", "甲局", budget=100.0, spent=80.0, total=92.0, grade="优"),
                      findings=[finding("f1", "MISSING-FUND-003", "warning"),
                                finding("f2", "CALC-FUND-001", "error")])
    r.save_submission(table("b2", "乙中心", "甲局", budget=200.0, spent=200.0, total=85.0, grade="优",
                            carryover=20.0),
                      findings=[finding("f3", "WEAK-VAL-001", "warning", "evaluations[0].indicators[0].target")])
    r.save_submission(table("c3", "丙站", "丙局", budget=500000.0, spent=450000.0, total=55.0, grade="差",
                            fund_unit="元"), findings=[])
    r.save_submission(Submission(id="d4", kind="report", unit="乙中心", year=2023,
                                 file=FileInfo(name="d4.pdf", sha256="d4" * 8, format="pdf")),
                      findings=[Finding(rule="MISSING-RPT-001", severity="warning", message="缺章节", id="f4",
                                        location=Location(paragraph=0, field="sections"))])
    r.save_submission(table("e5", "丁所", "丁局", budget=None, spent=5.0, total=70.0, grade="中", year=2022))
    yield r
    r.close()


def test_counts_amounts_and_rates(store):
    st = year_statistics(store, 2023)
    F = st.figures
    assert (F["units"].value, F["submissions"].value, F["projects"].value, F["reports"].value) == (3, 4, 3, 1)
    assert F["amount.budget"].value == 350.0  # 100 + 200 + 500000元 = 50万元
    assert F["amount.exec"].value == 325.0
    assert F["amount.rate"].value == pytest.approx(92.9)  # 325/350
    assert F["amount.fund.carryover"].value == 20.0 and F["amount.fund.carryover"].submissions == ("b2",)
    assert F["amount.fund.current_fiscal"].value == 350.0
    assert F["coverage.targets"].value == 3 and F["coverage.targets.rate"].value == 100.0
    assert F["coverage.report"].value == 1 and F["coverage.report"].submissions == ("b2",)  # 乙中心 sent a report
    assert F["coverage.report.rate"].value == pytest.approx(33.3)


def test_grades_are_derived_from_the_total(store):
    F = year_statistics(store, 2023).figures
    assert (F["grade.优"].value, F["grade.良"].value, F["grade.中"].value, F["grade.差"].value) == (1, 1, 0, 1)
    assert F["grade.mismatch"].value == 1 and F["grade.mismatch"].submissions == ("b2",)  # 85 filled as 优
    assert F["score.mean"].value == pytest.approx(77.33)


def test_execution_bands(store):
    F = year_statistics(store, 2023).figures
    assert (F["exec.full"].value, F["exec.90"].value, F["exec.80"].value, F["exec.low"].value) == (1, 1, 1, 0)
    assert F["exec.80"].submissions == ("a1",) and F["exec.90"].submissions == ("c3",)
    assert "80%（含）至90%" in F["exec.80"].statement


def test_findings_by_severity_family_rule_and_unit(store):
    st = year_statistics(store, 2023)
    F = st.figures
    assert (F["findings.total"].value, F["findings.error"].value, F["findings.warning"].value) == (4, 1, 3)
    assert set(F["findings.total"].findings) == {"f1", "f2", "f3", "f4"}
    assert F["findings.objects"].value == 3 and F["findings.clean"].submissions == ("c3",)
    fams = {rc.rule: rc.findings.value for rc in st.by_family}
    assert fams == {"MISSING": 2, "WEAK": 1, "CALC": 1}
    assert {rc.rule for rc in st.by_rule} == {"MISSING-FUND-003", "CALC-FUND-001", "WEAK-VAL-001", "MISSING-RPT-001"}
    top = [(u.unit, u.findings.value) for u in st.top_units]
    assert top == [("乙中心", 2), ("甲局", 2)]  # ties by name


def test_groups_count_objects_share_and_money(store):
    st = year_statistics(store, 2023)
    g = st.group("exec", ["MISSING-FUND-003", "CALC-FUND-001"])
    assert (g.objects.value, g.share.value, g.amount.value, g.findings.value) == (1, pytest.approx(33.3), 100.0, 2)
    assert g.noun == ("个", "项目") and g.denominator == 3
    mixed = st.group("mixed", ["WEAK-VAL-001", "MISSING-RPT-001"])
    assert mixed.by_kind == {"project": 1, "report": 1} and mixed.denominator == 4 and mixed.share.value == 50.0
    assert mixed.amount.value == 200.0 and mixed.noun == ("份", "自评材料")


def test_exclusions_and_scopes(store):
    st = year_statistics(store, 2023, exclude_findings=["f2"])
    assert st.figures["findings.total"].value == 3 and st.excluded_findings == ("f2",)
    dept = year_statistics(store, 2023, Scope("department", "甲局"))
    assert dept.figures["projects"].value == 2
    assert dept.figures["reports"].value == 1  # 乙中心's report joins its department
    unit = year_statistics(store, 2023, "unit:丙站")
    assert unit.figures["projects"].value == 1 and unit.figures["findings.total"].value == 0
    assert year_statistics(store, 2022).figures["amount.budget"].note == "1个项目未填全年预算数"
    with pytest.raises(ValueError):
        Scope("department")


def test_formatting():
    assert (fmt_amount(1236.5), fmt_amount(100.0), fmt_amount(0.005), fmt_pct(33.333)) == ("1236.5", "100", "0.01", "33.3")


def test_every_figure_traces_to_rows_of_the_corpus(tmp_path_factory):
    corpus = ingested_corpus(tmp_path_factory.getbasetemp())
    records = corpus.records
    year = corpus.busiest_year()
    st = year_statistics(records, year)
    with records.session() as s:
        subs = {r.id for r in s.scalars(select(SubmissionRow).where(SubmissionRow.year == year))}
        evs = list(s.scalars(select(EvaluationRow).where(EvaluationRow.submission_id.in_(subs))))
        n_findings = len(list(s.scalars(select(FindingRow).where(FindingRow.submission_id.in_(subs)))))
    projects = [e for e in evs if e.kind == "project"]
    F = st.figures
    assert F["projects"].value == len(projects)
    assert F["findings.total"].value == n_findings
    assert F["amount.budget"].value == pytest.approx(sum(e.budget_full_year or 0 for e in projects), abs=0.01)
    for fig in st.all_figures():
        assert set(fig.submissions) <= subs, fig.key
        if fig.value and fig.unit in ("个", "份") and fig.key not in ("units",):
            assert fig.submissions, fig.key  # a non-zero count names the files behind it
    bands = sum(F[k].value for k in ("exec.full", "exec.90", "exec.80", "exec.low", "exec.unknown"))
    assert bands == len(projects)
    assert sum(rc.findings.value for rc in st.by_family) == n_findings
    corpus.stores.close()


def test_findings_share_is_counted_in_files_like_the_materials(tmp_path):
    """A file holding two project tables is one 自评材料: "报送自评材料2份" must not be followed by
    "涉及自评材料2份，占66.7%" (the share was taken over tables and reports, the count over files)."""
    r = RecordStore(f"sqlite:///{tmp_path / 'r.db'}")
    two = table("m1", "甲局", "甲局", budget=100.0, spent=80.0, total=92.0, grade="优")
    two.evaluations.append(table("m1", "甲局", "甲局", budget=50.0, spent=50.0, total=95.0, grade="优").evaluations[0])
    r.save_submission(two, findings=[finding("g1", "MISSING-FUND-003", "warning")])
    r.save_submission(table("n2", "乙中心", "甲局", budget=200.0, spent=200.0, total=85.0, grade="优"),
                      findings=[finding("g2", "CALC-FUND-001", "error")])
    F = year_statistics(r, 2023).figures
    r.close()
    assert F["submissions"].value == 2 and F["projects"].value == 3
    assert F["findings.objects"].value == 2 and F["findings.objects.rate"].value == 100.0
    assert F["findings.clean"].value == 0
