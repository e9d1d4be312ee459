"""The cross-year and consistency rules (issue 19) on the real regression set: a published form
read alone has no earlier year, so the CYCLE-YEAR-* rules stay silent, and the boilerplate and
low-spending rules raise nothing the reviewers' labels do not name (eval/real: labels read off the
forms, never from the checker)."""

from __future__ import annotations

import pytest

from assistant.checker import check_submission, profile_for
from eval.real.forms import real_forms
from ingest.extract import extract_file

NEW_RULES = ("CYCLE-YEAR-", "MISSING-GOAL-002", "SCORE-EXE-002")


@pytest.fixture(scope="module")
def read_forms(tmp_path_factory):
    out = tmp_path_factory.mktemp("real-xlsx")
    return [(ff, extract_file(ff.form.write_xlsx(out / f"{ff.id}.xlsx"))) for ff in real_forms()]


def test_the_new_rules_raise_nothing_the_real_labels_do_not_name(read_forms):
    assert len(read_forms) >= 20
    unlabelled = []
    for ff, sub in read_forms:
        labelled = {code for d in ff.defects for code in d.rules}
        for f in check_submission(sub, profile=profile_for(sub)):
            if f.rule.startswith(NEW_RULES) and f.rule not in labelled:
                unlabelled.append(f"{ff.id} {f.rule}: {f.message}")
    assert not unlabelled, unlabelled


def test_the_real_forms_low_spending_is_reported_once_by_the_score_rule(read_forms):
    # 云南 forms: 50 万元 executed 10 万元 (20%) and 10.77%, every output reported done and scored:
    # SCORE-EXE-001 (labelled) reports it; SCORE-EXE-002 does not report the same defect again
    subs = {ff.id: sub for ff, sub in read_forms}
    for fid in ("yn_changning_pig_farm", "yn_longyang_fertilizer"):
        rules = [f.rule for f in check_submission(subs[fid], profile=profile_for(subs[fid]))]
        assert "SCORE-EXE-001" in rules and "SCORE-EXE-002" not in rules, (fid, rules)
