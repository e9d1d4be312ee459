"""Rule packs as a bureau reads them: which packs there are, what each changes from the national
pack and what each change rests on — for ``ziping rules --json`` (``profiles``), the per-pack
Markdown (``ziping rules --profile P --markdown``, ``docs/packs/<name>.md``) and the rules page.

A pack is a profile YAML (:mod:`assistant.checker.profiles`); nothing here changes how a check
runs. The Chinese name of each setting comes from ``pack_keys.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from assistant.checker.profiles import (
    AUTO,
    DEFAULT_PROFILE,
    PROFILE_DIR,
    Basis,
    Profile,
    available_profiles,
    load_profile,
    parent_of,
)
from assistant.checker.registry import effective_severity, rule_classes
from assistant.glossary import SEVERITY_TERMS, TERMS, path_term
from assistant.numbers import FUND_CATEGORIES

_KEYS_FILE = Path(__file__).with_name("pack_keys.yaml")
_URL = re.compile(r"https?://[^\s（）()，；、]+")
# settings whose sub-keys differ one by one (the rest compare whole)
_PER_KEY = ("text_limits", "dept_scoring", "layout_lacks", "cycle")


@lru_cache(maxsize=1)
def key_table() -> dict[str, Any]:
    """``pack_keys.yaml``: {groups: [...], keys: {key: {label, group} | {hidden: true}}}."""
    return yaml.safe_load(_KEYS_FILE.read_text(encoding="utf-8"))


def is_official(url: str) -> bool:
    """A government site: a ``gov.cn`` host (a ministry, a province's 财政厅, a county government)."""
    host = (urlparse(url).hostname or "").lower()
    return host == "gov.cn" or host.endswith(".gov.cn")


def mark_links(text: str) -> str:
    """Each link in ``text`` followed by whether it is an official site or a repost (转载)."""
    return _URL.sub(lambda m: f"{m.group(0)}（{'官方网站' if is_official(m.group(0)) else '转载，非官方网站'}）", text)


@dataclass(frozen=True)
class PackChange:
    """One setting a pack has otherwise than the national pack."""

    key: str  # "execution_weight", "text_limits.conclusion", "rules.MISSING-FUND-003"
    label: str  # its Chinese name
    group: str
    national: str  # the national value, in words
    pack: str  # this pack's value, in words
    basis: Basis | None  # what the pack rests on for it

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "group": self.group, "national": self.national,
                "pack": self.pack, "basis": basis_dict(self.basis) if self.basis else None}


def basis_dict(basis: Basis) -> dict[str, Any]:
    return {"document": basis.document, "article": basis.article, "url": basis.url, "official": basis.official,
            "publisher": basis.publisher, "label": basis.label}


def pack_names() -> list[str]:
    """The bundled packs, national first."""
    names = [p for p in available_profiles() if p != AUTO]
    return sorted(names, key=lambda n: (n != DEFAULT_PROFILE, n))


def pack_entry(profile: Profile) -> dict[str, Any]:
    """A pack as plain data: what ``ziping rules --json`` lists under ``profiles``."""
    sources = profile.sources
    return {"name": profile.name, "title": profile.title, "version": profile.version or None,
            "extends": profile.extends, "source": profile.source,
            "official": bool(sources) and all(b.official for b in sources),
            "basis": [basis_dict(b) for b in sources],
            "changes": len(pack_diff(profile))}


def pack_entries() -> list[dict[str, Any]]:
    return [pack_entry(load_profile(name)) for name in pack_names()]


