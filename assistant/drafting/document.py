"""The draft as plain data: a list of :class:`Block` s plus the :class:`Fact` s they cite.

Both draft kinds (review comment, annual section) are built as blocks — title, headings,
paragraphs, numbered items, a trace table, issuer and date — so one renderer per format
(:func:`to_markdown`, :func:`to_json`, :mod:`assistant.drafting.word`) serves both. A block's
``key`` is stable across rebuilds (``problem:<finding id>``, ``theme:<theme id>``), which is what
a reviewer's text edit is attached to; ``cites`` names the facts (finding ids, statistic figure
keys, ``submission:<id>``, ``context:*``) whose numbers the block may use.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from assistant.drafting.numbers import number_set, unsupported_numbers

BlockKind = Literal["title", "subtitle", "addressee", "heading1", "heading2", "para", "item", "closing",
                    "issuer", "date", "note", "table", "docno", "cc"]
DraftKind = Literal["review", "annual"]

_SPACES = re.compile(r"(?<![A-Za-z0-9.]) +| +(?![A-Za-z0-9])")


def tidy(text: str | None) -> str:
    """Checker messages space numbers out (``得 2 分``, ``5070人 是``); formal Chinese does not.
    A space stays only between two ASCII words or numbers (``1 2`` must not become ``12``)."""
    return _SPACES.sub("", text or "")


# blocks whose text is a claim (checked against its facts, offered to the LLM for polishing)
CLAIM_KINDS = ("para", "item", "note")


@dataclass
class Block:
    kind: str
    text: str = ""
    key: str = ""
    cites: list[str] = field(default_factory=list)
    role: str | None = None  # conclusion | problem | statistics | theme | measure | standing_measure | trace …
    answers: list[str] = field(default_factory=list)  # a measure: the theme ids it answers
    rows: list[list[str]] | None = None  # a table: header row first
    id_columns: list[int] = field(default_factory=list)  # table columns holding ids (not figures)
    edited: bool = False
    edited_by: str | None = None
    polished: bool = False

    def cells_for_numbers(self) -> str:
        """The text whose numbers count as claims (a table: its non-id cells)."""
        if self.rows is None:
            return self.text
        return "\n".join("　".join(c for i, c in enumerate(r) if i not in self.id_columns) for r in self.rows[1:])


@dataclass
class Fact:
    """Something a block may cite: a statistic, a finding, a submission's header, the year."""

    ref: str
    kind: str  # figure | finding | submission | context | rule
    text: str
    submissions: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def numbers(self) -> set[str]:
        return number_set([self.text])


@dataclass
class Draft:
    kind: str
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # guard notes, warnings

    # lookups -------------------------------------------------------------------------------------

    def block(self, key: str) -> Block:
        return next(b for b in self.blocks if b.key == key)

    def blocks_with(self, role: str) -> list[Block]:
        return [b for b in self.blocks if b.role == role]

    def allowed_numbers(self, block: Block) -> set[str]:
        """The numbers ``block`` may use: those of the facts it cites and of the context facts."""
        refs = set(block.cites) | {r for r in self.facts if r.startswith("context:")}
        return set().union(*(self.facts[r].numbers() for r in refs if r in self.facts))

    def unsupported(self) -> dict[str, list[str]]:
        """Block key → numbers not found in the facts it cites (empty when faithful)."""
        out = {}
        for b in self.blocks:
            bad = unsupported_numbers(b.cells_for_numbers(), self.allowed_numbers(b))
            if bad:
                out[b.key or b.text[:20]] = bad
        return out

    def cited_findings(self) -> set[str]:
        return {r for b in self.blocks for r in b.cites if self.facts.get(r) and self.facts[r].kind == "finding"}

    def apply_edits(self, edits: dict[str, str], editor: str | None = None) -> None:
        """Replace the text of the blocks a reviewer edited (keys not present are kept for later)."""
        for b in self.blocks:
            if b.key in edits:
                b.text, b.edited, b.edited_by = edits[b.key], True, editor or b.edited_by

    # plain forms ---------------------------------------------------------------------------------

    def text(self) -> str:
        lines = []
        for b in self.blocks:
            if b.rows is not None:
                lines += ["\t".join(r) for r in b.rows]
            elif b.text:
                lines.append(b.text)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "title": self.title,
                "blocks": [asdict(b) for b in self.blocks],
                "facts": {k: asdict(f) for k, f in self.facts.items()},
                "meta": self.meta, "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        return cls(kind=data["kind"], key=data["key"], title=data["title"],
                   blocks=[Block(**b) for b in data.get("blocks", [])],
                   facts={k: Fact(**f) for k, f in (data.get("facts") or {}).items()},
                   meta=dict(data.get("meta") or {}), notes=list(data.get("notes") or []))


# --- renderers ----------------------------------------------------------------------------------

def to_json(draft: Draft) -> str:
    return json.dumps(draft.to_dict(), ensure_ascii=False, indent=2)


def _md_cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", "<br>")


def to_markdown(draft: Draft) -> str:
    out: list[str] = []
    for b in draft.blocks:
        if b.kind == "title":
            out += [f"# {b.text}", ""]
        elif b.kind == "subtitle":
            out += [f"<p align=\"center\">{b.text}</p>", ""]
        elif b.kind == "heading1":
            out += [f"## {b.text}", ""]
        elif b.kind == "heading2":
            out += [f"### {b.text}", ""]
        elif b.kind == "docno":
            out += [f"<p align=\"center\">{b.text}</p>", ""]
        elif b.kind in ("issuer", "date"):
            out += [f"<p align=\"right\">{b.text}</p>", ""]
        elif b.kind == "note":
            out += [f"> {b.text}", ""]
        elif b.kind == "table" and b.rows:
            if b.text:
                out += [f"**{b.text}**", ""]
            out.append("| " + " | ".join(_md_cell(c) for c in b.rows[0]) + " |")
            out.append("| " + " | ".join("---" for _ in b.rows[0]) + " |")
            out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in b.rows[1:]]
            out.append("")
        elif b.text:
            out += [b.text, ""]
    return "\n".join(out).rstrip() + "\n"
