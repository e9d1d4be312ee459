"""The performance cycle end to end (issue 19): a 绩效目标申报表, a 绩效监控表 and a self-evaluation
of one project, as files, are read as what they are, linked by unit + project + year whatever
order they come in, and the self-evaluation is checked against them; a form that matches no or
several self-evaluations is stored unlinked with a clear note, and a reviewer relinks it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.stores import open_stores
from assistant.stores.cycle import CycleError, CycleStore
from eval.synth.cycle import make_triple
from eval.synth.cycle_files import write_triple
from ingest.extract import extract_file
from ingest.pipeline import IngestOptions, ingest_paths


@pytest.fixture
def stores(tmp_path):
    s = open_stores(Settings(data_dir=tmp_path / "data"))
    yield s
    s.close()


def _triple(seed: int, defects: list[str]):
    return make_triple(random.Random(seed), seed, defects)


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_declaration_and_monitoring_forms_are_read_with_their_fields(tmp_path: Path, fmt: str, request):
    if fmt == "pdf":
        request.getfixturevalue("cjk_font")  # the PDF renderer's font
    triple = _triple(3, ["warning_ignored"])
    dec_path, mon_path, ev_path = write_triple(triple, tmp_path, fmt)
    dec = extract_file(dec_path)
    assert dec.doc_type.code == "goal_form" and not dec.doc_type.checked and dec.evaluations == []
    want = triple.cycle.declaration
    got = dec.declaration
    assert (got.project_name, got.impl_unit, got.year) == (want.project_name, want.impl_unit, want.year)
    assert got.goal == want.goal
    assert [(f.category, f.amount) for f in got.funds] == [(f.category, f.amount) for f in want.funds]
    assert [(i.level1, i.level2, i.name, i.target.raw) for i in got.indicators] == \
        [(i.level1, i.level2, i.name, i.target.raw) for i in want.indicators]
    assert got.indicators[0].cells["target"].field == "declaration.indicators[0].target"
    assert (dec.unit, dec.year) == (want.impl_unit, want.year)

    mon = extract_file(mon_path)
    assert mon.doc_type.code == "monitoring_form" and mon.evaluations == []
    want_m, got_m = triple.cycle.monitoring, mon.monitoring
    assert (got_m.project_name, got_m.year, got_m.months) == (want_m.project_name, want_m.year, want_m.months)
    assert (got_m.budget, got_m.executed) == (want_m.budget, want_m.executed)
    assert (got_m.rate.raw, got_m.expected_rate.raw) == (want_m.rate.raw, want_m.expected_rate.raw)
    assert got_m.goal_progress == want_m.goal_progress
    assert [(i.name, i.progress.raw, i.expected.raw, i.warning) for i in got_m.indicators] == \
        [(i.name, i.progress.raw, i.expected.raw, i.warning) for i in want_m.indicators]
    assert got_m.warning in ("黄色", "红色") and got_m.warned
    assert extract_file(ev_path).doc_type.code == "evaluation_table"


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1)], ids=["forms_first", "self_evaluation_first"])
def test_ingesting_the_three_links_them_and_checks_the_self_evaluation_against_them(tmp_path, stores, order):
    triple = _triple(5, ["lowered", "warning_ignored", "goal_rewritten"])
    paths = write_triple(triple, tmp_path / "files")
    for i in order:  # one at a time: each file finds what was stored before it
        report = ingest_paths([paths[i]], stores, IngestOptions(defer_vectors=True))
        assert report.files[0].status != "failed", report.to_dict()
    cycles = CycleStore(stores.records)
    forms = cycles.forms()
    assert {f.kind for f in forms} == {"declaration", "monitoring"}
    (evaluation,) = [s for s in stores.records.list_submissions() if s.id not in {f.submission_id for f in forms}]
    assert all(f.evaluation_id == evaluation.id and f.state == "linked" for f in forms), forms
    assert all("自动关联" in f.note for f in forms)
    assert [link.kind for link in cycles.links_of(evaluation.id)] == ["declaration", "monitoring"]

    cycle = cycles.cycle_for(evaluation.id)
    assert cycle.declaration.project_name == triple.cycle.declaration.project_name
    assert cycle.monitoring.months == triple.cycle.monitoring.months
    found = {(f.rule, f.location.field) for f in stores.records.get_findings(evaluation.id) if f.rule.startswith("CYCLE-")}
    assert found == {(p.rule, p.field) for p in triple.planted}


def test_a_form_matching_no_self_evaluation_is_stored_unlinked_with_a_note(tmp_path, stores):
    triple = _triple(7, [])
    dec_path, _, _ = write_triple(triple, tmp_path / "files")
    (result,) = ingest_paths([dec_path], stores, IngestOptions(defer_vectors=True)).files
    assert result.status == "needs_review"
    assert "没有找到" in result.reason and triple.cycle.declaration.project_name in result.reason
    link = CycleStore(stores.records).link(result.submission_id)
    assert link.state == "unmatched" and link.evaluation_id is None
    stored = stores.records.get_submission(result.submission_id)
    assert stored.declaration is not None and stored.declaration.indicators  # nothing lost
    assert stores.records.get_findings(result.submission_id) == []


def test_a_form_matching_several_self_evaluations_is_left_for_a_reviewer_who_relinks_it(tmp_path, stores):
    triple = _triple(9, ["dropped"])
    dec_path, _, ev_path = write_triple(triple, tmp_path / "a")
    # a second self-evaluation of the same unit, project and year (another file, not a resubmission)
    other = write_triple(triple, tmp_path / "b", "xlsx")[2]
    ingest_paths([ev_path], stores, IngestOptions(defer_vectors=True))
    ingest_paths([other], stores, IngestOptions(defer_vectors=True, replaces=None))
    evaluations = [s.id for s in stores.records.list_submissions()]
    cycles = CycleStore(stores.records)
    # the second file became the first one's next version: only the latest counts, so one match
    (result,) = ingest_paths([dec_path], stores, IngestOptions(defer_vectors=True)).files
    link = cycles.link(result.submission_id)
    assert link.state == "linked"
    # two self-evaluations that are not versions of each other: ambiguous
    from assistant.stores.versions import SubmissionVersionRow

    with stores.records.session() as s:
        for row in s.query(SubmissionVersionRow).all():
            s.delete(row)
    link = cycles.register(stores.records.get_submission(result.submission_id))
    assert link.state == "ambiguous" and link.evaluation_id is None
    assert "2 份自评表" in link.note and all(e in link.note for e in evaluations)

    with pytest.raises(CycleError, match="没有编号为 nosuch 的提交材料"):
        cycles.relink(result.submission_id, "nosuch", actor="zhang")
    with pytest.raises(CycleError, match="不是项目支出绩效自评表"):
        cycles.relink(result.submission_id, result.submission_id, actor="zhang")
    other_year = stores.records.get_submission(evaluations[0])
    other_year.id, other_year.year, other_year.file.sha256 = "otheryear0000001", other_year.year - 1, "x" * 64
    stores.records.save_submission(other_year)
    with pytest.raises(CycleError, match=f"是{other_year.year + 1}年度的.*是{other_year.year}年度的，不能关联"):
        cycles.relink(result.submission_id, other_year.id, actor="zhang")
    assert cycles.link(result.submission_id).state == "ambiguous"  # the refused relinks changed nothing
    chosen = evaluations[0]
    link = cycles.relink(result.submission_id, chosen, actor="zhang")
    assert (link.state, link.evaluation_id, link.linked_by) == ("manual", chosen, "zhang")
    # a manual link survives reading the form again
    assert cycles.register(stores.records.get_submission(result.submission_id)).evaluation_id == chosen
    events = stores.review.events(chosen)
    assert any(e.kind == "link" and e.actor == "zhang" for e in events)
    unlinked = cycles.relink(result.submission_id, None, actor="zhang")
    assert unlinked.state == "unlinked" and cycles.links_of(chosen) == []


@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["last_year_first", "last_year_stored_late"])
def test_last_years_self_evaluation_of_the_same_project_is_the_history_the_cross_year_rules_read(tmp_path, stores,
                                                                                                order):
    from eval.synth.cycle_files import evaluation_grid, write_docx
    from eval.synth.cycle_years import make_pair

    pair = make_pair(random.Random(7), 7, ["targets_copied", "goal_copied"])
    files = []
    for t in (pair.previous, pair.current):
        ev = t.submission.evaluations[0]
        files.append(write_docx(tmp_path / f"{t.name}.docx", ["项目支出绩效自评表", f"（{ev.year}年度）"],
                                evaluation_grid(ev)))
    ids = [None, None]
    for i in order:  # stored late, last year's form re-checks this year's
        report = ingest_paths([files[i]], stores, IngestOptions(defer_vectors=True))
        assert report.files[0].status != "failed", report.to_dict()
        ids[i] = report.files[0].submission_id
    cycles = CycleStore(stores.records)
    history = cycles.cycle_for(ids[1]).history
    year = pair.current.submission.year
    assert [(p.year, p.submission_id) for p in history] == [(year - 1, ids[0])]
    assert cycles.history_for(ids[0]) == []  # nothing stored before last year's
    found = {(f.rule, f.location.field) for f in stores.records.get_findings(ids[1]) if f.rule.startswith("CYCLE-YEAR")}
    assert found == {(p.rule, p.field) for p in pair.planted}
    assert not any(f.rule.startswith("CYCLE-YEAR") for f in stores.records.get_findings(ids[0]))
