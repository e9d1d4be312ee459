"""The drafting library in prompts/drafting: every rule has a theme, every theme a measure."""

from __future__ import annotations

from assistant.checker.registry import rule_classes
from assistant.drafting import load_library
from assistant.drafting.numbers import extract_numbers


def test_every_rule_belongs_to_exactly_one_theme():
    lib = load_library()
    for rule in rule_classes():
        matching = [t.id for t in lib.themes if t.matches(rule.code)]
        assert matching, rule.code
        assert lib.theme_for(rule.code).id == matching[0]


def test_themes_follow_the_brief():
    lib = load_library()
    assert lib.theme_for("WEAK-VAL-001").title == "绩效指标设置不够细化量化"
    assert lib.theme_for("WEAK-STR-002").id == "indicators"
    assert lib.theme_for("CALC-IND-001").id == lib.theme_for("DEPT-CALC-003").id == "calculation"
    assert lib.theme_for("SCORE-QUAL-001").id == lib.theme_for("MISSING-EVID-001").id == "inflated"
    assert lib.theme_for("MISSING-DEV-001").id == lib.theme_for("MISSING-CONC-002").id == "deviation"
    assert lib.theme_for("MISSING-FUND-003").id == lib.theme_for("SCORE-EXE-001").id == "execution"
    assert lib.theme_for("MISSING-RPT-001").id == "report"


def test_measures_exist_and_library_text_holds_no_numbers():
    lib = load_library()
    assert all(t.measure in lib.measures for t in lib.themes)
    assert lib.standing and all(m in lib.measures for m in lib.standing)
    for text in [t.summary for t in lib.themes] + [m.text for m in lib.measures.values()]:
        assert extract_numbers(text) == [], text  # every figure must come from the statistics


def test_config_has_the_thresholds():
    lib = load_library()
    assert lib.review_config()["return_min_errors"] >= 1
    assert 0 < float(lib.annual_config()["coverage_threshold"]) < 100
    assert lib.render("polish.j2", kind_text="审核意见", text="正文").count("===USER===") == 1
