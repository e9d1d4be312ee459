"""Review comment (审核意见) for one submission, from its stored findings.

Structure (each paragraph a macro of ``prompts/drafting/review.j2``)::

    关于<单位><年度><材料>的审核意见
    <单位>：
    你单位报送的……已收悉。经审核，现提出如下意见。
    一、审核结论        通过 / 修改后通过 / 退回重报, and the rule of drafting.yaml that decides it
    二、存在的问题      （一）<theme> 1.<place the unit knows>：<message>。表中填写为“…”。依据…，<action>
    三、整改要求        with the deadline placeholder
    特此函告。 <issuer> <date>  抄送：…
    附件：审核发现明细  (only with ``annex``) rule codes, files and cell coordinates for reviewers

The body speaks to the unit (:mod:`assistant.drafting.places`): no rule codes, file names or
coordinates. Every problem cites its finding; the conclusion cites the counts it is based on and
the rule configuration. ``excluded`` finding ids drop out of the text and of the counts. The
发文机关, 主送, 文号, 日期 and 抄送 come from a :class:`Letterhead` (placeholders when empty).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.checker.export import location_text, occurrences_text, project_of
from assistant.checker.registry import rule_title
from assistant.drafting.document import Block, Draft, Fact, tidy
from assistant.drafting.library import Library, Theme, load_library
from assistant.drafting.places import basis_text, unit_place
from assistant.glossary import KIND_TERMS, SEVERITY_TERMS
from assistant.model import SEVERITY_ORDER, Finding, Submission
from assistant.stores.letterheads import Letterhead
from assistant.stores.records import RecordStore

__all__ = ["CONCLUSIONS", "Decision", "build_review", "decide", "review_key"]

CONCLUSIONS = {"pass": "通过", "modify": "修改后通过", "return": "退回重报"}
_CN = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (headings （一）…)."""
    if n <= 10:
        return _CN[n - 1]
    tens, ones = divmod(n, 10)
    return (_CN[tens - 1] if tens > 1 else "") + "十" + (_CN[ones - 1] if ones else "")


def review_key(submission_id: str) -> str:
    return f"review:{submission_id}"


@dataclass(frozen=True)
class Decision:
    code: str  # pass | modify | return
    basis: str  # return_rule | return_errors | modify | pass
    errors: int
    warnings: int
    infos: int
    threshold: int
    deciding: tuple[str, ...]  # finding ids that decide a return_rule conclusion
    rules_text: str = ""

    @property
    def conclusion(self) -> str:
        return CONCLUSIONS[self.code]

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos


def decide(findings: Iterable[Finding], config: dict) -> Decision:
    """The conclusion by the rules of ``drafting.yaml`` (``review``), first match wins."""
    findings = list(findings)
    count = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    threshold = int(config.get("return_min_errors", 3))
    return_rules = list(config.get("return_rules") or [])
    hits = [f for f in findings if f.rule in return_rules]
    base = dict(errors=count["error"], warnings=count["warning"], infos=count["info"], threshold=threshold)
    if hits:
        codes = sorted({f.rule for f in hits}, key=return_rules.index)
        text = "、".join(f"“{rule_title(c)}”" for c in codes)
        return Decision("return", "return_rule", deciding=tuple(f.id or "" for f in hits), rules_text=text, **base)
    if count["error"] >= threshold:
        return Decision("return", "return_errors", deciding=(), **base)
    if count["error"] or count["warning"]:
        return Decision("modify", "modify", deciding=(), **base)
    return Decision("pass", "pass", deciding=(), **base)


def _sentence(text: str | None) -> str:
    return (text or "").strip().rstrip("。；;.").strip()


def _subject(sub: Submission) -> str:
    projects = [ev.project_name for ev in sub.evaluations if ev.kind == "project" and ev.project_name]
    if sub.kind == "report" or not sub.evaluations:
        return "绩效自评报告"
    if sub.kind == "department" or all(ev.kind == "department" for ev in sub.evaluations):
        return KIND_TERMS["department"]
    what = "、".join(f"“{p}”" for p in projects) or "项目"
    tail = "及自评报告" if sub.kind == "mixed" else ""
    return f"{what}项目支出绩效自评表{tail}"


