"""The glossary of look-alike terms (``terms.yaml``): which field a question's term is.

预算执行率, 政府采购执行率 and 资金到位率 all end in 率; 年初预算, 全年预算 and 预算调整数 all say
预算; 自评得分 and 复核得分 both say 得分. A question's term is its longest spelling found, so a
term is never read as the shorter one inside it. A term whose ``field`` is null is not in the
records: the answer says so, and looks in the documents only for that term's own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

__all__ = ["TERMS_FILE", "Term", "find_terms", "terms"]

TERMS_FILE = Path(__file__).with_name("terms.yaml")


@dataclass(frozen=True)
class Term:
    term: str
    field: str | None  # the records field; None: the records do not hold it
    label: str  # as the forms print it
    spellings: tuple[str, ...]
    not_: tuple[str, ...] = ()  # the neighbours it must not be answered with
    gap_rules: tuple[str, ...] = ()  # rules whose findings report it missing from a form
    gap_fields: tuple[str, ...] = ()  # field paths a finding's location names for it

    @property
    def in_records(self) -> bool:
        return self.field is not None


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    data = yaml.load(TERMS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return tuple(Term(term=t["term"], field=t.get("field"), label=t.get("label") or t["term"],
                      spellings=tuple(t["spellings"]), not_=tuple(t.get("not") or ()),
                      gap_rules=tuple((t.get("gaps") or {}).get("rules") or ()),
                      gap_fields=tuple((t.get("gaps") or {}).get("fields") or ())) for t in data["terms"])


@lru_cache(maxsize=1)
def _spellings() -> tuple[tuple[str, Term], ...]:
    return tuple(sorted(((s, t) for t in terms() for s in t.spellings), key=lambda st: -len(st[0])))


def find_terms(text: str) -> list[Term]:
    """The glossary terms ``text`` names, in reading order; a span is read once, by its longest
    spelling (政府采购执行率 is 政府采购执行率, not 执行率)."""
    taken: list[tuple[int, int, Term]] = []
    for spelling, term in _spellings():
        start = text.find(spelling)
        while start >= 0:
            end = start + len(spelling)
            if not any(s < end and start < e for s, e, _ in taken):
                taken.append((start, end, term))
            start = text.find(spelling, end)
    out: list[Term] = []
    for _, _, term in sorted(taken, key=lambda x: x[0]):
        if term not in out:
            out.append(term)
    return out
