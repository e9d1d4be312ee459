"""The annual problems-and-measures section: structure, numbers against the statistics, trace."""

from __future__ import annotations

import re

import pytest

from assistant.drafting import build_annual, check_draft, load_library
from assistant.drafting.document import tidy
from assistant.stats import Scope, year_statistics


@pytest.fixture(scope="module")
def lib():
    return load_library()


@pytest.fixture(scope="module")
def stats(records, year):
    return year_statistics(records, year, top_n=int(load_library().annual_config()["top_units"]))


@pytest.fixture(scope="module")
def draft(records, year):
    return build_annual(records, year)


def expected_groups(stats, lib):
    codes = {f.rule for f in stats.findings}
    return {t.id: stats.group(t.id, lib.rules_of(t, codes)) for t in lib.themes if lib.rules_of(t, codes)}


def test_sections_in_the_seed_order(draft, year):
    heads = [b.text for b in draft.blocks if b.kind == "heading1"]
    assert [h[:2] for h in heads] == ["二、", "四、", "五、", "附件"]
    assert heads[1].endswith("存在的问题和困难") and heads[2].endswith("下一步工作措施")
    assert str(year) in draft.title
    texts = [b.text for b in draft.blocks]
    i = texts.index("特此报告。")
    assert texts[i + 1:i + 3] == ["××市财政局", "××××年××月××日"]


def test_themes_ranked_and_numbered_with_the_statistics(draft, stats, lib):
    groups = expected_groups(stats, lib)
    themes = draft.blocks_with("theme")
    assert [b.answers[0] for b in themes] and {b.answers[0] for b in themes} == set(groups)
    keys = [(-groups[b.answers[0]].objects.value, -(groups[b.answers[0]].amount.value or 0)) for b in themes]
    assert keys == sorted(keys)  # by prevalence, then money
    for n, b in enumerate(themes, start=1):
        g = groups[b.answers[0]]
        assert b.text.startswith(f"{n}、{lib.theme(b.answers[0]).title}。")
        assert f"有{g.objects.text}{g.noun[1]}存在此类问题，占{g.share.text}" in b.text
        assert f"审核的{g.denominator}{g.noun[0]}{g.noun[1]}中" in b.text
        if g.amount.value is not None:
            assert f"涉及资金{g.amount.text}" in b.text
        assert "主要表现为：" in b.text


def test_examples_are_findings_of_the_theme_from_different_files(draft, stats, lib):
    groups = expected_groups(stats, lib)
    for b in draft.blocks_with("theme"):
        cited = [c for c in b.cites if draft.facts[c].kind == "finding"]
        files = {stats.finding(c).submission_id for c in cited}
        assert 1 <= len(cited) <= 3 and len(files) == len(cited)
        assert set(cited) <= set(groups[b.answers[0]].finding_ids)
        assert "如" in b.text and re.search(r"[A-Z]+单位", b.text)
        for c in cited:
            assert tidy(stats.finding(c).message).rstrip("。")[:12] in b.text


def test_two_examples_whenever_two_files_have_the_theme(draft, stats, lib):
    groups = expected_groups(stats, lib)
    for b in draft.blocks_with("theme"):
        g = groups[b.answers[0]]
        cited = [c for c in b.cites if draft.facts[c].kind == "finding"]
        assert len(cited) == min(3, len(g.objects.submissions))


def test_one_measure_per_theme_then_standing_measures(draft, lib):
    themes = [b.answers[0] for b in draft.blocks_with("theme")]
    measures = draft.blocks_with("measure")
    assert [m.answers for m in measures] == [[t] for t in themes]
    for m, t in zip(measures, themes, strict=True):
        assert lib.measures[lib.theme(t).measure].title in m.text
    items = [b for b in draft.blocks if b.role in ("measure", "standing_measure")]
    assert [re.match(r"（(\d+)）", b.text).group(1) for b in items] == [str(i) for i in range(1, len(items) + 1)]
    assert draft.blocks_with("standing_measure")


def test_statistics_paragraph_uses_the_figures(draft, stats):
    F = stats.figures
    materials = draft.block("stats.materials").text
    assert f"共有{F['units'].text}预算单位报送绩效自评材料{F['submissions'].text}" in materials
    assert f"项目支出绩效自评表{F['projects'].text}" in materials
    assert f"全年预算数合计{F['amount.budget'].text}" in materials
    findings = draft.block("stats.findings").text
    assert f"共发现问题{F['findings.total'].text}" in findings


def test_every_number_is_in_the_facts_it_cites(draft):
    check = check_draft(draft)
    assert check.numbers > 50
    assert check.ok, check
    assert check.problems == len(draft.blocks_with("theme"))


def test_trace_appendix_lists_every_finding(draft, stats):
    table = draft.block("trace.themes").rows
    assert table[0][3] == "问题所在（单位 · 项目 · 表/页/行）"
    places = [p for row in table[1:] for p in row[3].split("；")]
    assert len(places) == len(stats.findings)  # one place per finding, named as a reader finds it
    assert all(len(p.split(" · ")) == 3 for p in places)
    for f in stats.findings:  # no internal id anywhere in the draft's text
        assert f.id not in draft.text() and f.submission_id not in draft.text()
    figures = draft.block("trace.figures").rows
    assert len(figures) - 1 == len(draft.block("trace.figures").cites)


def test_family_coverage(draft, stats, lib):
    """Every finding family above the configured share is in section 四 (via its themes)."""
    threshold = float(lib.annual_config()["coverage_threshold"])
    stated = {b.answers[0] for b in draft.blocks_with("theme")}
    assert stated
    for rc in stats.by_family:
        share = 100 * rc.objects.value / len(stats.objects)
        if share >= threshold:
            themes = {lib.theme_for(f.rule).id for f in stats.findings if f.family == rc.rule}
            assert themes <= stated, rc.rule


def test_anonymised_by_default(draft, stats):
    text = draft.text()  # every block, the trace tables included
    for unit in {o.unit for o in stats.objects} | {o.department for o in stats.objects if o.department}:
        assert unit not in text
    aliases = draft.meta["aliases"]  # the key stays with the reviewer, out of the document
    assert "A单位" in aliases.values() and all(alias in text for alias in aliases.values())


def test_named_and_without_statistics(records, year, stats):
    d = build_annual(records, year, with_statistics=False, anonymise=False)
    assert not d.blocks_with("statistics") and not any(b.text.startswith("二、") for b in d.blocks)
    body = "\n".join(b.text for b in d.blocks_with("theme"))
    assert any(o.unit in body for o in stats.objects)
    assert check_draft(d).ok


def test_exclusions_remove_a_theme(records, year, stats, lib):
    groups = expected_groups(stats, lib)
    smallest = min(groups, key=lambda k: (groups[k].objects.value, k))
    d = build_annual(records, year, excluded=groups[smallest].finding_ids)
    assert smallest not in {b.answers[0] for b in d.blocks_with("theme")}
    assert smallest not in {a for b in d.blocks_with("measure") for a in b.answers}
    for fid in groups[smallest].finding_ids:
        assert fid not in d.text()
    total = stats.figures["findings.total"].value - len(groups[smallest].finding_ids)
    assert f"共发现问题{total}条" in d.block("stats.findings").text


def test_department_scope(records, year, stats):
    dept = next(o.department for o in stats.projects if o.department)
    d = build_annual(records, year, Scope("department", dept))
    assert d.key == f"annual:{year}:department:{dept}" and dept in d.title
    assert check_draft(d).ok