def _unit(sub: Submission) -> str:
    ev = sub.evaluations[0] if sub.evaluations else None
    return sub.unit or (ev.impl_unit or ev.department if ev else None) or "（单位名称）"


def _finding_fact(f: Finding, sub: Submission) -> Fact:
    parts = [f.message, f.evidence, f.suggestion, unit_place(sub, f), basis_text(f.source), f.location.describe(),
             f.location.file or sub.file.name, project_of(sub, f), occurrences_text(f, "；")]  # a folded finding: every row it lists
    return Fact(ref=f.id or "", kind="finding", text="；".join(p for p in parts if p),
                submissions=[sub.id], findings=[f.id or ""])


def _theme_order(lib: Library, groups: dict[str, list[Finding]]) -> list[str]:
    order = {t.id: i for i, t in enumerate(lib.themes)}
    worst = {k: max(SEVERITY_ORDER[f.severity] for f in v) for k, v in groups.items()}
    return sorted(groups, key=lambda k: (-worst[k], order.get(k, len(order))))


def build_review(records: RecordStore, submission_id: str, *, excluded: Iterable[str] = (),
                 edits: dict[str, str] | None = None, editor: str | None = None,
                 library: Library | None = None, letterhead: Letterhead | dict | None = None,
                 annex: bool = False) -> Draft:
    """The review comment of one stored submission (see the module docstring)."""
    sub = records.get_submission(submission_id)
    if sub is None:
        raise KeyError(f"没有这份材料 / no submission {submission_id!r}")
    findings = records.get_findings(submission_id)
    return review_from(sub, findings, excluded=excluded, edits=edits, editor=editor, library=library,
                       letterhead=letterhead, annex=annex)


def _action(f: Finding) -> str:
    """The required action as a sentence ending in 。."""
    text = tidy(_sentence(f.suggestion))
    return (text or "请核实并修改") + "。"


