"""Structural and faithfulness checks of a draft (used by tests, the CLI's warnings and the eval).

:func:`check_draft` answers, for one draft:

* numbers — how many numbers the claim blocks hold and which ones are not in the facts their
  block cites (``facts`` defaults to the draft's own; the eval passes facts recomputed from the
  records instead);
* problems — every problem (a review's numbered item, an annual theme paragraph) cites at least
  one finding;
* measures — every theme measure answers a theme stated in section 四;
* themes — no theme paragraph without findings behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.drafting.document import Draft
from assistant.drafting.numbers import extract_numbers, unsupported_numbers

__all__ = ["DraftCheck", "check_draft"]


@dataclass
class DraftCheck:
    key: str
    numbers: int = 0
    unsupported: dict[str, list[str]] = field(default_factory=dict)
    problems: int = 0
    problems_citing: int = 0
    measures: int = 0
    measures_answering: int = 0
    themes_without_data: list[str] = field(default_factory=list)

    @property
    def unsupported_count(self) -> int:
        return sum(len(v) for v in self.unsupported.values())

    @property
    def ok(self) -> bool:
        return (not self.unsupported and self.problems_citing == self.problems
                and self.measures_answering == self.measures and not self.themes_without_data)


def check_draft(draft: Draft, allowed_for: Callable[[list[str]], set[str]] | None = None) -> DraftCheck:
    """Check ``draft``; ``allowed_for(cites)`` gives the numbers a block citing ``cites`` may use
    (default: the draft's own facts, plus its context facts)."""
    out = DraftCheck(draft.key)
    finding_refs = {r for r, f in draft.facts.items() if f.kind == "finding"}
    stated = {a for b in draft.blocks if b.role == "theme" for a in b.answers}
    for b in draft.blocks:
        text = b.cells_for_numbers()
        if not text:
            continue
        found = extract_numbers(text)
        out.numbers += len(found)
        if found:
            allowed = allowed_for(b.cites) if allowed_for else draft.allowed_numbers(b)
            bad = unsupported_numbers(text, allowed)
            if bad:
                out.unsupported[b.key] = bad
        if b.role in ("problem", "theme"):
            out.problems += 1
            cites = [c for c in b.cites if c in finding_refs]
            out.problems_citing += bool(cites)
            if b.role == "theme" and not cites:
                out.themes_without_data.append(b.key)
        if b.role == "measure":
            out.measures += 1
            out.measures_answering += bool(b.answers) and set(b.answers) <= stated
    return out
