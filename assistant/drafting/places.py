"""A finding's place and basis in the words of the unit that filled the form.

A letter goes to the unit, which knows its form by what it wrote: "绩效指标第3行“学生满意度”的实际完成值",
"资金情况中“当年财政拨款”行的全年执行数", "自评报告“二、绩效目标完成情况”部分". Internal coordinates
(page, table index, cell column), field paths, rule codes and file names are for reviewers and
stay out of the letter body (an annex may list them).
"""

from __future__ import annotations

import re

from assistant.glossary import TERMS
from assistant.model import Finding, Submission

__all__ = ["basis_text", "unit_place"]

_PATH = re.compile(r"^evaluations\[(\d+)\](?:\.(.*))?$")
_ROW = re.compile(r"^(indicators|funds\.rows|groups)\[(\d+)\](?:\.(\w+))?")
_URL = re.compile(r"https?://\S+")
# field names whose term reads better in a letter than the glossary's table header
_WORDS = {"rate": "执行率", "score": "得分", "weight": "分值", "reason": "执行偏差原因"}
GENERIC_BASIS = "项目支出绩效自评表填报要求"


def _term(name: str | None) -> str:
    if not name:
        return ""
    return _WORDS.get(name) or TERMS.get(name) or ""


def _form(sub: Submission, i: int) -> str:
    ev = sub.evaluations[i]
    if ev.kind == "department":
        return "部门整体支出绩效自评表"
    several = sum(1 for e in sub.evaluations if e.kind == "project") > 1
    name = (ev.project_name or "").strip()
    if several and name:
        return f"“{name}”" + ("" if name.endswith("项目") else "项目") + "自评表"
    return "自评表"


def _of(owner: str, name: str | None) -> str:
    term = _term(name)
    return f"{owner}的{term}" if term else owner


def unit_place(sub: Submission, finding: Finding) -> str:
    """Where the unit finds what a finding is about, e.g. ``自评表绩效指标第3行“学生满意度”的实际完成值``."""
    path = finding.location.field or ""
    if path == "sections" or path.startswith("sections"):
        return _report_place(sub, finding)
    m = _PATH.match(path)
    if m is None or int(m.group(1)) >= len(sub.evaluations):
        return "自评报告" if sub.kind == "report" else "自评表"
    i, rest = int(m.group(1)), m.group(2) or ""
    ev, form = sub.evaluations[i], _form(sub, i)
    if rest in ("", "cells"):
        return form
    row = _ROW.match(rest)
    if row is not None:
        block, k, name = row.group(1), int(row.group(2)), row.group(3)
        if block == "indicators" and k < len(ev.indicators):
            label = (ev.indicators[k].name or "").strip()
            where = f"{form}绩效指标第{k + 1}行" + (f"“{label}”" if label else "")
            return _of(where, name)
        if block == "funds.rows" and k < len(ev.funds.rows):
            label = (ev.funds.rows[k].name or "").strip()
            return _of(f"{form}资金情况中" + (f"“{label}”行" if label else f"第{k + 1}行"), name)
        if block == "groups" and k < len(ev.groups):
            return _of(f"{form}绩效指标中“{ev.groups[k].name}”一行", name)
    if rest == "indicators":
        return _indicator_rows(sub, finding, form)
    if rest.startswith("block_weights."):
        return f"{form}一级指标“{rest.split('.', 1)[1]}”的分值"
    if rest == "funds" or rest == "funds.rows":
        return f"{form}资金情况"
    if rest.startswith("funds."):
        return _of(f"{form}资金情况", rest.split(".", 1)[1])
    if rest.startswith("signatures"):
        return f"{form}签章栏"
    head = rest.split(".", 1)[0].split("[", 1)[0]
    term = _term(head)
    return f"{form}“{term}”栏" if term else form


def _indicator_rows(sub: Submission, finding: Finding, form: str) -> str:
    """A pattern over the indicator table: the rows it names, as the unit numbers them."""
    rows = []
    for occ in finding.occurrences:
        if occ.rule:
            continue
        m = _PATH.match(occ.location.field or "")
        row = _ROW.match(m.group(2) or "") if m else None
        if row is None or row.group(1) != "indicators":
            continue
        k = int(row.group(2))
        ev = sub.evaluations[int(m.group(1))]
        label = (ev.indicators[k].name or "").strip() if k < len(ev.indicators) else ""
        rows.append(f"第{k + 1}行" + (f"“{label}”" if label else ""))
    if not rows:
        return f"{form}绩效指标"
    rows = list(dict.fromkeys(rows))  # a row with two blank cells is one row to the unit
    shown = "、".join(rows[:6]) + (f"等{len(rows)}行" if len(rows) > 6 else "")
    return f"{form}绩效指标{shown}"


def _report_place(sub: Submission, finding: Finding) -> str:
    p = finding.location.paragraph
    section = next((s for s in sub.sections if s.location.paragraph == p and s.path), None) if p is not None else None
    return f"自评报告“{section.path[-1]}”部分" if section else "自评报告"


def basis_text(source: str | None) -> str:
    """The rule's basis in words: the official documents it cites (``依据…``), never a web address."""
    docs = []
    for part in (source or "").split("；"):
        part = _URL.sub("", part).strip()
        # reposts, worked examples and repealed documents bind no unit: the letter cites none of them
        if "《" in part and "》" in part and not any(w in part for w in ("转载", "实例", "已废止")):
            doc = part[: part.index("》") + 1] + _doc_number(part)
            if doc not in docs:
                docs.append(doc)
    return "依据" + ("、".join(docs) if docs else GENERIC_BASIS)


def _doc_number(part: str) -> str:
    """``（财预〔2020〕10号）`` right after the title, when given."""
    m = re.match(r"（[^（）]*〔\d{4}〕\d+号[^（）]*）", part[part.index("》") + 1:].strip())
    return m.group(0) if m else ""
