"""An independent check of a draft against the records store: every number and every name.

The drafting module checks its own drafts (``check_draft``: each block's numbers among the facts it
cites, the facts computed by the product's statistics). This check shares none of that code: it
reads the draft's text with :mod:`eval.compare`, and the records store's submissions and findings
as plain data, and asks of every number whether the records explain it —

* **recorded**: the number is in a stored submission or finding of the draft's scope (any field,
  any text: an amount, a score, a count in a finding message, a 1-based table/row/column);
* **derived**: it is a count, sum, mean or percentage computed here from those records (projects,
  materials, units, findings by severity / rule family / rule, grades, execution-rate bands; fund
  amounts in 万元; shares ``a / b`` of any two counts, rounded as the draft rounds);
* **template**: it is written in the drafting templates' data (prompts/drafting/*.yaml, *.j2 —
  thresholds, rule numbers), or it is the draft's year;

and whether every project name in quotes (“…”项目) and every unit name it writes is a stored one.
A number or name with no explanation is **unexplained**: invented, stale or computed in a way the
records do not support. List markers (``1、``) are not claims.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import yaml

from eval.compare import norm_spaced, norm_text

TEMPLATES = Path(__file__).resolve().parents[1] / "prompts" / "drafting"
TO_WAN = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}
# Domain bands a statistic is grouped by (the official grade bands 优/良/中/差 at 90/80/60 points,
# execution-rate bands at 100/90/80 %): numbers a draft may name as bounds.
BANDS = frozenset({100.0, 90.0, 80.0, 60.0})
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
_ORDINAL = re.compile(r"^\s*\d+[、.．]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PROJECT = re.compile(r"“([^”]{2,60})”(?:项目|$)")
# A unit written out: a county/city/district body ending in an office word (临渊县农业农村局).
_UNIT = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:省|市|县|区|旗)[\u4e00-\u9fff]{1,16}?(?:局|委员会|委|办公室|办|中心|院|站|所|馆|队)")
CLAIM_KINDS = ("para", "item", "note", "table")
_EVALUATION = re.compile(r"evaluations\[(\d+)\]")


def numbers_of(text: str) -> list[float]:
    t = _ORDINAL.sub("", norm_spaced(text))
    return [float(m.group()) for m in _NUMBER.finditer(_THOUSANDS.sub("", t))]


def _decimals(x: float) -> int:
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return len(s.split(".")[1]) if "." in s else 0


def explained(x: float, pool: Iterable[float]) -> bool:
    """``x`` as the draft writes it is one of ``pool`` rounded the same way (98.46 ← 98.4567)."""
    d = _decimals(x)
    return any(abs(round(p, d) - x) < 10 ** -(d + 1) or abs(p - x) < 1e-9 for p in pool)


def _walk(obj: Any) -> Iterator[Any]:
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _walk(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _walk(v)
    else:
        yield obj


def recorded_numbers(data: Any) -> set[float]:
    """Every number of a record's plain data: numeric fields, the numbers in its texts, and each
    integer + 1 (a location's 0-based table/row/column as a reader counts it)."""
    out: set[float] = set()
    for v in _walk(data):
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, (int, float)):
            out.add(float(v))
            if isinstance(v, int):
                out.add(float(v + 1))
        elif isinstance(v, str):
            out.update(float(m.group()) for m in _NUMBER.finditer(_THOUSANDS.sub("", norm_spaced(v))))
    return out


def template_numbers(folder: Path = TEMPLATES) -> set[float]:
    out: set[float] = set()
    for p in sorted(folder.glob("*")):
        if p.suffix in (".yaml", ".yml", ".j2"):
            out |= recorded_numbers(p.read_text(encoding="utf-8"))
    return out


def _rate(ev: dict[str, Any]) -> float | None:
    """A project's execution rate: as stated, else 全年执行数 / 全年预算数 of its total row."""
    funds = ev.get("funds") or {}
    stated = (funds.get("rate") or {}).get("number")
    if stated is not None:
        return float(stated)
    rows = funds.get("rows") or []
    total = next((r for r in rows if r.get("category") == "total"), rows[0] if len(rows) == 1 else None)
    if total and total.get("exec_amount") is not None and total.get("budget_full_year"):
        return 100.0 * total["exec_amount"] / total["budget_full_year"]
    return None


