"""Check results for people and scripts: plain text, JSON, Markdown and an Excel workbook.

A finding that folds a pattern over a table, or holds other rules' findings on its row, shows its
:class:`~assistant.model.Occurrence` s inside it: every row with its place (and, in JSON and the
workbook, its evidence), so a count of findings is a count of defects.

A :class:`CheckedFile` is one input (a file now, a stored submission later) with its submission
and findings, or the reason it could not be read. Every renderer takes a list of them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.checker.registry import rule_title
from assistant.glossary import DECISION_TERMS, KIND_TERMS, SEVERITY_TERMS, STATUS_TERMS
from assistant.model import Finding, Occurrence, Submission, to_dict
from assistant.numbers import rounded
from assistant.review.states import graph

SEVERITIES = ("error", "warning", "info")
_EVAL = re.compile(r"^evaluations\[(\d+)\]")


@dataclass
class CheckedFile:
    source: str  # the path (or, later, the stored submission id) the reviewer asked for
    submission: Submission | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # why the input could not be read
    # per form: (自评得分, 复核得分 or None when not scored), filled for stored submissions (复核打分)
    scores: list[tuple[float | None, float | None]] = field(default_factory=list)
    review_state: str | None = None  # a stored submission's place in the review (submission_reviews.state)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    @property
    def name(self) -> str:
        return (self.submission.file.name if self.submission and self.submission.file.name else self.source)


def project_of(sub: Submission | None, finding: Finding) -> str:
    """The project (or 部门) a finding belongs to, from its field path."""
    m = _EVAL.match(finding.location.field or "")
    if sub is None or m is None or int(m.group(1)) >= len(sub.evaluations):
        return "自评报告" if finding.location.field == "sections" else ""
    ev = sub.evaluations[int(m.group(1))]
    return ev.project_name or ev.department or ev.impl_unit or f"第{int(m.group(1)) + 1}张自评表"


def header(item: CheckedFile) -> dict[str, Any]:
    """The submission's canonical header fields (the ``submission`` part of the JSON)."""
    sub = item.submission
    if sub is None:
        return {"source": item.source, "id": None, "file": item.name, "error": item.error}
    return {"source": item.source, "id": sub.id or None, "file": sub.file.name, "format": sub.file.format,
            "kind": sub.kind, "unit": sub.unit, "department": sub.department, "year": sub.year,
            "status": sub.status, "status_reason": sub.status_reason,
            "projects": [ev.project_name for ev in sub.evaluations], "error": None}


def own_rows(f: Finding) -> list[Occurrence]:
    """The rows of a folded pattern (empty for a finding about one cell)."""
    return [o for o in f.occurrences if o.rule is None]


def merged(f: Finding) -> list[Occurrence]:
    """Other rules' findings on the same row, kept as this finding's supporting evidence."""
    return [o for o in f.occurrences if o.rule]


def location_text(f: Finding) -> str:
    """Where the finding is, with the number of rows of a folded pattern."""
    rows = own_rows(f)
    return f.location.describe() + (f"（{len(rows)} 处）" if rows else "")


def occurrences_text(f: Finding, sep: str = "\n") -> str:
    """The places a finding lists, for a reader: its rows, then the findings merged into it."""
    parts = []
    rows = own_rows(f)
    if rows:
        table = f.location.describe()  # the table said once: the next places start at their row
        places = [o.location.describe() for o in rows]
        if all(p.startswith(table + " ") for p in places):
            places = places[:1] + [p[len(table) + 1:] for p in places[1:]]
        parts.append(f"出现位置（{len(rows)} 处）：" + "；".join(places))
    parts += [f"同处另有 {o.rule}（{rule_title(o.rule or '', '')}）：{o.message or ''}" for o in merged(f)]
    return sep.join(parts)


def occurrence_lines(item: CheckedFile, severity: str) -> list[str]:
    """One line per finding of ``severity`` that lists places, for the plain-text table."""
    return [f"  · {f.rule} {project_of(item.submission, f)} {occurrences_text(f, '；')}"
            for f in item.findings if f.severity == severity and f.occurrences]


