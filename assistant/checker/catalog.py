"""The rules catalog as data, text and Markdown — what ``ziping rules`` prints and ``docs/rules.md`` is.

Everything here is read from the rule classes themselves (code, title, severity, tag, source,
docstring) and from a profile, so the documentation cannot say something the code does not do.
"""

from __future__ import annotations

from typing import Any

from assistant.checker.profiles import Profile, load_profile
from assistant.checker.registry import NOT_IMPLEMENTED, effective_severity, rule_classes
from assistant.checker.rule import FAMILIES, FAMILY_TITLES, FORM_FEATURES, TAG_TITLES, Rule
from assistant.glossary import KIND_TERMS, LAYOUT_TERMS, SEVERITY_TERMS

KIND_TITLES = {"project": KIND_TERMS["table"], "department": KIND_TERMS["department"]}


def rule_entry(rule: type[Rule], profile: Profile) -> dict[str, Any]:
    """One rule as plain data (the ``--json`` form)."""
    severity = effective_severity(rule, profile)
    return {
        "code": rule.code, "title": rule.title, "family": rule.family(), "severity": severity or "off",
        "default_severity": rule.severity, "enabled": severity is not None, "tag": rule.tag,
        "semantic": rule.semantic, "scope": rule.scope, "kinds": list(rule.kinds), "source": rule.source,
        "description": rule.description, "why": rule.why, "bad": rule.bad, "good": rule.good,
    }


def catalog(profile: Profile | None = None) -> dict[str, Any]:
    profile = profile or load_profile()
    return {"profile": profile.name, "profile_title": profile.title,
            "rules": [rule_entry(r, profile) for r in rule_classes()],
            "score_caps": [{"below": c.below, "max_total": c.max_total, "source": c.source} for c in profile.caps],
            "not_implemented": [{"code": c, "reason": r} for c, r in sorted(NOT_IMPLEMENTED.items())]}


def severity_text(severity: str) -> str:
    return SEVERITY_TERMS.get(severity, "停用")


def _unfit(rule: type[Rule], profile: Profile) -> str:
    """"；不用于评价指标体系版式（表中没有自评的产出、效益、满意度指标）" for a rule the profile's
    layouts do not fit (``Rule.needs`` against ``Profile.layout_lacks``)."""
    parts = [f"{LAYOUT_TERMS.get(layout, layout)}（表中没有{'、'.join(FORM_FEATURES[f] for f in rule.needs if f in lacks)}）"
             for layout, lacks in profile.layout_lacks.items() if not profile.fits(rule.needs, layout)]
    return f"；不用于{'、'.join(parts)}" if parts else ""


def catalog_markdown(profile: Profile | None = None) -> str:
    """``docs/rules.md``: an index table, one section per rule, and the ids not implemented."""
    profile = profile or load_profile()
    rules = rule_classes()
    counts = {f: sum(1 for r in rules if r.family() == f) for f in FAMILIES}
    out = [
        "# 审核规则目录",
        "",
        f"> 本文件由 `ziping rules --markdown` 生成（口径：{profile.title}），请勿手工修改；"
        "测试会检查它与代码一致。",
        "",
        f"共 {len(rules)} 条规则：" + "，".join(f"{FAMILY_TITLES[f]}（{f}）{counts[f]} 条" for f in FAMILIES) + "。",
        "严重程度为该口径下的级别，省级口径可在 profile 中调整；依据等级为“经验规则（H）”的规则只作提示，最高报警告。",
        "标注“语义”的规则需要理解文意，目前为基于关键词和数字的确定性第一版。",
        "",
        "| 规则 | 名称 | 严重程度 | 依据等级 | 语义 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        sev = severity_text(effective_severity(r, profile) or "off")
        out.append(f"| [{r.code}](#{r.code.lower()}) | {r.title} | {sev} | {r.tag} | {'是' if r.semantic else ''} |")
    for family in FAMILIES:
        out += ["", f"## {FAMILY_TITLES[family]}（{family}）"]
        for r in (x for x in rules if x.family() == family):
            sev = severity_text(effective_severity(r, profile) or "off")
            kinds = "、".join(KIND_TITLES[k] for k in r.kinds) if r.scope == "evaluation" else "自评报告"
            out += [
                "", f"### {r.code}", "", f"**{r.title}**", "",
                f"- 严重程度：{sev}（默认 {severity_text(r.severity)}）",
                f"- 依据等级：{TAG_TITLES[r.tag]}（{r.tag}）" + ("；语义规则（确定性第一版）" if r.semantic else ""),
                f"- 适用：{kinds}" + _unfit(r, profile),
                f"- 规则依据：{r.source}",
                "", r.description, "",
                f"**为什么**：{r.why}", "",
                f"**错误示例**：{r.bad}", "",
                f"**正确示例**：{r.good}",
            ]
    if profile.caps:  # 复核打分 (assistant/review/scores.py): only packs that enable caps list them
        out += ["", "## 复核总分限定（按预算执行率）", "", f"依据：{profile.caps[0].source}", "",
                "| 预算执行率 | 复核总分上限 |", "| --- | --- |"]
        out += [f"| 低于{c.below:g}% | {c.max_total:g}分 |" for c in profile.caps]
    out += ["", "## 未实现的规则", "", "以下规则库条目暂未实现，原因如下：", "", "| 规则 | 原因 |", "| --- | --- |"]
    out += [f"| {code} | {reason} |" for code, reason in sorted(NOT_IMPLEMENTED.items())]
    return "\n".join(out) + "\n"