def review_from(sub: Submission, findings: list[Finding], *, excluded: Iterable[str] = (),
                edits: dict[str, str] | None = None, editor: str | None = None,
                library: Library | None = None, letterhead: Letterhead | dict | None = None,
                annex: bool = False) -> Draft:
    """The review comment of ``sub`` from its findings (no store needed)."""
    lib = library or load_library()
    cfg = lib.review_config()
    m = lib.macros("review.j2")
    excluded = {e for e in excluded if e}
    known = {f.id for f in findings}
    # a letter asks for what the unit still has to fix: not 误报, not 已整改, still made by the check
    active = [f for f in findings if f.id not in excluded and f.outstanding]
    decision = decide(active, cfg)

    unit, subject = _unit(sub), _subject(sub)
    head = Letterhead.of(letterhead).filled({**cfg, "addressee": unit})
    s = {"unit": unit, "addressee": head.addressee, "year_text": f"{sub.year}年度" if sub.year else "", "subject": subject,
         "file": sub.file.name or "（文件名不详）"}
    facts: dict[str, Fact] = {}
    sub_ref = f"submission:{sub.id}"
    facts[sub_ref] = Fact(sub_ref, "submission", "；".join(
        p for p in [unit, sub.department or "", str(sub.year or ""), sub.file.name, subject,
                    *(ev.project_name or "" for ev in sub.evaluations)] if p), submissions=[sub.id])
    if head.doc_number or head.date:  # the reviewer's own numbers: 文号 and 成文日期
        facts["context:letterhead"] = Fact("context:letterhead", "context", f"{head.doc_number}；{head.date}")
    if sub.year:
        facts["context:year"] = Fact("context:year", "context", f"{sub.year}年度")
    counts_ref = "review:counts"
    facts[counts_ref] = Fact(counts_ref, "review", (
        f"审核发现问题{decision.total}项；错误类{decision.errors}项；警告类{decision.warnings}项；"
        f"提示类{decision.infos}项"), submissions=[sub.id], findings=[f.id or "" for f in active])
    rule_ref = "rule:review"
    facts[rule_ref] = Fact(rule_ref, "rule", (
        f"错误类问题{decision.threshold}项及以上的，退回重报；存在"
        + "、".join(cfg.get("return_rules") or []) + "问题的，退回重报；存在错误或警告类问题的，修改后通过；"
        "无错误类和警告类问题的，通过"))
    for f in active:
        facts[f.id or ""] = _finding_fact(f, sub)

    blocks = [Block("docno", head.doc_number, key="docno")] if head.doc_number else []
    blocks += [
        Block("title", str(m.title(s)), key="title", cites=[sub_ref]),
        Block("addressee", str(m.addressee(s)), key="addressee", cites=[sub_ref]),
        Block("para", str(m.intro(s)), key="intro", cites=[sub_ref], role="intro"),
        Block("heading1", str(m.h_conclusion()), key="h.conclusion"),
        Block("para", str(m.conclusion(decision)), key="conclusion", role="conclusion",
              cites=[counts_ref, rule_ref, *decision.deciding]),
        Block("heading1", str(m.h_problems()), key="h.problems"),
    ]
    groups: dict[str, list[Finding]] = {}
    themes: dict[str, Theme] = {}
    for f in active:
        theme = lib.theme_for(f.rule)
        tid = theme.id if theme else "other"
        groups.setdefault(tid, []).append(f)
        if theme:
            themes[tid] = theme
    number = 0
    annex_rows = [["序号", "规则名称", "规则编号", "严重程度", "项目", "文件", "位置", "发现编号"]]
    for i, tid in enumerate(_theme_order(lib, groups), start=1):
        heading = themes.get(tid)
        blocks.append(Block("heading2", str(m.theme_heading(cn_number(i), heading or {"review_heading": "其他方面"})),
                            key=f"h.theme:{tid}", role="theme_heading"))
        for f in sorted(groups[tid], key=lambda x: -SEVERITY_ORDER[x.severity]):
            number += 1
            fv = {"place": unit_place(sub, f), "message": tidy(_sentence(f.message)),
                  "evidence": _sentence(f.evidence) if f.evidence and len(f.evidence) <= 60 else "",
                  "basis": basis_text(f.source), "action": _action(f)}
            blocks.append(Block("item", str(m.problem(number, fv)), key=f"problem:{f.id}", role="problem",
                                cites=[f.id or ""]))
            annex_rows.append([str(number), rule_title(f.rule), f.rule, SEVERITY_TERMS[f.severity],
                               project_of(sub, f), f.location.file or sub.file.name or "",
                               location_text(f) + (f"；{occurrences_text(f, '；')}" if f.occurrences else ""),
                               f.id or ""])
    if not active:
        blocks.append(Block("para", str(m.no_problems()), key="no_problems", role="problem_none"))
    blocks += [
        Block("heading1", str(m.h_requirements()), key="h.requirements"),
        Block("para", str(m.requirements({"code": decision.code, "with_report": bool(sub.sections),
                                          "infos": decision.infos},
                                         cfg.get("deadline", "　　年　　月　　日"))),
              key="requirements", role="requirements"),
        Block("closing", str(m.closing()), key="closing"),
        Block("issuer", head.issuer, key="issuer"),
        Block("date", head.date, key="date"),
    ]
    if head.cc:
        blocks.append(Block("cc", f"抄送：{head.cc.rstrip('。')}。", key="cc"))
    if annex and active:
        blocks += [Block("heading1", str(m.h_annex()), key="h.annex", role="trace"),
                   Block("table", "", key="annex.findings", role="trace", rows=annex_rows,
                         id_columns=list(range(len(annex_rows[0]))))]
    title = next(b.text for b in blocks if b.kind == "title")
    draft = Draft(kind="review", key=review_key(sub.id), title=title, blocks=blocks, facts=facts,
                  meta={"submission_id": sub.id, "unit": unit, "year": sub.year, "file": sub.file.name,
                        "letterhead": Letterhead.of(letterhead).to_dict(), "annex": annex,
                        "conclusion": decision.conclusion, "conclusion_code": decision.code,
                        "decision_basis": decision.basis, "excluded": sorted(excluded & known),
                        "findings": [f.id for f in active]})
    if edits:
        draft.apply_edits(edits, editor)
    return draft
