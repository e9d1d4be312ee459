"""The real regression set (eval/real/forms) is well-formed data, and its evaluation grades what it
should: fields against the transcribed expectations, findings against the labelled defects."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from assistant.checker.registry import rule_classes
from assistant.model import Finding, Location, Occurrence
from eval.real.forms import KINDS, LAYOUTS, PLACES, Defect, constructed_forms, form, real_forms
from eval.real_eval import FormatReport, compare_fields, matches, run
from ingest.extract import extract_file


def _extent(cell) -> tuple[int, int]:
    return (cell[3], cell[4]) if len(cell) == 5 else (1, 1)


def test_the_real_set_is_big_and_wide_enough():
    forms = real_forms()
    assert len(forms) >= 20
    # a form whose page names no place counts as no province
    assert len({f.province for f in forms if not f.province.startswith("未注明")}) >= 8
    assert len({f.id for f in forms}) == len(forms)
    assert not any(f.constructed for f in forms)
    assert {f.kind for f in forms} == {"project", "department"}


@pytest.mark.parametrize("ff", real_forms(), ids=lambda f: f.id)
def test_a_real_form_file_is_well_formed(ff):
    assert ff.path is not None and ff.path.stem == ff.id
    url = urlparse(ff.source)
    assert url.scheme in ("http", "https") and url.netloc, ff.source
    assert ff.province and ff.kind in KINDS and ff.layout in LAYOUTS and ff.title
    assert all(isinstance(c, str) and c for c in ff.completed)
    # cells: 1-based, spans ≥ 1, no two cells covering the same place
    covered: set[tuple[int, int]] = set()
    for cell in ff.form.cells:
        r, c, text = cell[:3]
        rs, cs = _extent(cell)
        assert r >= 1 and c >= 1 and rs >= 1 and cs >= 1 and isinstance(text, str), cell
        places = {(r + i, c + j) for i in range(rs) for j in range(cs)}
        assert not places & covered, cell
        covered |= places
    n_rows = max(r for r, _ in covered)
    # what a reviewer reads off it, and what a reviewer sees wrong in it
    assert ff.expected.indicators and all(i.name for i in ff.expected.indicators)
    codes = {rule.code for rule in rule_classes()}
    for d in ff.defects:
        assert d.note
        assert set(d.rules) <= codes, d.rules
        assert d.rules or d.kind, "a defect no rule names yet says what kind it is"
        assert (1 <= d.at <= n_rows) if isinstance(d.at, int) else d.at in PLACES, d.at
    # rules left unjudged only where the transcription says what it left out
    assert set(ff.not_judged) <= codes and (not ff.not_judged or ff.completed)


def test_constructed_forms_are_kept_apart():
    (parent,) = constructed_forms()
    assert parent.constructed and parent.id not in {f.id for f in real_forms()}
    assert form("parent_rows") is parent


def _number(raw: str, unit: str | None = None) -> dict:
    return {"raw": raw, "op": None, "number": float(raw.rstrip("%")), "unit": unit, "blank": False}


def _perfect_reading(ff) -> dict:
    """A right reading of 廊坊's form in Submission.to_dict() shape, built by hand from its labels."""
    exp = ff.expected
    return {"evaluations": [{
        "project_name": exp.project_name, "impl_unit": exp.impl_unit, "year": exp.year, "total_score": None,
        "grade": None,
        "funds": {"rows": [{"category": "total", "budget_initial": 43.2, "budget_full_year": 43.2, "exec_amount": 37.24}],
                  "rate": _number("86%", "%"), "weight": 10, "score": 9},
        "indicators": [{"name": i.name, "target": _number(i.target), "actual": _number(i.actual), "weight": i.weight,
                        "score": i.score} for i in exp.indicators]}]}


def test_field_grading_fails_what_differs():
    ff = form("he_langfang_heating")
    got = _perfect_reading(ff)
    assert all(ok for _, ok in compare_fields(ff.expected, got))
    ev = got["evaluations"][0]
    ev["total_score"] = 90
    ev["indicators"][2]["score"] = 9
    ev["indicators"][1]["target"] = _number("100", "%")
    ev["indicators"].pop()
    wrong = [name for name, ok in compare_fields(ff.expected, got) if not ok]
    assert sorted(wrong) == sorted(["total_score", "indicators.score", "indicators.target", "indicators.count",
                                    "indicators.name", "indicators.target", "indicators.actual",
                                    "indicators.weight", "indicators.score"])


def _finding(rule: str, *, row: int | None = None, field: str = "", occurrences=()) -> Finding:
    return Finding(rule=rule, severity="warning", message="m", location=Location(row=row, field=field),
                   occurrences=list(occurrences))