def to_json(items: Sequence[CheckedFile]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        findings = []
        for f in item.findings:
            d = to_dict(f)
            d["severity_text"] = SEVERITY_TERMS[f.severity]
            d["location_text"] = location_text(f)
            d["project"] = project_of(item.submission, f)
            for occ, o in zip(d["occurrences"], f.occurrences, strict=True):
                occ["location_text"] = o.location.describe()
            findings.append(d)
        out.append({"submission": header(item), "counts": item.counts(), "findings": findings})
    return out


def title_line(item: CheckedFile) -> str:
    sub = item.submission
    if sub is None:
        return f"{item.name}：无法读取（{item.error}）"
    c = item.counts()
    counts = "　".join(f"{SEVERITY_TERMS[s]} {c[s]}" for s in SEVERITIES)
    what = KIND_TERMS[sub.kind] + (f"，{sub.unit}" if sub.unit else "") + (f"，{sub.year}年度" if sub.year else "")
    status = f"，{STATUS_TERMS[sub.status]}" if sub.status != "ok" else ""
    return f"{item.name}（{what}{status}）　{counts}"


def table_rows(item: CheckedFile, severity: str) -> list[tuple[str, ...]]:
    return [(f.rule, project_of(item.submission, f), location_text(f), f.message, f.suggestion or "")
            for f in item.findings if f.severity == severity]


def to_markdown(items: Sequence[CheckedFile]) -> str:
    out = ["# 审核发现", ""]
    for item in items:
        out += [f"## {title_line(item)}", ""]
        if item.submission is None:
            continue
        if item.submission.status_reason:
            out += [f"> {item.submission.status_reason}", ""]
        if not item.findings:
            out += ["未发现问题。", ""]
            continue
        out += ["| 严重程度 | 规则 | 项目 | 位置 | 问题说明 | 原文依据 | 修改建议 |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for f in item.findings:
            message = f.message + (f"<br>{occurrences_text(f, '<br>')}" if f.occurrences else "")
            cells = [SEVERITY_TERMS[f.severity], f.rule, project_of(item.submission, f), location_text(f),
                     message, f.evidence or "", f.suggestion or ""]
            out.append("| " + " | ".join(_md(c) for c in cells) + " |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# (header, width): the reviewer's words, never a field path; 文件 first and 规则 fourth as before
FINDING_COLUMNS = (("文件", 24), ("单位", 24), ("年度", 8), ("规则", 18), ("规则名称", 24), ("严重程度", 10),
                   ("项目", 24), ("问题说明", 60), ("位置", 22), ("原文依据", 48), ("修改建议", 48),
                   ("审核决定", 10), ("决定理由", 30), ("规则依据", 48), ("出现位置", 60), ("发现编号", 18))
SUMMARY_COLUMNS = (("文件", 28), ("单位", 24), ("年度", 8), ("类型", 20), ("项目", 30), ("错误", 8), ("警告", 8),
                   ("提示", 8), ("合计", 8), ("识别状态", 12), ("审核状态", 12), ("待定", 8), ("确认", 8),
                   ("误报", 8), ("已整改", 8), ("自评得分", 12), ("复核得分", 12), ("差值", 10), ("说明", 48),
                   ("提交编号", 18))


def finding_rows(items: Sequence[CheckedFile]) -> list[list[Any]]:
    """One row per finding, in :data:`FINDING_COLUMNS` order (numbers stay numbers)."""
    rows = []
    for item in items:
        sub = item.submission
        for f in item.findings:
            rows.append([item.name, (sub.unit or "") if sub else "", sub.year if sub else None, f.rule,
                         rule_title(f.rule, ""), SEVERITY_TERMS[f.severity], project_of(sub, f), f.message,
                         f.location.describe(), f.evidence or "", f.suggestion or "", DECISION_TERMS[f.decision],
                         f.decision_reason or "", f.source or "", occurrences_text(f), f.id or ""])
    return rows


def submission_rows(items: Sequence[CheckedFile]) -> list[list[Any]]:
    """One row per submission, in :data:`SUMMARY_COLUMNS` order."""
    rows = []
    for item in items:
        # 误报 are counted apart, not as errors, warnings or infos
        c = {sv: sum(1 for f in item.findings if f.severity == sv and f.counted) for sv in SEVERITIES}
        sub = item.submission
        decided = {d: sum(1 for f in item.findings if f.decision == d) for d in DECISION_TERMS}
        projects = "、".join(p for p in (ev.project_name for ev in sub.evaluations) if p) if sub else ""
        rows.append([item.name, (sub.unit or "") if sub else "", sub.year if sub else None,
                     KIND_TERMS[sub.kind] if sub else "", projects, c["error"], c["warning"], c["info"],
                     sum(c.values()), STATUS_TERMS[sub.status] if sub else "无法读取",
                     graph().term(item.review_state) if item.review_state else "",
                     *(decided[d] for d in DECISION_TERMS),
                     *score_cells(item.scores or [(ev.total_score, None) for ev in (sub.evaluations if sub else [])]),
                     item.error or (sub.status_reason if sub else "") or "", sub.id if sub else ""])
    return rows


def to_xlsx(items: Sequence[CheckedFile], sheets: Sequence[str] = ("findings", "submissions")) -> bytes:
    """A workbook with sheet 审核发现 (every finding, with the places it lists) and sheet 汇总 (counts
    per submission), or only those of ``sheets``: Chinese headers, bold and frozen, filters, column
    widths, numbers as numbers, and nothing a unit typed ever becomes a formula."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    parts = {"findings": ("审核发现", FINDING_COLUMNS, finding_rows), "submissions": ("汇总", SUMMARY_COLUMNS,
                                                                               submission_rows)}
    for title, columns, rows_of in (parts[name] for name in sheets):
        fill_sheet(wb.create_sheet(title), columns, rows_of(items))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fill_sheet(sheet: Any, columns: Sequence[tuple[str, int]], data: Sequence[Sequence[Any]]) -> None:
    """Write ``data`` under the ``(header, width)`` columns the way every ziping workbook looks: bold
    frozen header with filters, column widths, wrapped cells, numbers as numbers and every text cell
    kept as text (nothing a unit typed becomes a formula)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append([name for name, _ in columns])
    for row in data:
        sheet.append(list(row))
        _as_text(sheet[sheet.max_row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(data) + 1)}"


def score_cells(scores: Sequence[tuple[float | None, float | None]]) -> list[Any]:
    """自评得分, 复核得分, 差值 of a submission: numbers for one form, "；"-joined texts for several,
    blank where a form has no score or has not been scored."""
    if not scores:
        return ["", "", ""]
    gaps = [None if own is None or rev is None else float(rounded(rev - own, 2)) for own, rev in scores]
    columns = [[own for own, _ in scores], [rev for _, rev in scores], gaps]
    if len(scores) == 1:
        return ["" if c[0] is None else c[0] for c in columns]
    return ["；".join("—" if v is None else rounded(v, 2) for v in c) for c in columns]


def to_csv(items: Sequence[CheckedFile], sheet: str = "findings") -> bytes:
    """One sheet (``findings`` or ``submissions``) as CSV for Excel: UTF-8 with a BOM (Excel reads it
    as UTF-8 only then), CRLF rows, and a text that starts like a formula prefixed with ``'`` — a CSV
    has no cell types, so the prefix is the only way to keep Excel from evaluating it."""
    import csv

    columns, data = ((FINDING_COLUMNS, finding_rows(items)) if sheet == "findings"
                     else (SUMMARY_COLUMNS, submission_rows(items)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in columns])
    for row in data:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# What a spreadsheet program would take as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell Excel shows as it was typed: None is empty, a text that starts like a formula gets
    a leading ``'`` (every CSV a reviewer downloads goes through here)."""
    if value is None:
        return ""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _as_text(cells) -> None:
    """Whatever a unit typed stays text: openpyxl stores a string that starts with "=" as a formula, so
    a project named ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` would run on the reviewer's machine."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"

