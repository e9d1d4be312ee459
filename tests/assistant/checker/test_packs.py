"""Rule packs as data (issue 19 item 5): versioned, sourced, validated on load with the file, key
and line named; what each changes from national; caps and deviation checks only where enabled."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assistant.checker.packs import is_official, key_table, mark_links, pack_diff, pack_entries, pack_markdown
from assistant.checker.profiles import Profile, ProfileError, load_profile
from assistant.model import Evaluation, Funds, Indicator
from assistant.review.scores import review_score

ROOT = Path(__file__).resolve().parents[3]


def test_every_bundled_pack_is_versioned_and_names_its_sources():
    for entry in pack_entries():
        assert entry["version"], entry["name"]
        assert entry["basis"], entry["name"]
        for b in entry["basis"]:
            assert b["document"]
            # a link marked official is a government site, and a government site is marked official
            assert not b["url"] or b["official"] == is_official(b["url"]), b


def test_at_least_three_local_packs_rest_on_official_sites():
    local = [e for e in pack_entries() if e["name"] != "national" and e["official"]]
    assert len(local) >= 3, [e["name"] for e in local]
    for entry in local:
        assert all(b["url"].startswith("https://") and is_official(b["url"]) for b in entry["basis"]), entry["name"]


def test_repost_packs_say_so():
    municipal = next(e for e in pack_entries() if e["name"] == "municipal")
    assert not municipal["official"] and all(not b["official"] for b in municipal["basis"])
    assert all("转载" in b["label"] for b in municipal["basis"])


def test_every_profile_key_has_a_chinese_name():
    keys = key_table()["keys"]
    fields = {f.name for f in dataclasses.fields(Profile)}
    assert fields <= set(keys), sorted(fields - set(keys))
    assert set(keys) <= fields, sorted(set(keys) - fields)
    groups = set(key_table()["groups"])
    assert all(v.get("hidden") or v["group"] in groups for v in keys.values())


def test_a_version_is_never_inherited(tmp_path):
    own = tmp_path / "city.yaml"
    own.write_text("extends: sichuan\nname: city\n", encoding="utf-8")
    assert load_profile("sichuan").version and load_profile(own).version == ""
    own.write_text("extends: sichuan\nname: city\nversion: 2027.2\n", encoding="utf-8")
    assert load_profile(own).version == "2027.2"
    own.write_text("extends: sichuan\nname: city\nversion: 2027.10\n", encoding="utf-8")
    assert load_profile(own).version == "2027.10"  # as written, not read as the number 2027.1


# --- validation on load: file, key and line named, in Chinese ---------------------------------------

BAD = [
    ("unknown_key", "extends: national\nname: bad\nsatisfaction_flor: 80\n", "satisfaction_flor", 3, "未知的键"),
    ("unknown_rule", "extends: national\nname: bad\nrules:\n  MISSING-FUND-003: error\n  NOPE-001: off\n",
     "rules.NOPE-001", 5, "没有规则 NOPE-001"),
    ("bad_severity", "extends: national\nname: bad\nrules:\n  MISSING-FUND-003: fatal\n",
     "rules.MISSING-FUND-003", 4, "严重程度 'fatal' 无效"),
    ("threshold_not_a_number", "extends: national\nname: bad\nexecution_reason_below: 九十\n",
     "execution_reason_below", 3, "须为不小于 0 的数字"),
    ("threshold_negative", "extends: national\nname: bad\nlow_execution_rate: -90\n",
     "low_execution_rate", 3, "须为不小于 0 的数字"),
    ("threshold_in_a_map", "extends: national\nname: bad\ncycle:\n  trajectory_gap: 三十\n",
     "cycle.trajectory_gap", 4, "须为不小于 0 的数字"),
    ("bands_not_numbers", "extends: national\nname: bad\nqualitative_bands: [八十, 60]\n",
     "qualitative_bands", 3, "数字列表"),
    ("caps_not_monotonic", "extends: national\nname: bad\nscore_caps:\n  source: x\n"
     "  caps: [{below: 80, max_total: 79}, {below: 70, max_total: 89}]\n", "score_caps", 3, "执行率越低上限应越低"),
    ("deviation_not_positive", "extends: national\nname: bad\ndeviation: {threshold: 0, source: x}\n",
     "deviation", 3, "大于 0"),
    ("deviation_without_source", "extends: national\nname: bad\ndeviation: {threshold: 30}\n",
     "deviation", 3, "来源"),
    ("basis_without_official", "extends: national\nname: bad\nbasis:\n  - {document: 某文件, url: https://a.gov.cn/x}\n",
     "basis", 3, "official"),
    ("basis_bad_url", "extends: national\nname: bad\nbasis:\n  - {document: 某文件, official: true, url: a.gov.cn}\n",
     "basis", 3, "http"),
    ("basis_covers_unknown_rule", "extends: national\nname: bad\nbasis:\n"
     "  - {document: 某文件, official: true, covers: [NOPE-ABC-001]}\n", "basis", 3, "NOPE-ABC-001"),
    ("colours_not_a_list", "extends: national\nname: bad\nwarning_colours: 红\n", "warning_colours", 3, "颜色"),
    ("rules_not_a_map", "extends: national\nname: bad\nrules: [MISSING-FUND-003]\n", "rules", 3, "映射"),
    ("flag_not_a_bool", "extends: national\nname: bad\nsignatures_required: 是\n", "signatures_required", 3,
     "true 或 false"),
    ("weights_do_not_add_up", "extends: national\nname: bad\nexecution_weight: 20\n", "execution_weight", 3, "不等于总分"),
]


@pytest.mark.parametrize(("text", "key", "line", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_malformed_pack_is_refused_naming_file_key_and_line(tmp_path, text, key, line, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(bad)
    err = caught.value
    assert message in str(err)
    assert err.key == key
    if line is not None:
        assert err.line == line and f"第{line}行" in str(err)
        assert err.path == str(bad) and str(bad) in str(err)


def test_a_yaml_syntax_error_names_its_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: national\nname: bad\nrules: {MISSING-FUND-003: error\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="不是有效的 YAML") as caught:
        load_profile(bad)
    assert caught.value.line is not None


def test_an_error_in_a_parent_names_the_parent_file(tmp_path):
    parent = tmp_path / "parent.yaml"
    parent.write_text("extends: national\nname: parent\n\nrules:\n  MISSING-FUND-003: severe\n", encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(child)
    assert (caught.value.path, caught.value.line) == (str(parent), 5)


# --- what a pack changes from national ------------------------------------------------------------


def _changes(name: str) -> dict:
    return {c.key: c for c in pack_diff(load_profile(name))}


def test_national_differs_from_nothing():
    assert pack_diff(load_profile("national")) == []


def test_sichuan_diff_names_each_change_with_its_official_source():
    changes = _changes("sichuan")
    reason = changes["execution_reason_below"]
    assert (reason.national, reason.pack) == ("100", "90")
    assert reason.basis.official and "scqs.gov.cn" in reason.basis.url and "官方网站" in reason.basis.label
    sev = changes["rules.MISSING-FUND-003"]
    assert (sev.national, sev.pack, sev.group) == ("警告", "错误", "规则")
    assert changes["text_limits.conclusion"].pack == "200"


def test_baoshan_diff_is_the_20_80_split_of_its_forms():
    changes = _changes("baoshan")
    assert (changes["execution_weight"].national, changes["execution_weight"].pack) == ("10", "20")
    assert changes["indicator_points"].pack == "80"
    assert "yncn.gov.cn" in changes["execution_weight"].basis.url
    assert "qualitative_bands" not in changes  # the forms print no bands: national's stand


def test_exec_caps_diff_shows_caps_and_deviation_from_an_unverified_source():
    changes = _changes("exec_caps")
    assert "执行率低于80% → 总分不超过89分" in changes["score_caps"].pack
    assert changes["deviation"].pack == "偏离 30% 及以上须说明原因" and changes["deviation"].national == "（无）"
    assert not changes["deviation"].basis.official


def test_a_bureau_pack_turning_a_rule_off_shows_in_the_diff(tmp_path):
    own = tmp_path / "county.yaml"
    own.write_text("extends: national\nname: county\nversion: '1'\nrules: {MISSING-SIGN-001: off}\n"
                   "warning_colours: [红]\n", encoding="utf-8")
    changes = {c.key: c for c in pack_diff(load_profile(own))}
    assert changes["rules.MISSING-SIGN-001"].pack == "停用"
    assert (changes["warning_colours"].national, changes["warning_colours"].pack) == ("红、黄、橙", "红")
    assert changes["warning_colours"].basis is None  # the file names no 依据: shown as 未注明


def test_links_are_marked_official_or_repost():
    text = mark_links("见 https://www.scqs.gov.cn/info/1.htm 与 https://1wenmi.com/doc/2.html")
    assert "https://www.scqs.gov.cn/info/1.htm（官方网站）" in text
    assert "https://1wenmi.com/doc/2.html（转载，非官方网站）" in text
    assert not is_official("https://gov.cn.example.com/x")


def test_pack_markdown_documents_the_diff_and_each_rules_source():
    text = pack_markdown(load_profile("sichuan"))
    assert "## 与全国口径的差异" in text and "| 须说明原因的执行率（低于此值，%） | 100 | 90 |" in text
    assert "版本：2026.1" in text and "（官方网站 https://www.scqs.gov.cn/info/13206/211004.htm）" in text
    assert "| MISSING-FUND-003 | " in text and "本口径的设置：" in text
    yueyang = pack_markdown(load_profile("yueyang"))
    assert "本口径的规则、阈值与全国口径相同" in yueyang and "glj.yueyang.gov.cn" in yueyang


@pytest.mark.parametrize("name", [e["name"] for e in pack_entries()])
def test_docs_packs_are_generated_from_the_pack_files(name):
    committed = ROOT / "docs" / "packs" / f"{name}.md"
    assert committed.exists() and committed.read_text(encoding="utf-8") == pack_markdown(load_profile(name)), (
        f"docs/packs/{name}.md is stale: regenerate it with "
        f"`ziping rules --profile {name} --markdown > docs/packs/{name}.md`")


# --- features applied only under a pack that enables them --------------------------------------------


def _form_at(rate: float) -> Evaluation:
    rows = [Indicator(name="指标1", weight=90, score=88)]
    return Evaluation(indicators=rows, funds=Funds(weight=10, score=rate / 10), total_score=88 + rate / 10)


@pytest.mark.parametrize("name", [e["name"] for e in pack_entries()])
def test_the_execution_rate_cap_applies_only_under_a_pack_that_enables_it(name):
    profile = load_profile(name)
    score = review_score(_form_at(65), (), profile.caps, exec_rate=65.0, profile=name)
    if profile.score_caps:
        assert score.cap is not None and score.total == 79
    else:
        assert score.cap is None and score.total == score.uncapped == 94.5
    assert (name == "exec_caps") == bool(profile.score_caps)  # the one pack whose source has caps


@pytest.mark.parametrize("name", [e["name"] for e in pack_entries()])
def test_the_deviation_check_is_on_only_under_a_pack_that_enables_it(name):
    from assistant.checker.catalog import catalog

    profile = load_profile(name)
    assert (profile.deviation_threshold is not None) == (name == "exec_caps")
    (entry,) = [r for r in catalog(profile)["rules"] if r["code"] == "MISSING-DEV-003"]
    assert entry["enabled"] == (name == "exec_caps")  # the catalog and docs say 停用 where it cannot run


def test_an_inherited_setting_keeps_its_parents_source(tmp_path):
    own = tmp_path / "county.yaml"
    own.write_text("extends: sichuan\nname: county\nversion: '1'\nsatisfaction_floor: 85\n", encoding="utf-8")
    changes = {c.key: c for c in pack_diff(load_profile(own))}
    assert "scqs.gov.cn" in changes["execution_reason_below"].basis.url  # Sichuan's, inherited
    assert changes["satisfaction_floor"].basis is None  # the county's own change, its file names no 依据