def test_a_finding_matches_a_labelled_defect_by_rule_and_place():
    on_row = Defect(rules=("WEAK-VAL-001", "WEAK-STR-006"), at=20, note="")
    assert matches(_finding("WEAK-VAL-001", row=19, field="evaluations[0].indicators[6].target"), on_row)
    assert matches(_finding("WEAK-STR-006", row=19), on_row)
    assert not matches(_finding("WEAK-VAL-001", row=20), on_row)  # the next row
    assert not matches(_finding("WEAK-VAL-002", row=19), on_row)  # another rule
    # a finding that names the indicator by its field only: the indicator's cells say the row
    by_field = _finding("WEAK-VAL-001", field="evaluations[0].indicators[6].target")
    assert matches(by_field, on_row, {"evaluations[0].indicators[6]": {19}})
    assert not matches(by_field, on_row, {"evaluations[0].indicators[6]": {18}})
    # a table-level finding speaks for each row it lists, and for the findings folded into it
    folded = _finding("SCORE-QUAL-001", field="evaluations[0].indicators", occurrences=[
        Occurrence(location=Location(row=18)), Occurrence(location=Location(row=19), rule="WEAK-VAL-001")])
    assert matches(folded, on_row)
    assert matches(folded, Defect(rules=("SCORE-QUAL-001",), at="indicators", note=""))
    funds = Defect(rules=("CALC-FUND-001",), at="funds", note="")
    assert matches(_finding("CALC-FUND-001", field="evaluations[0].funds.rate"), funds)
    assert not matches(_finding("CALC-FUND-001", field="evaluations[0].total_score"), funds)
    assert matches(_finding("CALC-TOT-001", field="evaluations[0].total_score"),
                   Defect(rules=("CALC-TOT-001",), at="total", note=""))


def test_the_real_form_eval_runs_on_two_forms_quickly():
    forms = [form("sc_daying_anke"), form("he_langfang_heating")]
    result = run(forms, formats=("xlsx", "docx"))
    labelled = sum(1 for f in forms for _ in compare_fields(f.expected, {}))
    for fmt in ("xlsx", "docx"):
        rep = result.formats[fmt]
        assert rep.overall.total == labelled and not rep.failed
        assert set(rep.by_form) == {f.id for f in forms}
    ck = result.checker
    assert set(ck.findings_per_form) == {f.id for f in forms}
    total = ck.totals()
    assert total.tp + total.fp + len(ck.not_judged) == sum(ck.findings_per_form.values())
    assert total.found + total.missed == sum(1 for f in forms for d in f.defects if d.rules)
    assert len(ck.unmatched) == total.fp
    assert result.seconds < 60


def test_a_needs_review_scan_is_not_counted_as_read(tmp_path):
    ff = form("sc_daying_anke")
    labelled = sum(1 for _ in compare_fields(ff.expected, {}))
    read = extract_file(ff.form.write_xlsx(tmp_path / "form.xlsx"))  # stands in for a scan read right
    assert read.status == "ok"
    sure = FormatReport("scan_seal")
    sure.record(ff, read)
    assert sure.overall.total == labelled and sure.overall.right > 0 and not sure.needs_review

    read.status, read.status_reason = "needs_review", "扫描件识别存疑，请对照原件核对：表1第5行第6列“0”（置信度 0.62）"
    held = FormatReport("scan_seal")
    held.record(ff, read)
    assert held.overall.total == 0  # not in the fields-right figure, right or wrong
    assert held.needs_review == [(ff.id, read.status_reason)] and held.held.total == labelled
    assert (held.as_unread.right, held.as_unread.total) == (0, labelled)
    assert held.to_dict()["held_as_unread"]["accuracy"] == 0


def test_a_held_scan_is_told_needless_or_right_by_the_labels(tmp_path):
    """A held scan whose every field matches the transcribed labels was doubted needlessly; one
    with a field read wrong, rightly — graded by the labels, never by the product's output."""
    ff = form("sc_daying_anke")
    read = extract_file(ff.form.write_xlsx(tmp_path / "form.xlsx"))  # stands in for a scan read right
    sure = FormatReport("xlsx")
    sure.record(ff, read)
    assert sure.overall.right == sure.overall.total  # the xlsx reads every labelled field right

    read.status, read.status_reason = "needs_review", "扫描件识别存疑，请对照原件核对：表1第5行第6列“0”（置信度 0.62）"
    needless = FormatReport("scan_skew")
    needless.record(ff, read)
    assert (needless.doubted_needlessly, needless.doubted_rightly, needless.held_wrong) == ([ff.id], [], [])

    ind = next(i for i in read.evaluations[0].indicators if i.score is not None)
    ind.score += 1  # one figure read wrong
    rightly = FormatReport("scan_skew")
    rightly.record(ff, read)
    assert (rightly.doubted_needlessly, rightly.doubted_rightly) == ([], [ff.id])
    assert rightly.held_wrong == [f"{ff.id}: indicators.score"]
    assert rightly.to_dict()["doubted_rightly"] == [ff.id] and rightly.overall.total == 0