def shown(key: str, value: Any) -> str:
    """A setting's value in words."""
    if key == "level1_weights" and not value:
        return "（不核对）"
    if value is None or value == {} or value == []:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float | int):
        return f"{value:g}"
    if key == "execution_denominator":
        return TERMS.get(str(value), str(value))
    if key.startswith("rules."):
        return SEVERITY_TERMS.get(str(value), "停用")
    if key == "score_caps":
        caps = value.get("caps") or []
        return "；".join(f"执行率低于{c['below']:g}% → 总分不超过{c['max_total']:g}分" for c in caps)
    if key == "deviation":
        return f"偏离 {value['threshold']:g}% 及以上须说明原因"
    if key == "level1_weights":
        return "；或 ".join("、".join(f"{k}{v:g}分" for k, v in split.items()) for split in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{shown('', v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(shown(key if key == "required_fund_rows" else "", v) for v in value)
    if key == "required_fund_rows":
        return FUND_CATEGORIES.get(str(value), str(value))
    return str(value)


def _label(key: str) -> tuple[str, str]:
    top, _, sub = key.partition(".")
    entry = key_table()["keys"].get(top) or {}
    label = entry.get("label", top)
    if sub and top == "text_limits":
        sub = path_term(sub)  # funds.reason → 项目资金·原因
    return (f"{label}：{sub}" if sub else label), entry.get("group", "")


def basis_of(profile: Profile, key: str, code: str | None = None) -> Basis | None:
    """The 依据 of one setting: the pack's own (the entry covering ``code`` or ``key``, else its first);
    for a setting it inherits unchanged, its parent's; None when no file in the chain names one."""
    top = key.split(".")[0]
    parent = parent_of(profile)
    if parent is not None and _value(parent, key) == _value(profile, key) and parent.name != DEFAULT_PROFILE:
        return basis_of(parent, key, code)
    if not profile.sources:
        return None
    return profile.basis_for(code) if code and any(code in b.covers for b in profile.sources) \
        else profile.basis_for(top)


def _value(profile: Profile, key: str) -> Any:
    top, _, sub = key.partition(".")
    if top == "rules":
        return profile.rules.get(sub)
    value = getattr(profile, top)
    return value.get(sub) if sub and isinstance(value, dict) else value


def pack_diff(profile: Profile, base: Profile | None = None) -> list[PackChange]:
    """What ``profile`` sets otherwise than ``base`` (the national pack): rules switched on or off
    or given another severity, and every threshold, table and word list that differs — each with
    the 依据 the pack names for it."""
    base = base or load_profile(DEFAULT_PROFILE)
    out: list[PackChange] = []
    for rule in rule_classes():
        was, now = effective_severity(rule, base) or "off", effective_severity(rule, profile) or "off"
        if was != now:
            key = f"rules.{rule.code}"
            out.append(PackChange(key, f"{rule.code} {rule.title}", "规则", shown(key, was), shown(key, now),
                                  basis_of(profile, key, rule.code)))
    for key, entry in key_table()["keys"].items():
        if entry.get("hidden") or key == "rules":
            continue
        mine, theirs = getattr(profile, key), getattr(base, key)
        if key in _PER_KEY:
            for sub in sorted(set(mine) | set(theirs)):
                if mine.get(sub) != theirs.get(sub):
                    full = f"{key}.{sub}"
                    label, group = _label(full)
                    out.append(PackChange(full, label, group, shown(key, theirs.get(sub)), shown(key, mine.get(sub)),
                                          basis_of(profile, full, sub if "-" in sub else None)))
        elif mine != theirs:
            label, group = _label(key)
            out.append(PackChange(key, label, group, shown(key, theirs), shown(key, mine), basis_of(profile, key)))
    groups = key_table()["groups"]
    return sorted(out, key=lambda c: groups.index(c.group) if c.group in groups else len(groups))


def _shown_path(profile: Profile) -> str:
    path = Path(profile.path or "")
    return f"assistant/checker/profiles/{path.name}" if path.parent == PROFILE_DIR else str(path)


def pack_markdown(profile: Profile) -> str:
    """``docs/packs/<name>.md``: the pack, its 依据, what it changes from national, and each rule's 依据."""
    national = profile.name == DEFAULT_PROFILE
    out = [f"# 审核口径：{profile.title}（{profile.name}）", "",
           f"> 本文件由 `ziping rules --profile {profile.name} --markdown` 生成，请勿手工修改；测试会检查它与口径文件一致。", "",
           f"- 版本：{profile.version or '未标版本'}",
           f"- 继承：{profile.extends or '（无，全国口径本身）'}",
           f"- 口径文件：`{_shown_path(profile)}`", "",
           "## 依据", ""]
    sources = profile.sources
    out += [f"{i}. {b.label}" + (f"；发布：{b.publisher}" if b.publisher else "") for i, b in enumerate(sources, 1)] \
        or ["（口径文件未列依据）"]
    if sources and not all(b.official for b in sources):
        out += ["", "注：标“转载”的依据未见官方原文，只是见到该规定的地址；其规定在核实前只作参考。"]
    if not national:
        changes = pack_diff(profile)
        out += ["", "## 与全国口径的差异", ""]
        if changes:
            out += ["| 设置 | 全国口径 | 本口径 | 依据 |", "| --- | --- | --- | --- |"]
            out += [f"| {c.label} | {c.national} | {c.pack} | {c.basis.label if c.basis else '（未注明）'} |"
                    for c in changes]
        else:
            out += ["本口径的规则、阈值与全国口径相同，区别只在依据：它写明了这些阈值出自的官方文件。"]
    out += ["", "## 各规则的严重程度与依据", "",
            "规则自身的依据写在规则里（`ziping rules`）；链接后注明是官方网站还是转载。", "",
            "| 规则 | 名称 | 本口径 | 依据 |", "| --- | --- | --- | --- |"]
    for rule in rule_classes():
        sev = effective_severity(rule, profile)
        basis = mark_links(rule.source)
        if profile.rules.get(rule.code) is not None and not national:
            own = basis_of(profile, f"rules.{rule.code}", rule.code)
            basis += f"；本口径的设置：{own.label}" if own else ""
        out.append(f"| {rule.code} | {rule.title} | {SEVERITY_TERMS.get(sev or '', '停用')} | {basis} |")
    return "\n".join(out) + "\n"
