"""The annual problems-and-measures section (年度报告“四、存在的问题和困难”“五、下一步工作措施”).

Built from :func:`assistant.stats.year_statistics` and nothing else, in the seed report's form::

    <地区><年度>年度预算绩效管理情况报告（…审核初稿）
    二、…开展情况       optional: materials and money, coverage, grades, execution, findings
    四、…存在的问题和困难  1、<theme>。审核的N个项目中，有M个项目存在此类问题，占X%，涉及资金Y万元。
                        主要表现为：<rule>（k份材料）…。<summary>如A单位“…”项目，<finding>；…
    五、…下一步工作措施   （1）<measure of theme 1>。针对…的问题（涉及M个项目），<measure text>
                        …then the standing measures
    特此报告。 <issuer> <date>
    附件：数据和问题来源   theme → figures and the places behind them (unit · project · 表/页/行);
                        figure → the units behind it. No internal ids: a reader can find each place.

Themes come from ``prompts/drafting/themes.yaml`` (finding rules → theme), only themes with
findings appear, ranked by the number of objects concerned, then by money. When anonymised, every
unit and person name known for the year (units, 主管部门, 实施单位, signatures) is replaced
consistently — A单位, B单位…; 甲、乙… for persons — in every block, tables included; the mapping
stays in ``meta["aliases"]`` for the reviewer and never enters the document. A year without
reviewed material (or with fewer than ``min_objects``) says so instead of drafting boilerplate.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.drafting.document import Block, Draft, Fact, tidy
from assistant.drafting.library import Library, Theme, load_library
from assistant.model import SEVERITY_ORDER
from assistant.numbers import FUND_CATEGORIES
from assistant.stats import FindingFacts, GroupStats, Scope, YearStats, year_statistics
from assistant.stores.letterheads import Letterhead
from assistant.stores.records import RecordStore

__all__ = ["StatedTheme", "annual_from", "annual_key", "build_annual", "stated_themes"]


def annual_key(year: int, scope: Scope) -> str:
    return f"annual:{year}:{scope.key}"


@dataclass
class StatedTheme:
    theme: Theme
    group: GroupStats


def stated_themes(stats: YearStats, lib: Library) -> list[StatedTheme]:
    """Themes with findings behind them, ranked by objects concerned, then money, then file order."""
    codes = {f.rule for f in stats.findings}
    out = []
    for theme in lib.themes:
        rules = lib.rules_of(theme, codes)
        if rules:
            out.append(StatedTheme(theme, stats.group(theme.id, rules)))
    order = {t.id: i for i, t in enumerate(lib.themes)}
    out.sort(key=lambda st: (-int(st.group.objects.value or 0), -(st.group.amount.value or 0.0),
                             order[st.theme.id]))
    return out


_PERSONS = "甲乙丙丁戊己庚辛壬癸"


@dataclass(frozen=True)
class KnownNames:
    """Every unit and person name the year's material carries (what anonymisation must hide)."""

    units: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()