@dataclass
class Scope:
    """The records a draft is about: their plain data (``to_dict``) and the findings on them."""

    submissions: list[dict[str, Any]]
    findings: list[dict[str, Any]]

    def projects(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [(s, ev) for s in self.submissions for ev in s.get("evaluations") or [] if ev.get("kind") == "project"]

    def counts(self) -> set[float]:
        subs, finds, projects = self.submissions, self.findings, self.projects()
        c: list[float] = [len(subs), len(finds), len(projects),
                          sum(len(s.get("evaluations") or []) for s in subs)]
        c += Counter(s.get("kind") for s in subs).values()
        c += Counter(ev.get("kind") for s in subs for ev in s.get("evaluations") or []).values()
        units = {s.get("unit") for s in subs if s.get("unit")}
        c += [len(units), len({s.get("department") for s in subs if s.get("department")})]
        for key in ("severity", "rule"):
            c += Counter(f.get(key) for f in finds).values()
        c += Counter((f.get("rule") or "").split("-")[0] for f in finds).values()
        c += Counter((f.get("rule") or "").rsplit("-", 1)[0] for f in finds).values()
        with_findings = {f.get("submission_id") for f in finds}
        c.append(len(with_findings))
        c += Counter(s.get("unit") for s in subs if s.get("id") in with_findings).values()
        c += Counter((s.get("unit"), f.get("severity")) for f in finds for s in subs if s.get("id") == f.get("submission_id")).values()
        by_unit = Counter(s.get("unit") for f in finds for s in subs if s.get("id") == f.get("submission_id"))
        c += by_unit.values()
        c += Counter(ev.get("grade") for _, ev in projects).values()
        rates = [_rate(ev) for _, ev in projects]
        c += [sum(1 for r in rates if r is not None and lo <= r < hi) for lo, hi in
              ((100, 1e9), (90, 100), (80, 90), (0, 80), (-1e9, 80))]
        c += [sum(1 for _, ev in projects if ev.get("indicators")),
              sum(1 for _, ev in projects if ev.get("total_score") is not None)]
        return set(c) | {0.0}

    def amounts(self) -> set[float]:
        out: set[float] = set()
        for field_ in ("budget_initial", "budget_full_year", "exec_amount", "budget"):
            for filled_by in (None, "budget_full_year", "exec_amount"):
                rows = [(r, ev) for _, ev in self.projects() for r in (ev.get("funds") or {}).get("rows") or []]
                by_cat: dict[str, float] = {}
                for r, ev in rows:
                    # "budget": the full-year budget, or the initial one where that is blank
                    amount = r.get(field_) if field_ != "budget" else \
                        r.get("budget_full_year") if r.get("budget_full_year") is not None else r.get("budget_initial")
                    if amount is None or (filled_by and r.get(filled_by) is None):
                        continue
                    by_cat[r.get("category") or ""] = by_cat.get(r.get("category") or "", 0.0) + \
                        amount * TO_WAN.get((ev.get("funds") or {}).get("unit") or "万元", 1.0)
                out |= set(by_cat.values())
        return out | {0.0}

    def means(self) -> set[float]:
        scores = [ev["total_score"] for s in self.submissions for ev in s.get("evaluations") or []
                  if ev.get("total_score") is not None]
        out = {sum(scores) / len(scores)} if scores else set()
        proj = [ev["total_score"] for _, ev in self.projects() if ev.get("total_score") is not None]
        return out | ({sum(proj) / len(proj)} if proj else set())

    def groups(self) -> list[Scope]:
        """The materials with findings of one rule family, or of one problem theme (the themes'
        rule lists are data: prompts/drafting/themes.yaml, first matching theme wins)."""
        themes = [(t["id"], t.get("rules") or []) for t in
                  (yaml.safe_load((TEMPLATES / "themes.yaml").read_text(encoding="utf-8")) or {}).get("themes", [])]

        def theme(rule: str) -> str:
            return next((tid for tid, pats in themes if any(fnmatch.fnmatch(rule, pat) for pat in pats)), "")

        keys: dict[str, list[dict[str, Any]]] = {}
        for f in self.findings:
            rule = f.get("rule") or ""
            for k in ("family:" + rule.split("-")[0], "theme:" + theme(rule)):
                keys.setdefault(k, []).append(f)
        return [Scope(self._flagged(finds), finds) for finds in keys.values()]

    def _flagged(self, finds: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The submissions of ``finds``, each with only the evaluations a finding points at
        (``evaluations[1].funds…``: the second project of a file); all of them when one does not."""
        out = []
        for s in self.submissions:
            mine = [f for f in finds if f.get("submission_id") == s.get("id")]
            if not mine:
                continue
            where = [_EVALUATION.match(((f.get("location") or {}).get("field")) or "") for f in mine]
            if all(where):
                keep = {int(m.group(1)) for m in where if m}
                s = {**s, "evaluations": [ev for i, ev in enumerate(s.get("evaluations") or []) if i in keep]}
            out.append(s)
        return out

    def derived(self) -> set[float]:
        groups = self.groups()
        counts = self.counts().union(*(g.counts() for g in groups))
        amounts = self.amounts().union(*(g.amounts() for g in groups))
        # shares of one count in another (占75%), and of one amount in another (执行率), capped
        # at 100 as a rate is written
        shares = {100.0 * a / b for a, b in product(counts, repeat=2) if b and 0 <= a <= b}
        rates = {min(100.0, 100.0 * a / b) for a, b in product(amounts, repeat=2) if b}
        return counts | amounts | self.means() | shares | rates

    def names(self) -> tuple[set[str], set[str]]:
        units = {norm_text(n) for s in self.submissions for n in
                 [s.get("unit"), s.get("department")] + [x for ev in s.get("evaluations") or []
                                                          for x in (ev.get("department"), ev.get("impl_unit"))] if n}
        projects = {norm_text(ev.get("project_name")) for s in self.submissions for ev in s.get("evaluations") or []
                    if ev.get("project_name")}
        return units, projects


@dataclass
class Faithfulness:
    numbers: int = 0
    recorded: int = 0
    derived: int = 0
    template: int = 0
    names: int = 0
    names_found: int = 0
    unexplained: list[dict[str, Any]] = field(default_factory=list)

    @property
    def explained(self) -> int:
        return self.recorded + self.derived + self.template

    def add(self, other: Faithfulness) -> None:
        for k in ("numbers", "recorded", "derived", "template", "names", "names_found"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.unexplained += other.unexplained

    def to_dict(self) -> dict[str, Any]:
        return {"numbers": self.numbers, "explained": self.explained, "recorded": self.recorded,
                "derived": self.derived, "template": self.template, "names": self.names,
                "names_found": self.names_found, "unexplained": self.unexplained[:40]}


def check_text(blocks: Iterable[tuple[str, str]], scope: Scope, context: set[float],
               templates: set[float]) -> Faithfulness:
    """``blocks``: (key, text) of a draft's claims; ``context``: the draft's year(s)."""
    out = Faithfulness()
    recorded = recorded_numbers(scope.submissions) | recorded_numbers(scope.findings) | context
    derived = scope.derived()
    units, projects = scope.names()
    for key, text in blocks:
        for x in numbers_of(text):
            out.numbers += 1
            if explained(x, recorded):
                out.recorded += 1
            elif explained(x, derived):
                out.derived += 1
            elif explained(x, templates | BANDS):
                out.template += 1
            else:
                out.unexplained.append({"block": key, "number": x, "text": text[:80]})
        t = norm_text(text)
        for name in _PROJECT.findall(t):
            out.names += 1
            ok = name in projects or any(name in p or p in name for p in projects)
            out.names_found += ok
            if not ok:
                out.unexplained.append({"block": key, "name": name, "text": text[:80]})
        for name in _UNIT.findall(t):
            out.names += 1
            ok = any(name == u or name in u or u in name for u in units)
            out.names_found += ok
            if not ok:
                out.unexplained.append({"block": key, "name": name, "text": text[:80]})
    return out


def claim_blocks(draft_dict: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, text) of every block that states something (paragraphs, items, notes, table cells)."""
    out = []
    for b in draft_dict.get("blocks") or []:
        if b.get("kind") not in CLAIM_KINDS:
            continue
        if b.get("rows"):
            ids = set(b.get("id_columns") or [])
            text = "\n".join("　".join(c for i, c in enumerate(r) if i not in ids) for r in b["rows"][1:])
        else:
            text = b.get("text") or ""
        out.append((b.get("key") or text[:20], text))
    return out
