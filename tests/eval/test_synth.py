"""The synthetic corpus generator: files of every kind, labels, determinism, planted defects."""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest

from assistant.checker import check_submissions
from assistant.model import Submission
from assistant.values import parse_number, parse_value
from eval.synth import content as C
from eval.synth import generate_corpus, oracle
from eval.synth.corpus import KIND_SHARES, TABLE_KINDS, FileSpec, _who, build_table, kind_counts
from eval.synth.draft import grade_of
from eval.synth.report import make_report, sections
from ingest.extract import extract_file

ALL_KINDS = set(KIND_SHARES)


def read_labels(out: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.labels.json"))}


def of_kind(labels: dict[str, dict], kind: str) -> list[dict]:
    return [lab for lab in labels.values() if lab["kind"] == kind]


@pytest.fixture(scope="module")
def corpus(synth_corpus: Path) -> tuple[Path, dict[str, dict]]:
    return synth_corpus, read_labels(synth_corpus)


# --- files and labels ------------------------------------------------------------------------------------


def test_every_kind_is_written_with_one_labels_file_each(corpus):
    out, labels = corpus
    data = sorted(p for p in out.iterdir() if not p.name.endswith(".labels.json"))
    assert len(data) == len(labels) == 12
    assert {lab["kind"] for lab in labels.values()} == ALL_KINDS
    for path in data:
        lab = labels[f"{path.stem}.labels.json"]
        assert lab["file"] == path.name
        assert re.fullmatch(rf"\d{{4}}_{lab['kind']}_{lab['layout']}\.(docx|xlsx|pdf)", path.name)
        blob = path.read_bytes()
        assert lab["expected"]["file"]["sha256"] == hashlib.sha256(blob).hexdigest()
        assert lab["expected"]["file"]["size"] == len(blob)
        assert lab["clean"] == (lab["defects"] == [])


def test_labels_round_trip_through_the_model(corpus):
    _, labels = corpus
    for lab in labels.values():
        expected = lab["expected"]
        assert Submission.from_dict(expected).to_dict() == expected


def test_labels_are_exactly_what_the_oracle_finds(corpus):
    _, labels = corpus
    for name, lab in labels.items():
        hits = {(h.rule, h.field) for h in oracle.check(Submission.from_dict(lab["expected"]))}
        planted = {(d["rule"], d["location"]["field"]) for d in lab["defects"]}
        assert hits == planted, name
        assert all(oracle.labelled(rule, field) for rule, field in planted), name


def test_evidence_is_labelled_on_reports_only():
    assert oracle.labelled("MISSING-EVID-001", "sections")
    assert not oracle.labelled("MISSING-EVID-001", "evaluations[0].indicators")
    assert oracle.labelled("CALC-TOT-001", "evaluations[0].total_score")
    assert not oracle.labelled("SCORE-SAT-001", "evaluations[0].indicators[7].score")


@pytest.mark.parametrize("rule", ["MISSING-FUND-004", "MISSING-FUND-003"])
def test_the_paired_report_does_not_explain_a_reason_its_table_lost(rule):
    # The checker reads a unit's report with its table; an explained adjustment or low execution
    # there is no defect.
    who = _who(random.Random(3), "mof")
    built, _ = build_table(FileSpec(0, "docx_table", "mof", who, [rule]), 5, [rule])
    assert [d.rule for d in built.defects] == [rule]
    rep = make_report(built.base, random.Random(1))
    report = Submission(kind="report", unit=rep.unit, year=rep.year, sections=sections(rep))
    table_findings, _ = check_submissions([built.submission, report], profile="auto")
    assert rule in {f.rule for f in table_findings}


def test_same_seed_gives_identical_files_and_labels(corpus, tmp_path):
    out, _ = corpus
    generate_corpus(tmp_path, n=12, seed=1)
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    second = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert first == second


def test_different_seed_gives_different_labels(tmp_path):
    generate_corpus(tmp_path / "a", n=3, seed=1)
    generate_corpus(tmp_path / "b", n=3, seed=2)
    assert read_labels(tmp_path / "a") != read_labels(tmp_path / "b")


# --- formats ------------------------------------------------------------------------------------------


def test_docx_tables_have_merged_cells_and_the_expected_total(corpus):
    out, labels = corpus
    for lab in of_kind(labels, "docx_table"):
        document = docx.Document(str(out / lab["file"]))
        xml = document.element.xml
        assert "w:vMerge" in xml and "w:gridSpan" in xml
        assert len(document.tables) == len(lab["expected"]["evaluations"])
        for table, ev in zip(document.tables, lab["expected"]["evaluations"], strict=True):
            total_rows = [row for row in table.rows if row.cells[0].text.strip() in ("总分", "合计")]
            assert total_rows, lab["file"]
            numbers = {parse_number(c.text) for c in total_rows[0].cells} - {None}
            assert ev["total_score"] in numbers


def test_xlsx_has_merged_ranges(corpus):
    out, labels = corpus
    for lab in of_kind(labels, "xlsx_table"):
        ws = openpyxl.load_workbook(out / lab["file"]).active
        assert len(ws.merged_cells.ranges) > 10
        values = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
        assert any(lab["expected"]["evaluations"][0]["project_name"] in v for v in values)


def test_text_pdf_shows_the_project_name(corpus, cjk_font):
    out, labels = corpus
    for lab in of_kind(labels, "pdf_table"):
        with pdfplumber.open(out / lab["file"]) as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
            assert len(pdf.pages) == lab["expected"]["file"]["pages"]
        assert lab["expected"]["evaluations"][0]["project_name"] in re.sub(r"\s", "", text)


def test_long_pdf_runs_over_two_pages(corpus, cjk_font):
    out, labels = corpus
    long = [lab for lab in of_kind(labels, "pdf_table") if lab["expected"]["file"]["pages"] == 2]
    assert long, "the first pdf_table of a corpus is always the long one"
    for lab in long:
        assert len(lab["expected"]["evaluations"][0]["indicators"]) >= 20
        with pdfplumber.open(out / lab["file"]) as pdf:
            assert len(pdf.pages) == 2
            assert "三级指标" in (pdf.pages[1].extract_text() or "")  # the header row is repeated


def test_scanned_pdf_has_no_text_layer(corpus):
    out, labels = corpus
    scans = of_kind(labels, "scanned_pdf")
    assert scans
    for lab in scans:
        assert lab["expected"]["file"]["scanned"] is True
        assert len(lab["expected"]["evaluations"][0]["indicators"]) <= 14
        with pdfplumber.open(out / lab["file"]) as pdf:
            assert len(pdf.pages) == 1
            assert pdf.pages[0].chars == []


def test_reports_describe_a_table_of_the_corpus(corpus):
    _, labels = corpus
    projects = {(ev["impl_unit"], ev["year"]) for lab in labels.values() for ev in lab["expected"]["evaluations"]
                if lab["kind"] in TABLE_KINDS}
    for kind in ("report_docx", "report_pdf"):
        for lab in of_kind(labels, kind):
            exp = lab["expected"]
            assert exp["kind"] == "report" and exp["evaluations"] == []
            assert (exp["unit"], exp["year"]) in projects
            assert exp["sections"][0]["path"] == [] and exp["sections"][1]["path"][0].startswith("一、")


# --- ground truth ---------------------------------------------------------------------------------------


def test_clean_evaluations_satisfy_the_scoring_invariants(corpus):
    _, labels = corpus
    checked = 0
    for lab in labels.values():
        if not lab["clean"]:
            continue
        for ev in lab["expected"]["evaluations"]:
            scores = [i["score"] for i in ev["indicators"]]
            total = sum(scores) + (ev["funds"]["score"] or 0.0)
            assert abs(ev["total_score"] - total) <= 0.01
            if ev["grade"] is not None:
                assert ev["grade"] == grade_of(ev["total_score"])
            assert all(i["score"] <= i["weight"] + 1e-9 for i in ev["indicators"])
            weights = sum(i["weight"] for i in ev["indicators"]) + (ev["funds"]["weight"] or 0.0)
            assert abs(weights - 100) < 1e-9
            checked += 1
    assert checked


def test_sixty_files_plant_many_rules_and_keep_a_quarter_clean(tmp_path):
    summary = generate_corpus(tmp_path, n=60, seed=1)
    labels = read_labels(tmp_path)
    assert len(labels) == 60
    rules = {d["rule"] for lab in labels.values() for d in lab["defects"]}
    assert len(rules) >= 15
    assert sum(lab["clean"] for lab in labels.values()) >= 15
    assert summary.n_clean == sum(lab["clean"] for lab in labels.values())
    assert set(summary.defects_per_rule) == rules
    layouts = [lab["layout"] for lab in labels.values() if lab["kind"] in TABLE_KINDS]
    assert layouts.count("mof") > layouts.count("sichuan") > layouts.count("municipal") > 0


def test_kind_counts_follow_the_shares():
    counts = kind_counts(60)
    assert counts == {"docx_table": 18, "xlsx_table": 9, "pdf_table": 12, "scanned_pdf": 6,
                      "report_docx": 6, "report_pdf": 6, "dept_docx": 3}
    assert all(c >= 1 for c in kind_counts(10).values())
    assert sum(kind_counts(4).values()) == 4


def test_vocabulary_keeps_clean_files_clean():
    for sector in C.SECTORS:
        for project in sector.projects:
            for t in project.indicators:
                if t.kind == "qual":
                    assert not parse_value(t.subject + t.achieved).vague, t
    for cause in C.CAUSES_POS + C.CAUSES_REV + C.CAUSES_QUAL + C.CAUSES_SAT:
        assert not any(w in cause for w in oracle.FORWARD), cause
    for measure in C.MEASURES + C.FUND_MEASURES:
        assert any(w in measure for w in oracle.FORWARD), measure


# --- form families (issue 21) ------------------------------------------------------------------------------


@pytest.mark.parametrize(("layout", "rule", "kind"), [
    ("framework", "WEAK-FORM-001", "docx_table"), ("noscore", "MISSING-FORM-001", "xlsx_table")])
def test_form_family_tables_carry_their_table_defect_and_read_back_as_labelled(layout, rule, kind, tmp_path):
    who = _who(random.Random(4), layout)
    built, _ = build_table(FileSpec(0, kind, layout, who, []), 5, [])
    assert [(d.rule, d.field) for d in built.defects] == [(rule, "evaluations[0].indicators")]
    (ev,) = built.submission.evaluations
    assert ev.layout == layout and ev.funds.weight is None and ev.funds.score is None
    if layout == "framework":
        assert {"项目决策", "项目过程"} <= {i.level1 for i in ev.indicators}
        assert {i.level1 for i in ev.indicators} <= {"项目决策", "项目过程", "产出指标", "效益指标"}
        assert ev.total_score is not None
    else:
        assert all(i.weight is None and i.score is None for i in ev.indicators)
        assert ev.total_score is None and ev.grade is None
    # the file as rendered is read back as the labels say, layout included
    path = tmp_path / f"t.{'docx' if kind == 'docx_table' else 'xlsx'}"
    path.write_bytes(built.data)
    (read,) = extract_file(path).evaluations
    assert read.layout == layout
    assert [i.level1 for i in read.indicators] == [i.level1 for i in ev.indicators]
    assert [(i.weight, i.score) for i in read.indicators] == [(i.weight, i.score) for i in ev.indicators]
