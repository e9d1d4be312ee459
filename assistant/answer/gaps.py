"""Saying what is not there: a year the named unit or project filed nothing for, a project the
named unit filed nothing on, a term the records do not hold. The reply names what was searched and never puts another year's or another
field's figure in the gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer.prompts import text
from assistant.answer.terms import Term
from assistant.model import Finding
from assistant.retrieval.gazetteer import Gazetteer
from assistant.stores.records import RecordStore

__all__ = ["Gap", "missing_in_material", "missing_term_message", "project_gap", "year_gap"]

KIND_NAMES = {"table": "自评表", "report": "自评报告", "department": "部门整体自评表"}
LISTED = 6  # searched materials named in the reply


def year_gap(records: RecordStore, gaz: Gazetteer, year: int | None, units: Sequence[str],
             projects: Sequence[str]) -> str | None:
    """The reply when ``units`` (or, without units, the units that filed ``projects``) filed
    material about ``projects`` but none for ``year``; ``None`` when there is some, or nothing
    is named."""
    if year is None or not (units or projects):
        return None
    named_units = list(units) or sorted({u for p in projects for u in gaz.project_units.get(p, ())})
    ids = gaz.submissions_about(named_units, projects)
    if not ids:
        return None
    found = [s for s in (records.get_summary(i) for i in ids) if s is not None]
    if not found or any(s.year == year for s in found):
        return None
    found.sort(key=lambda s: (-(s.year or 0), s.file_name or ""))
    searched = "；".join(f"{s.file_name or s.id}（{s.year or '年度不详'}年{KIND_NAMES.get(s.kind, '材料')}）"
                        for s in found[:LISTED])
    if len(found) > LISTED:
        searched += f"等{len(found)}份"
    about = "".join(dict.fromkeys([*units, *projects]))
    years = "、".join(f"{y}年" for y in sorted({s.year for s in found if s.year}))
    return text("year_missing", about=about, year=year, searched=searched, years=years or "其他年度")


def project_gap(records: RecordStore, gaz: Gazetteer, units: Sequence[str], projects: Sequence[str]) -> str | None:
    """The reply when the named ``units`` filed material, but none about the named ``projects``
    (a report, which names no project, counts as about it): after "XX局的学生资助执行率",
    "那YY局呢？" asks YY局's 学生资助, and YY局's other project is not the answer."""
    if not units or not projects:
        return None
    filed = list(dict.fromkeys(sid for u in units for sid in gaz.unit_submissions.get(u, ())))
    if not filed or gaz.submissions_about(units, projects):
        return None
    found = [s for s in (records.get_summary(i) for i in filed) if s is not None]
    if not found:
        return None
    found.sort(key=lambda s: (-(s.year or 0), s.file_name or ""))
    searched = "；".join(f"{s.file_name or s.id}（{s.year or '年度不详'}年{KIND_NAMES.get(s.kind, '材料')}）"
                        for s in found[:LISTED]) + (f"等{len(found)}份" if len(found) > LISTED else "")
    theirs = "、".join(dict.fromkeys(n for sid in filed for n in gaz.submission_projects.get(sid, ())))
    return text("project_missing", unit="、".join(units), project="、".join(projects), searched=searched,
                projects=theirs or "（未写项目名称）")


def missing_term_message(missing: Sequence[Term]) -> str:
    """The reply when the documents do not state a term the records do not hold either."""
    t = missing[0]
    neighbours = "、".join(f"“{n}”" for n in t.not_)
    return text("term_missing", term=t.term) + (text("term_not_neighbour", neighbours=neighbours) if neighbours else "")


@dataclass
class Gap:
    """What an answer that found nothing says: the materials searched and the findings that report
    the asked thing missing."""

    text: str
    searched: list[str] = field(default_factory=list)  # submission ids
    findings: list[Finding] = field(default_factory=list)


def _reports(f: Finding, term: Term) -> bool:
    where = f.location.field or ""
    return f.rule in term.gap_rules or any(x in where for x in term.gap_fields) or \
        any(sp in (f.message or "") for sp in term.spellings if len(sp) >= 3) and f.rule.startswith("MISSING")


def missing_in_material(records: RecordStore, gaz: Gazetteer, year: int | None, units: Sequence[str],
                        projects: Sequence[str], terms: Sequence[Term]) -> Gap | None:
    """When the answer found nothing on a named unit or project: the materials searched (of
    ``year`` when given) and the findings on them that already report the asked term missing."""
    if not (units or projects) or not terms:
        return None
    named_units = list(units) or sorted({u for p in projects for u in gaz.project_units.get(p, ())})
    found = [s for s in (records.get_summary(i) for i in gaz.submissions_about(named_units, projects))
             if s is not None and (year is None or s.year == year)]
    if not found:
        return None
    term = terms[0]
    reports = [f for s in found for f in records.get_findings(s.id) if _reports(f, term)]
    files = {s.id: s.file_name or s.id for s in found}
    searched = "；".join(f"{s.file_name or s.id}（{s.year or '年度不详'}年{KIND_NAMES.get(s.kind, '材料')}）"
                        for s in found[:LISTED]) + (f"等{len(found)}份" if len(found) > LISTED else "")
    out = text("material_missing", about="".join(dict.fromkeys([*units, *projects])), term=term.term,
               searched=searched)
    if reports:
        cited = "；".join(f"{files.get(f.submission_id or '', '')}〔{f.rule}〕{f.message}" for f in reports[:3])
        out += text("material_missing_finding", findings=cited)
    return Gap(out, [s.id for s in found], reports)
