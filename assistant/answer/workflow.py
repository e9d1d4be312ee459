"""Workflow questions that are not one typed query: a defect no rule checks (照抄上年目标), and
what one version of a submission no longer has that an earlier one had (第二版比第一版少了哪些问题).

The parser marks them with a note (:data:`~assistant.answer.parsing.workflow.NO_RULE_NOTE`,
:data:`~assistant.answer.parsing.workflow.VERSION_DIFF_NOTE`); the answer's rows are finding rows,
as a findings query shows them, and 误报 findings are not counted as problems solved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.answer.parser import Parsed
from assistant.answer.parsing.workflow import NO_RULE_NOTE, VERSION_DIFF_NOTE
from assistant.answer.prompts import text
from assistant.answer.types import Option
from assistant.answer.words import SEVERITY_WORDS
from assistant.checker.registry import all_rules
from assistant.model import Finding
from assistant.retrieval.gazetteer import Gazetteer
from assistant.review.versions import diff_versions
from assistant.stores.records import RecordStore
from assistant.stores.versions import VersionLink, VersionStore

__all__ = ["WorkflowReply", "no_rule_reply", "version_diff_reply", "workflow_reply"]

NEAR_RULES = 3  # rules offered next to a defect no rule checks


@dataclass
class WorkflowReply:
    lines: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    query_in_words: str | None = None
    found: bool = True


def _near_rules(phrase: str) -> list[tuple[str, str]]:
    """The rules whose titles share the most characters with ``phrase`` (照抄, 目标…)."""
    chars = set(phrase) - set("了的")
    scored = sorted(((len(chars & set(r.title)), r.code, r.title) for r in all_rules()), key=lambda x: (-x[0], x[1]))
    return [(code, title) for score, code, title in scored[:NEAR_RULES] if score >= 2]


def no_rule_reply(phrase: str, question: str) -> WorkflowReply:
    """No rule checks ``phrase``: say so, offer the nearest rules as questions (chips)."""
    near = _near_rules(phrase)
    lines = [text("no_rule", phrase=phrase)]
    options = []
    if near:
        lines.append(text("no_rule_near", rules="、".join(f"{title}（{code}）" for code, title in near)))
        options = [Option(label=title, question=question.replace(phrase, code, 1) if phrase in question
                          else f"哪些单位有{code}问题？") for code, title in near]
    return WorkflowReply(lines=lines, options=options, found=False)


def _finding_row(f: Finding, link: VersionLink, about: dict[str, Any]) -> dict[str, Any]:
    return {"submission_id": f.submission_id, "file": link.file_name, "unit": about.get("unit"),
            "project": about.get("project"), "year": about.get("year"), "rule": f.rule, "severity": f.severity,
            "message": f.message, "finding_id": f.id, "version": link.number}


def _series_with(records: RecordStore, candidates: list[str], new: int, old: int) -> list[tuple[VersionLink, VersionLink]]:
    versions = VersionStore(records)
    seen: set[str] = set()
    pairs = []
    for sid in candidates:
        chain = versions.series(sid)
        if not chain or chain[0].series_id in seen:
            continue
        seen.add(chain[0].series_id)
        by_number = {link.number: link for link in chain}
        if new in by_number and old in by_number:
            pairs.append((by_number[new], by_number[old]))
    return pairs


def _about(records: RecordStore, sid: str) -> dict[str, Any]:
    sub = records.get_submission(sid)
    if sub is None:
        return {}
    ev = sub.evaluations[0] if sub.evaluations else None
    return {"unit": sub.unit or (ev.impl_unit or ev.department if ev else None),
            "project": ev.project_name if ev else None, "year": sub.year or (ev.year if ev else None)}


def version_diff_reply(records: RecordStore, gaz: Gazetteer, parsed: Parsed, question: str, new: int, old: int,
                       subject_submission: str | None) -> WorkflowReply:
    """The findings version ``old`` had and version ``new`` has no more, of the one series the
    question (or the conversation) is about; several: ask back; none: say so."""
    if parsed.units or parsed.projects:
        candidates = gaz.submissions_about(parsed.units or list(gaz.units), parsed.projects)
    elif subject_submission:
        candidates = [subject_submission]
    else:
        candidates = sorted({sid for ids in gaz.unit_submissions.values() for sid in ids})
    pairs = _series_with(records, candidates, new, old)
    about_words = "（" + "、".join(parsed.units + parsed.projects) + "）" if parsed.units or parsed.projects else ""
    if not pairs:
        return WorkflowReply(lines=[text("version_none", new=new, old=old, about=about_words)], found=False)
    if len(pairs) > 1:
        options = []
        for new_link, _ in pairs:
            a = _about(records, new_link.submission_id)
            name = f"{a.get('unit') or ''}{a.get('project') or ''}"
            options.append(Option(label=name or (new_link.file_name or new_link.submission_id),
                                  question=f"{name}{question}" if name else question))
        return WorkflowReply(lines=[text("ask_back_series", new=new, old=old)], options=options, found=False)
    new_link, old_link = pairs[0]
    diff = diff_versions(records, new_link.submission_id, old_link.submission_id)
    gone = [f for f in diff.resolved if f.decision != "false_positive"]
    a = _about(records, old_link.submission_id)
    name = f"{a.get('unit') or ''}「{a.get('project') or old_link.file_name or ''}」"
    rows = [_finding_row(f, old_link, a) for f in gone]
    words = (f"比较{name}第{new}版与第{old}版的审核发现（不含误报），列出第{old}版有、第{new}版已不再出现的问题。")
    if not gone:
        return WorkflowReply(lines=[text("version_diff_none", name=name, new=new, old=old)], rows=[],
                             query_in_words=words)
    lines = [text("version_diff", name=name, new=new, old=old, n=len(gone))]
    lines += [f"{i}. [{r['rule']}]（{SEVERITY_WORDS.get(r['severity'], r['severity'])}）{r['message']}"
              for i, r in enumerate(rows, start=1)]
    return WorkflowReply(lines=lines, rows=rows, query_in_words=words)


def workflow_reply(records: RecordStore, gaz: Gazetteer, parsed: Parsed, question: str,
                   subject_submission: str | None) -> WorkflowReply | None:
    """The reply a workflow note asks for, or None when the question is an ordinary one."""
    for note in parsed.notes:
        if note.startswith(VERSION_DIFF_NOTE):
            new, old = (int(x) for x in note[len(VERSION_DIFF_NOTE):].split(","))
            return version_diff_reply(records, gaz, parsed, question, new, old, subject_submission)
        if note.startswith(NO_RULE_NOTE):
            return no_rule_reply(note[len(NO_RULE_NOTE):], question)
    return None
