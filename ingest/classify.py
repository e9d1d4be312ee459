"""What kind of document a file is, decided at reading time: 自评表, 自评报告, 绩效目标申报表,
绩效监控表 or 其他, with a confidence and the reason in Chinese.

Only self-evaluations are checked. A 绩效目标申报表 or 绩效监控表 has the same indicator grid as a
自评表, and a letter or a "hello" text has paragraphs like a report, so the recogniser's output
alone cannot tell them apart; the title, the table's columns, the report's headings and how
much of the text is budget-performance vocabulary can (cues in ``doc_types.yaml``):

1. a title cue of a non-self-evaluation form (申报表, 监控表) wins unless a 自评 title is there too;
2. a recognised form (indicators with scores, or funds) is a 自评表 — a 自评报告 when the file
   is mostly a report with headings (a report with its table attached);
3. numbered sections under report headings with the domain's vocabulary make a 自评报告;
4. anything else is 其他: stored and searchable, never checked as a form.

The confidence is a plain score of how many independent signals agree, not a probability.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.model import DocumentType, Submission
from ingest.document import Document, Paragraph, Table

CUES_FILE = Path(__file__).with_name("doc_types.yaml")
TITLE_LINES = 6  # paragraphs / first-table rows that count as the title area
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _TypeCues:
    code: str
    name: str
    checked: bool
    title: tuple[str, ...]
    columns: tuple[str, ...]
    headings: tuple[str, ...]


@lru_cache(maxsize=1)
def _cues() -> tuple[dict[str, _TypeCues], tuple[str, ...]]:
    raw = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    types = {code: _TypeCues(code, t["name"], bool(t["checked"]), tuple(t.get("title", ())),
                             tuple(t.get("columns", ())), tuple(t.get("headings", ())))
             for code, t in raw["types"].items()}
    return types, tuple(raw["vocabulary"])


def type_name(code: str | None) -> str:
    """The Chinese name of a type code (``evaluation_table`` → ``自评表``)."""
    types, _ = _cues()
    return types[code].name if code in types else "未分类"


def is_checked(code: str | None) -> bool:
    """Whether files of this type are checked as self-evaluations (unclassified old records are)."""
    types, _ = _cues()
    return code is None or code not in types or types[code].checked


def classify(doc: Document, sub: Submission) -> DocumentType:
    types, vocabulary = _cues()
    title = _squash(" ".join(_title_lines(doc)))
    tables = _squash(" ".join(c.text for t in doc.tables for row in t.rows for c in row if not c.merged))
    text = _squash(doc.text)

    def found(cues: tuple[str, ...], where: str) -> list[str]:
        return [c for c in cues if c in where]

    ev_title = found(types["evaluation_table"].title, title)
    rpt_title = found(types["evaluation_report"].title, title)
    self_eval_title = ev_title or rpt_title or "自评" in title
    for code in ("goal_form", "monitoring_form"):
        cue = found(types[code].title, title)
        if cue and not self_eval_title:
            cols = found(types[code].columns, tables)
            return _result(types[code], 0.8 + 0.1 * bool(cols),
                           f"标题含“{cue[0]}”" + (f"，表格有“{cols[0]}”列" if cols else ""))

    has_form = any(ev.indicators or ev.funds.rows for ev in sub.evaluations)
    headed = [s for s in sub.sections if s.path]
    headings = {h for s in headed for h in types["evaluation_report"].headings if h in _squash(s.path[0])}
    words = sum(text.count(w) for w in vocabulary)
    density = words / max(1, len(text)) * 100  # domain words per 100 characters

    if has_form:
        cols = found(types["evaluation_table"].columns, tables)
        narrative = sum(len(s.text) for s in headed)
        if (rpt_title or len(headings) >= 2) and narrative > len(tables):
            return _result(types["evaluation_report"], 0.9, "自评报告正文（附自评表）："
                           + (f"标题含“{rpt_title[0]}”" if rpt_title else f"有{len(headings)}个报告章节"))
        score = 0.7 + 0.15 * bool(ev_title) + 0.1 * bool(cols)
        reason = "识别出自评表（指标或资金表）" + (f"，标题含“{ev_title[0]}”" if ev_title else "") \
            + (f"，有“{cols[0]}”列" if cols else "")
        return _result(types["evaluation_table"], score, reason)

    if headed and (rpt_title or headings) and density >= 1.0:
        score = 0.5 + 0.25 * bool(rpt_title) + 0.05 * min(4, len(headings)) + 0.05 * (density >= 3)
        reason = (f"标题含“{rpt_title[0]}”，" if rpt_title else "") + f"有{len(headings)}个报告章节，" \
            f"每百字含绩效用语{density:.1f}个"
        return _result(types["evaluation_report"], score, reason)

    if density < 1.0:
        return _result(types["other"], 0.9, f"几乎不含预算绩效用语（每百字{density:.1f}个），不是自评材料")
    return _result(types["other"], 0.6, "未识别出自评表，也没有自评报告的标题或章节")


def _result(cues: _TypeCues, confidence: float, reason: str) -> DocumentType:
    return DocumentType(code=cues.code, name=cues.name, confidence=round(min(confidence, 0.99), 2), reason=reason,
                        checked=cues.checked)


def _title_lines(doc: Document) -> list[str]:
    out: list[str] = []
    for block in doc.blocks[:TITLE_LINES]:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Table):
            if block.sheet:
                out.append(block.sheet)
            out.extend(" ".join(c.text for c in row if not c.merged) for row in block.rows[:3])
    return out


def _squash(text: str) -> str:
    return _SPACE.sub("", text)
