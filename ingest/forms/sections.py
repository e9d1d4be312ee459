"""Narrative reports (自评报告) become :class:`Section` s by their headings.

Readers set ``heading_level`` on paragraphs (Word heading styles or Chinese numbering
一、 （一） 1. （1）). A section is one heading with the body text under it, up to the next
heading; its ``path`` is the chain of headings above it, so a chunk can say where it came from
(二、绩效目标完成情况 > （一）产出指标完成情况). Text before the first heading (title, addressee)
is kept as a preamble section with an empty path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.model import Location, Section
from ingest.document import Document, Paragraph
from ingest.readers.headings import split_heading

_REPORT_TITLE = re.compile(r"(报告|自评|情况说明)")
_TITLE_PARTS = re.compile(r"^(?P<unit>.+?)(?P<year>20\d{2})\s*年度?(?P<rest>.*)$")


@dataclass
class ReportHeader:
    title: str | None = None
    unit: str | None = None
    year: int | None = None
    project: str | None = None


def build_sections(doc: Document) -> list[Section]:
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    current: Section | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            current.text = "\n".join(body).strip()
            sections.append(current)

    for para in doc.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        if para.heading_level is not None:
            close()
            # A run-in heading ("1、项目绩效目标。在编制…") keeps its title in the path and
            # its sentence in the body.
            split = split_heading(text)
            title, run_in = (split[1], split[2]) if split else (text, "")
            body = [run_in] if run_in else []
            path = [(lvl, t) for lvl, t in path if lvl < para.heading_level]
            path.append((para.heading_level, title))
            current = Section(path=[t for _, t in path], level=len(path), text="",
                              location=_loc(doc, para))
        else:
            if current is None:
                current = Section(path=[], level=0, text="", location=_loc(doc, para))
            body.append(text)
    close()
    return [s for s in sections if s.text or s.path]


def _loc(doc: Document, para: Paragraph) -> Location:
    return para.location(file=doc.name)


def report_header(doc: Document) -> ReportHeader:
    """Title, unit, year and project of a report, read from its title line when it has one,
    e.g. 某县教育局2023年度学生资助项目绩效自评报告."""
    for para in doc.paragraphs[:5]:
        text = para.text.strip()
        if not text or not _REPORT_TITLE.search(text) or len(text) > 80:
            continue
        header = ReportHeader(title=text)
        match = _TITLE_PARTS.match(text)
        if match:
            header.unit = match.group("unit").strip(" ：:") or None
            header.year = int(match.group("year"))
            rest = re.sub(r"(支出)?(绩效)?(自评|评价)?报告$", "", match.group("rest")).strip()
            header.project = rest or None
        return header
    return ReportHeader()