class _Aliases:
    """Unit → ``A单位``, ``B单位``…, person → ``甲``, ``乙``… in order of first use (or the name
    itself when not anonymising). :meth:`scrub` replaces every known name in a text, longest first,
    so a name inside another (某县教育局 in 某县教育局第一中学) cannot leak a part."""

    def __init__(self, anonymise: bool, known: KnownNames | None = None) -> None:
        self.anonymise = anonymise
        self.names: dict[str, str] = {}
        self.known = known or KnownNames()

    def __call__(self, unit: str) -> str:
        if not self.anonymise or not unit or unit not in self.known.units:
            return unit
        if unit not in self.names:
            n = sum(1 for v in self.names.values() if v.endswith("单位"))
            letters = string.ascii_uppercase
            self.names[unit] = (letters[n] if n < 26 else letters[n // 26 - 1] + letters[n % 26]) + "单位"
        return self.names[unit]

    def person(self, name: str) -> str:
        if name not in self.names:
            n = sum(1 for v in self.names.values() if not v.endswith("单位"))
            self.names[name] = _PERSONS[n % 10] + ("" if n < 10 else str(n // 10 + 1))
        return self.names[name]

    def scrub(self, text: str) -> str:
        if not self.anonymise or not text:
            return text
        pairs = [(u, self) for u in self.known.units] + [(p, self.person) for p in self.known.persons]
        pairs += [(u, self) for u in list(self.names) if u not in self.known.units + self.known.persons]
        for name, make in sorted(pairs, key=lambda kv: -len(kv[0])):
            if len(name) >= 2 and name in text:
                text = text.replace(name, make(name))
        return text


def _sentence(text: str | None) -> str:
    return (text or "").strip().rstrip("。；;.").strip()


def _examples(stats: YearStats, group: GroupStats, n: int) -> list[FindingFacts]:
    """Up to ``n`` findings from different files: the most severe first, then checker order."""
    chosen = [stats.finding(i) for i in group.finding_ids]
    chosen.sort(key=lambda f: -SEVERITY_ORDER.get(f.severity, 0))
    out, seen_subs, seen_rules = [], set(), set()
    for pass_ in (0, 1):
        for f in chosen:
            if len(out) >= n or f in out or f.submission_id in seen_subs:
                continue
            if pass_ == 0 and f.rule in seen_rules:
                continue
            out.append(f)
            seen_subs.add(f.submission_id)
            seen_rules.add(f.rule)
    return out


def known_names(records: RecordStore, submission_ids: Iterable[str]) -> KnownNames:
    """The unit and person names of these submissions: units, 主管部门, 实施单位, signatures."""
    units: set[str] = set()
    persons: set[str] = set()
    for sid in sorted(set(submission_ids)):
        sub = records.get_submission(sid)
        if sub is None:
            continue
        units.update(n for n in (sub.unit, sub.department) if n)
        for ev in sub.evaluations:
            units.update(n for n in (ev.impl_unit, ev.department) if n)
            persons.update(v.strip() for v in ev.signatures.values() if v and 2 <= len(v.strip()) <= 4)
    return KnownNames(tuple(sorted(u.strip() for u in units if u.strip())), tuple(sorted(persons - units)))


def build_annual(records: RecordStore, year: int, scope: Scope | str = "all", *, name: str | None = None,
                 excluded: Iterable[str] = (), edits: dict[str, str] | None = None, editor: str | None = None,
                 with_statistics: bool | None = None, anonymise: bool | None = None,
                 library: Library | None = None, letterhead: Letterhead | dict | None = None) -> Draft:
    """The annual section for ``year`` and ``scope`` (see the module docstring)."""
    lib = library or load_library()
    cfg = lib.annual_config()
    stats = year_statistics(records, year, Scope.of(scope, name), exclude_findings=excluded,
                            top_n=int(cfg.get("top_units", 3)))
    known = known_names(records, [*(o.submission_id for o in stats.objects), *stats.uncertain])
    return annual_from(stats, edits=edits, editor=editor, with_statistics=with_statistics,
                       anonymise=anonymise, library=lib, letterhead=letterhead, known=known)


def annual_from(stats: YearStats, *, edits: dict[str, str] | None = None, editor: str | None = None,
                with_statistics: bool | None = None, anonymise: bool | None = None,
                library: Library | None = None, letterhead: Letterhead | dict | None = None,
                known: KnownNames | None = None) -> Draft:
    lib = library or load_library()
    cfg = lib.annual_config()
    m = lib.macros("annual.j2")
    with_statistics = bool(cfg.get("with_statistics", True)) if with_statistics is None else with_statistics
    anonymise = bool(cfg.get("anonymise", True)) if anonymise is None else anonymise
    units = {o.unit for o in stats.objects if o.unit} | {o.department for o in stats.objects if o.department}
    known = known or KnownNames()
    year, scope = stats.year, stats.scope
    # a department's or unit's own report names its author: only the others are anonymised
    known = KnownNames(tuple(sorted((set(known.units) | units) - {scope.name or ""})), known.persons)
    alias = _Aliases(anonymise, known)
    head = Letterhead.of(letterhead).filled(cfg)
    area = str(cfg.get("area", "××市")) if scope.level == "all" else str(scope.name)
    a = {"year": year, "area": area, "addressee": head.addressee,
         "with_statistics": with_statistics,
         "scope_text": "全部预算单位中" if scope.level == "all" else f"{scope.name}范围内"}

    facts: dict[str, Fact] = {"context:year": Fact("context:year", "context", f"{year}年度"),
                              "context:letterhead": Fact("context:letterhead", "context",
                                                         f"{head.doc_number}；{head.date}；{head.cc}")}

    def fig_fact(fig) -> str:
        facts[fig.key] = Fact(fig.key, "figure", fig.statement, list(fig.submissions), list(fig.findings))
        return fig.key

    def finding_fact(f: FindingFacts) -> str:
        obj = stats.object(f.object_key)
        facts[f.id] = Fact(f.id, "finding", "；".join(
            [*f.texts(), f.file or "", obj.project_name or ""]), [f.submission_id], [f.id])
        return f.id

    blocks: list[Block] = [Block("docno", head.doc_number, key="docno")] if head.doc_number else []
    blocks += [
        Block("title", str(m.title(a)), key="title"),
        Block("subtitle", str(m.subtitle(a)), key="subtitle"),
        Block("addressee", str(m.addressee(a)), key="addressee"),
    ]
    F = stats.figures
    n_objects = len(stats.objects)
    min_objects = int(cfg.get("min_objects", 3))
    if n_objects == 0:
        # nothing reviewed: say so, and draft nothing that would read as a finding about the year
        held = F.get("held.uncertain")
        blocks.append(Block("note", str(m.no_data(a, held.text if held is not None and held.value else "")),
                            key="no_data", role="no_data", cites=[fig_fact(held)] if held is not None else []))
        return _finish(stats, blocks, facts, alias, head, m, with_statistics, anonymise, [], [], edits, editor,
                       Letterhead.of(letterhead))
    if n_objects < min_objects:
        blocks.append(Block("note", str(m.too_little(a, F["submissions"].text)), key="too_little",
                            role="too_little", cites=[fig_fact(F["submissions"])]))
    blocks.append(Block("note", str(m.note(a)), key="note", role="note"))

    # 二、statistics ---------------------------------------------------------------------------------
    if with_statistics:
        funds = [{"source": FUND_CATEGORIES[k.rsplit(".", 1)[1]], "text": f.text, "key": k}
                 for k, f in F.items() if k.startswith("amount.fund.")]
        families = [{"title": rc.title, "findings": rc.findings} for rc in stats.by_family]
        tops = [{"name": alias(u.unit), "findings": u.findings} for u in stats.top_units]
        a_stats = {**a, "funds": funds, "families": families, "top_units": tops}
        base = ["units", "submissions", "projects", "departments", "reports", "amount.budget", "amount.exec",
                "amount.rate", *(f["key"] for f in funds),
                *(["held.uncertain"] if F["held.uncertain"].value else [])]
        results = [k for k in F if k.startswith(("coverage.", "grade.", "score.", "exec."))
                   or (k.startswith("review.") and F["review.scored"].value)]
        found = [k for k in F if k.startswith("findings.")]
        found_figs = [rc.findings for rc in stats.by_family] + [u.findings for u in stats.top_units]
        blocks += [
            Block("heading1", str(m.h_statistics(a)), key="h.statistics"),
            Block("para", str(m.stat_materials(a_stats, F)), key="stats.materials", role="statistics",
                  cites=[fig_fact(F[k]) for k in base if k in F]),
            Block("para", str(m.stat_results(a_stats, F)), key="stats.results", role="statistics",
                  cites=[fig_fact(F[k]) for k in results]),
            Block("para", str(m.stat_findings(a_stats, F)), key="stats.findings", role="statistics",
                  cites=[fig_fact(F[k]) for k in found] + [fig_fact(f) for f in found_figs]),
        ]

    # 四、problems ----------------------------------------------------------------------------------
    themes = stated_themes(stats, lib)
    n_examples = int(cfg.get("examples_per_theme", 3))
    n_rules = int(cfg.get("rules_per_theme", 4))
    blocks += [Block("heading1", str(m.h_problems(a)), key="h.problems"),
               Block("para", str(m.problems_lead(a) if themes else m.no_problems(a)), key="problems.lead")]
    trace_rows = [["序号", "问题", "统计口径", "问题所在（单位 · 项目 · 表/页/行）"]]
    for number, st in enumerate(themes, start=1):
        g = st.group
        examples = _examples(stats, g, n_examples)
        ex_values = []
        for f in examples:
            obj = stats.object(f.object_key)
            owner = alias(obj.unit)
            project = alias.scrub(obj.project_name or "")
            subject = f"“{project}”" + ("" if project.endswith("项目") else "项目") \
                if obj.kind == "project" and project else (
                "的部门整体支出绩效自评表" if obj.kind == "department" else "的绩效自评报告")
            ex_values.append({"owner": owner, "subject": subject, "message": tidy(alias.scrub(_sentence(f.message)))})
        rules = sorted(g.per_rule, key=lambda rc: (-int(rc.objects.value or 0), -int(rc.findings.value or 0)))
        t = {"title": st.theme.title, "denominator_text": _denominator(g), "objects": g.objects, "noun": g.noun[1],
             "share": g.share, "amount": g.amount, "rules": rules[:n_rules], "more_rules": len(rules) > n_rules,
             "summary": st.theme.summary, "examples": ex_values}
        cites = [fig_fact(x) for x in (g.objects, g.share, g.amount, g.findings)]
        cites += [fig_fact(rc.objects) for rc in rules[:n_rules]]
        cites += [finding_fact(f) for f in examples]
        blocks.append(Block("para", str(m.theme(number, t)), key=f"theme:{st.theme.id}", role="theme",
                            cites=cites, answers=[st.theme.id]))
        trace_rows.append([str(number), st.theme.title,
                           f"{g.objects.text}{g.noun[1]}，占{g.share.text}"
                           + (f"，{g.amount.text}" if g.amount.value is not None else "") + f"；{g.findings.text}问题",
                           "；".join(_trace_place(stats, stats.finding(i), alias) for i in g.finding_ids)])

    # 五、measures ----------------------------------------------------------------------------------
    blocks.append(Block("heading1", str(m.h_measures(a)), key="h.measures"))
    used: set[str] = set()
    number = 0
    for st in themes:
        measure = lib.measures[st.theme.measure]
        number += 1
        used.add(measure.id)
        mv = {"title": measure.title, "text": measure.text, "theme_short": st.theme.short,
              "objects": st.group.objects, "noun": st.group.noun[1]}
        blocks.append(Block("item", str(m.measure(number, mv)), key=f"measure:{st.theme.id}", role="measure",
                            cites=[fig_fact(st.group.objects)], answers=[st.theme.id]))
    for mid in lib.standing:
        if mid in used:
            continue
        number += 1
        measure = lib.measures[mid]
        blocks.append(Block("item", str(m.standing_measure(number, {"title": measure.title, "text": measure.text})),
                            key=f"standing:{mid}", role="standing_measure"))
    return _finish(stats, blocks, facts, alias, head, m, with_statistics, anonymise, themes, trace_rows, edits,
                   editor, Letterhead.of(letterhead))


def _trace_place(stats: YearStats, f: FindingFacts, alias: _Aliases) -> str:
    """``A单位 · “校舍维修”项目 · 第2页 表1 第5行``: where a reader finds a finding, with no internal id."""
    obj = stats.object(f.object_key)
    what = (f"“{obj.project_name}”项目" if obj.kind == "project" and obj.project_name
            else "部门整体支出绩效自评表" if obj.kind == "department" else "自评报告")
    return alias.scrub(" · ".join([alias(obj.unit) or "（单位不详）", what, f.location]))


def _finish(stats: YearStats, blocks: list[Block], facts: dict[str, Fact], alias: _Aliases, head: Letterhead,
            m, with_statistics: bool, anonymise: bool, themes: list[StatedTheme], trace_rows: list[list[str]],
            edits: dict[str, str] | None, editor: str | None, inputs: Letterhead) -> Draft:
    """Closing, 发文机关 and date, 抄送, the trace appendix; then every name scrubbed when anonymised."""
    year, scope = stats.year, stats.scope
    blocks += [
        Block("closing", str(m.closing()), key="closing"),
        Block("issuer", head.issuer, key="issuer"),
        Block("date", head.date, key="date"),
    ]
    if head.cc:
        blocks.append(Block("cc", f"抄送：{head.cc.rstrip('。')}。", key="cc"))
    if themes:
        blocks.append(Block("heading1", str(m.h_trace()), key="h.trace", role="trace"))
        theme_cites = [c for b in blocks if b.role == "theme" for c in b.cites if facts[c].kind != "finding"]
        blocks.append(Block("table", "表1　问题主题与问题所在", key="trace.themes", role="trace", rows=trace_rows,
                            id_columns=[0, 3], cites=theme_cites))
    if with_statistics and any(b.role == "statistics" for b in blocks):
        if not themes:
            blocks.append(Block("heading1", str(m.h_trace()), key="h.trace", role="trace"))
        stat_keys = [c for b in blocks if b.role == "statistics" for c in b.cites]
        index = stats.figure_index()
        everything = tuple(sorted({o.submission_id for o in stats.objects}))
        units_of = {o.submission_id: o.unit for o in stats.objects}
        rows = [["统计项", "数值", "涉及单位"]]
        rows += [[facts[k].text.split("：", 1)[0], index[k].text,
                  "全部材料" if index[k].submissions == everything and everything else
                  "、".join(dict.fromkeys(alias(units_of.get(s, "")) or "（单位不详）" for s in index[k].submissions))]
                 for k in stat_keys]
        blocks.append(Block("table", "表2　统计数据来源", key="trace.figures", role="trace", rows=rows,
                            id_columns=[2], cites=stat_keys))
    if anonymise:
        for b in blocks:
            b.text = alias.scrub(b.text)
            if b.rows is not None:
                b.rows = [[alias.scrub(c) for c in r] for r in b.rows]
    title = next(b.text for b in blocks if b.kind == "title")
    draft = Draft(kind="annual", key=annual_key(year, scope), title=title, blocks=blocks, facts=facts,
                  meta={"year": year, "scope": {"level": scope.level, "name": scope.name},
                        "with_statistics": with_statistics, "anonymise": anonymise,
                        "letterhead": inputs.to_dict(),
                        # the reviewer's key to the aliases: shown on the page, never in the document
                        "aliases": dict(alias.names) if anonymise else {},
                        "objects": len(stats.objects),
                        "excluded": list(stats.excluded_findings),
                        "themes": [st.theme.id for st in themes],
                        "findings": [f.id for f in stats.findings]})
    if edits:
        draft.apply_edits(edits, editor)
    return draft


def _denominator(g: GroupStats) -> str:
    """``4个项目`` — the base of the share (its figure's label states the same number)."""
    return f"{g.denominator}{g.noun[0]}{g.noun[1]}"
