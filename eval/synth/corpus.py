"""The corpus: plan the files, build and mutate their evaluations, render them, write labels.

For each file the planner picks a kind, a layout, a submitting unit and (for about two thirds
of the files) one to three rules to plant, drawing rules from shuffled decks so that every
rule comes up before any repeats. Reports are paired with a table file of the same unit and
project and describe that table's clean evaluation.

A file is kept only when :func:`eval.synth.oracle.check` on its expected submission finds
exactly the planted (rule, field) pairs (plus the declared co-defects); otherwise the file is
rebuilt from a new seeded stream, and after a few failures its last rule is dropped
(``CorpusSummary.failed_plants`` counts those).

Each file ``{index:04d}_{kind}_{layout}.{ext}`` gets ``{stem}.labels.json``::

    {"file": …, "kind": …, "layout": …, "clean": bool,
     "expected": <Submission.to_dict(): what a perfect extractor reads, locations left empty>,
     "defects": [{"rule": "CALC-IND-001", "location": {"field": "evaluations[0].indicators[3].score"},
                  "note": "得分18应为16.00（分值×B/A）"}]}
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.model import Evaluation, FileInfo, Submission
from eval.synth import content as C
from eval.synth import oracle
from eval.synth.build import FAMILY_LAYOUTS, Who, make_draft
from eval.synth.cells import Style, choose_style
from eval.synth.defects import PLANTS, Plant, Planted, compatible, plant
from eval.synth.dept import DEPT_RULES, dept_evaluation, dept_grid, make_dept, plant_dept
from eval.synth.draft import Draft
from eval.synth.expected import evaluation
from eval.synth.layouts import project_grid
from eval.synth.render_docx import write_tables
from eval.synth.render_pdf import write_pdf
from eval.synth.render_report import write_report_docx, write_report_pdf
from eval.synth.render_scan import write_scan
from eval.synth.render_xlsx import write_sheet
from eval.synth.report import REPORT_RULES, make_report, plant_report, sections

KIND_SHARES = {"docx_table": 0.30, "xlsx_table": 0.15, "pdf_table": 0.20, "scanned_pdf": 0.10,
               "report_docx": 0.10, "report_pdf": 0.10, "dept_docx": 0.05}
TABLE_KINDS = ("docx_table", "xlsx_table", "pdf_table", "scanned_pdf")
LAYOUT_SHARES = {"mof": 0.45, "sichuan": 0.30, "municipal": 0.25}
# Form families (issue 21): this share of the table files each, whole files only, taken from the MOF
# ones by a stream of their own so the rest of the plan is the plan without them (a 12-file corpus has none).
FAMILY_SHARES = {"framework": 0.06, "noscore": 0.06}
EXT = {"docx_table": "docx", "xlsx_table": "xlsx", "pdf_table": "pdf", "scanned_pdf": "pdf",
       "report_docx": "docx", "report_pdf": "pdf", "dept_docx": "docx"}
ATTEMPTS = 12


@dataclass
class CorpusSummary:
    out_dir: str
    n_files: int = 0
    n_clean: int = 0
    files_per_kind: dict[str, int] = field(default_factory=dict)
    files_per_layout: dict[str, int] = field(default_factory=dict)
    defects_per_rule: dict[str, int] = field(default_factory=dict)
    failed_plants: int = 0  # rules dropped because no attempt planted them cleanly

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        lines = [f"{self.n_files} files in {self.out_dir}: {self.n_clean} clean, "
                 f"{self.n_files - self.n_clean} with defects ({sum(self.defects_per_rule.values())} defects, "
                 f"{len(self.defects_per_rule)} rules)"]
        lines.append("kinds:   " + ", ".join(f"{k} {v}" for k, v in self.files_per_kind.items()))
        lines.append("layouts: " + ", ".join(f"{k} {v}" for k, v in self.files_per_layout.items()))
        lines += [f"  {rule:<17} {count}" for rule, count in sorted(self.defects_per_rule.items())]
        if self.failed_plants:
            lines.append(f"dropped plants: {self.failed_plants}")
        return "\n".join(lines)


@dataclass
class FileSpec:
    index: int
    kind: str
    layout: str  # table layout; reports and 部门整体 get theirs when built
    who: Who
    rules: list[str]
    second: Who | None = None  # a second evaluation in the same docx
    pair: int | None = None  # reports: the table file they describe
    long: bool = False  # pdf_table over two pages


# --- planning ----------------------------------------------------------------------------------------


def _largest_remainders(shares: dict[str, float], n: int) -> dict[str, int]:
    raw = {k: n * s for k, s in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def _quota(shares: dict[str, float], n: int, rng: random.Random) -> list[str]:
    """``n`` labels in the given shares, shuffled."""
    out = [k for k, c in _largest_remainders(shares, n).items() for _ in range(c)]
    rng.shuffle(out)
    return out


def kind_counts(n: int) -> dict[str, int]:
    """Files per kind: largest remainders of ``n`` × share; every kind at least once from n = 10."""
    counts = _largest_remainders(KIND_SHARES, n)
    if n >= 10:
        for k in counts:
            while counts[k] == 0:
                donor = max(counts, key=counts.get)
                counts[donor] -= 1
                counts[k] += 1
    tables = sum(counts[k] for k in TABLE_KINDS)
    while counts["report_docx"] + counts["report_pdf"] > tables:
        k = "report_pdf" if counts["report_pdf"] >= counts["report_docx"] else "report_docx"
        counts[k] -= 1
        counts["docx_table"] += 1
        tables += 1
    return counts


class Deck:
    """Rules in shuffled rounds: every rule is drawn once before any is drawn again."""

    def __init__(self, rules: list[str], rng: random.Random):
        self.rules, self.rng, self.cards = list(dict.fromkeys(rules)), rng, []

    def draw(self, ok: Callable[[str], bool]) -> str | None:
        for _ in range(2):
            for k, rule in enumerate(self.cards):
                if ok(rule):
                    return self.cards.pop(k)
            fresh = list(self.rules)
            self.rng.shuffle(fresh)
            self.cards += fresh
        return None


def plant_for(rule: str, layout: str) -> Plant | None:
    return next((p for p in PLANTS if p.rule == rule and (p.layouts is None or layout in p.layouts)), None)


def _who(rng: random.Random, layout: str, sector: C.Sector | None = None, place: str | None = None,
         year: int | None = None, avoid: str | None = None) -> Who:
    sector = sector or rng.choice(C.SECTORS)
    projects = [p for p in sector.projects if p.name != avoid] or list(sector.projects)
    place = place or rng.choice(C.CITIES if layout == "municipal" else C.COUNTIES)
    return Who(sector, rng.choice(projects), place, rng.choice(C.TOWNS), year or rng.randint(2020, 2024))


def plan(n: int, seed: int) -> list[FileSpec]:
    rng = random.Random(f"ziping-synth:{seed}")
    kinds = [k for k, c in kind_counts(n).items() for _ in range(c)]
    rng.shuffle(kinds)
    clean = set(rng.sample(range(n), round(n / 3)))
    decks = {
        "table": Deck([p.rule for p in PLANTS], rng),
        "scan": Deck([p.rule for p in PLANTS if p.scan], rng),
        "report": Deck(list(REPORT_RULES), rng),
        "dept": Deck(list(DEPT_RULES), rng),
    }
    layouts = _quota(LAYOUT_SHARES, sum(1 for k in kinds if k in TABLE_KINDS), rng)
    specs: list[FileSpec] = []
    pdf_seen = 0
    for index, kind in enumerate(kinds):
        layout = layouts.pop() if kind in TABLE_KINDS else "mof"
        who = _who(rng, layout)
        spec = FileSpec(index, kind, layout, who, [])
        if kind == "docx_table" and rng.random() < 0.25:
            spec.second = _who(rng, layout, who.sector, who.place, who.year, avoid=who.project.name)
        if kind == "pdf_table":
            spec.long = pdf_seen % 4 == 0
            pdf_seen += 1
        if index not in clean:
            spec.rules = _draw_rules(rng, decks, spec)
        specs.append(spec)
    _family_layouts(specs, seed)
    tables = [s.index for s in specs if s.kind in TABLE_KINDS]
    unpaired = list(tables)
    rng.shuffle(unpaired)
    for spec in specs:
        if spec.kind.startswith("report"):
            spec.pair = unpaired.pop() if unpaired else rng.choice(tables)
    return specs


def _family_layouts(specs: list[FileSpec], seed: int) -> None:
    """Turn whole MOF table files into the two form families; their defect is the table itself, so
    they carry no other planted rule."""
    rng = random.Random(f"ziping-synth-families:{seed}")
    tables = [s for s in specs if s.kind in TABLE_KINDS]
    mof = [s for s in tables if s.layout == "mof"]
    for layout, share in FAMILY_SHARES.items():
        for spec in rng.sample(mof, min(int(len(tables) * share), len(mof))):
            mof.remove(spec)
            spec.layout, spec.rules = layout, []


def _draw_rules(rng: random.Random, decks: dict[str, Deck], spec: FileSpec) -> list[str]:
    wanted = rng.choices((1, 2, 3), (5, 3, 2))[0]
    if spec.kind.startswith("report"):
        deck, wanted = decks["report"], min(wanted, 2)
    elif spec.kind == "dept_docx":
        deck, wanted = decks["dept"], min(wanted, 2)
    else:
        deck = decks["scan" if spec.kind == "scanned_pdf" else "table"]
    rules: list[str] = []
    scan = spec.kind == "scanned_pdf"
    for _ in range(wanted):
        def ok(rule: str) -> bool:
            if rule in rules:
                return False
            if deck is decks["report"] or deck is decks["dept"]:
                return not (rule == "CALC-IND-005" and "MISSING-IND-001" in rules)
            chosen = [plant_for(r, spec.layout) for r in rules]
            new = plant_for(rule, spec.layout)
            return new is not None and compatible([*chosen, new], spec.layout, scan)  # type: ignore[list-item]
        rule = deck.draw(ok)
        if rule is not None:
            rules.append(rule)
    return rules


# --- building ------------------------------------------------------------------------------------------


@dataclass
class Built:
    data: bytes
    layout: str
    submission: Submission
    defects: list[Planted]
    pages: int | None = None
    base: Draft | None = None  # the clean first evaluation (tables), for the paired report


def _accepted(sub: Submission, planted: list[Planted], plants: list[Plant]) -> list[Planted] | None:
    """Planted + co-defects when the oracle agrees with them, else None."""
    hits = oracle.check(sub)
    want = {(p.rule, p.field) for p in planted}
    found = {(h.rule, h.field) for h in hits}
    co = set().union(*(p.co for p in plants)) if plants else set()
    extra = sorted(found - want)
    if not want <= found or any(rule not in co for rule, _ in extra):
        return None
    return planted + [Planted(rule, path, "随同植入缺陷出现") for rule, path in extra]


def _table_submission(evs: list[Evaluation]) -> Submission:
    first = evs[0]
    return Submission(kind="table", unit=first.impl_unit or first.department, department=first.department,
                      year=first.year, evaluations=evs)


def build_table(spec: FileSpec, seed: int, rules: list[str]) -> tuple[Built, list[str]] | None:
    plants = [p for p in (plant_for(r, spec.layout) for r in rules) if p is not None]
    needs = set().union(*(p.needs for p in plants)) if plants else set()
    scan = spec.kind == "scanned_pdf"
    n_max, n_min = (12, 0) if scan else (26, 20) if spec.long else (13, 0)
    whos = [spec.who] + ([spec.second] if spec.second else [])
    for attempt in range(ATTEMPTS):
        rng = random.Random(f"{seed}:{spec.index}:{attempt}")
        target = rng.randrange(len(whos)) if plants else 0
        drafts = [make_draft(rng, who, spec.layout, needs if e == target else set(), n_max=n_max, n_min=n_min)
                  for e, who in enumerate(whos)]
        base = copy.deepcopy(drafts[0])
        planted = plant(drafts[target], plants, rng, target) if plants else []
        if planted is None:
            continue
        planted += [_family_defect(spec.layout, e) for e in range(len(drafts)) if spec.layout in FAMILY_LAYOUTS]
        # The paired report is the same unit's: the checker reads it with the table, and its
        # sentences about the adjustment or the low execution count as their reasons (MISSING-FUND-
        # 004/003), so a reason the table lost must be missing from the report too.
        base.funds.adjust_reason = drafts[0].funds.adjust_reason
        if drafts[0].funds.cause is None:
            base.funds.cause = base.funds.measure = None
        styles = [choose_style(rng, len(d.inds), plain=scan) for d in drafts]
        sub = _table_submission([evaluation(d, s) for d, s in zip(drafts, styles, strict=True)])
        accepted = _accepted(sub, planted, plants)
        if accepted is None:
            continue
        return _render_table(spec, drafts, styles, sub, accepted, base), rules
    return None


def _family_defect(layout: str, e: int) -> Planted:
    """The defect a form-family table is: the evaluation framework used as the self-evaluation
    table, or a table without scores."""
    if layout == "framework":
        return Planted("WEAK-FORM-001", f"evaluations[{e}].indicators", "自评表套用绩效评价指标体系（决策/过程/产出/效益）")
    return Planted("MISSING-FORM-001", f"evaluations[{e}].indicators", "自评表没有分值、得分栏，也没有总分和等级")


def _render_table(spec: FileSpec, drafts: list[Draft], styles: list[Style], sub: Submission,
                  defects: list[Planted], base: Draft) -> Built:
    grids = [project_grid(d, s) for d, s in zip(drafts, styles, strict=True)]
    author = drafts[0].impl_unit or drafts[0].department or ""
    pages = None
    if spec.kind == "docx_table":
        data = write_tables(grids, author)
    elif spec.kind == "xlsx_table":
        data = write_sheet(grids[0], author)
    elif spec.kind == "pdf_table":
        data, pages = write_pdf(grids[0], author, force_split=spec.long)
    else:
        data, pages = write_scan(grids[0], author), 1
    return Built(data, spec.layout, sub, defects, pages, base)


def build_dept(spec: FileSpec, seed: int, rules: list[str]) -> tuple[Built, list[str]] | None:
    for attempt in range(ATTEMPTS):
        rng = random.Random(f"{seed}:{spec.index}:{attempt}")
        dd = make_dept(rng, spec.who.sector.department.format(c=spec.who.place, t=spec.who.town), spec.who.year)
        planted = plant_dept(dd, rules, rng)
        if planted is None:
            continue
        style = choose_style(rng, 0)
        ev = dept_evaluation(dd, style)
        sub = Submission(kind="department", unit=dd.department, department=dd.department, year=dd.year,
                         evaluations=[ev])
        accepted = _accepted(sub, planted, [])
        if accepted is None:
            continue
        return Built(write_tables([dept_grid(dd, style)], dd.department), "hunan", sub, accepted), rules
    return None


def build_report(spec: FileSpec, seed: int, rules: list[str], base: Draft) -> tuple[Built, list[str]] | None:
    rng = random.Random(f"{seed}:{spec.index}:0")
    rep = make_report(base, rng)
    planted = plant_report(rep, rules, rng)
    sub = Submission(kind="report", unit=rep.unit, year=rep.year, sections=sections(rep))
    accepted = _accepted(sub, planted, [])
    if accepted is None:
        return None
    layout = "styled" if rep.styled else "plain"
    if spec.kind == "report_docx":
        return Built(write_report_docx(rep), layout, sub, accepted), rules
    data, pages = write_report_pdf(rep)
    return Built(data, layout, sub, accepted, pages), rules


def _build(spec: FileSpec, seed: int, bases: dict[int, Draft]) -> tuple[Built, int]:
    """Build one file, dropping rules from the end until the oracle agrees; (built, rules dropped)."""
    rules = list(spec.rules)
    while True:
        if spec.kind in TABLE_KINDS:
            got = build_table(spec, seed, rules)
        elif spec.kind == "dept_docx":
            got = build_dept(spec, seed, rules)
        else:
            got = build_report(spec, seed, rules, bases[spec.pair])  # type: ignore[index]
        if got is not None:
            return got[0], len(spec.rules) - len(rules)
        if not rules:
            raise RuntimeError(f"cannot build a clean {spec.kind} file #{spec.index}")
        rules.pop()


# --- writing ---------------------------------------------------------------------------------------------


def _labels(name: str, spec: FileSpec, built: Built) -> dict:
    sha = hashlib.sha256(built.data).hexdigest()
    sub = built.submission
    sub.id = sha[:16]
    sub.file = FileInfo(name=name, sha256=sha, format=name.rsplit(".", 1)[1], pages=built.pages,
                        size=len(built.data), scanned=spec.kind == "scanned_pdf")
    return {
        "file": name,
        "kind": spec.kind,
        "layout": built.layout,
        "clean": not built.defects,
        "expected": sub.to_dict(),
        "defects": [{"rule": d.rule, "location": {"field": d.field}, "note": d.note} for d in built.defects],
    }


def generate_corpus(out_dir: Path, n: int, seed: int,
                    progress: Callable[[int, int], None] | None = None) -> CorpusSummary:
    """Write ``n`` synthetic submissions with ``*.labels.json`` into ``out_dir`` (see the module docstring)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = plan(n, seed)
    summary = CorpusSummary(out_dir=str(out_dir), n_files=n)
    kinds: Counter[str] = Counter()
    layouts: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    bases: dict[int, Draft] = {}
    order = [s for s in specs if not s.kind.startswith("report")] + [s for s in specs if s.kind.startswith("report")]
    for done, spec in enumerate(order, start=1):
        built, dropped = _build(spec, seed, bases)
        if built.base is not None:
            bases[spec.index] = built.base
        summary.failed_plants += dropped
        name = f"{spec.index:04d}_{spec.kind}_{built.layout}.{EXT[spec.kind]}"
        (out_dir / name).write_bytes(built.data)
        labels = _labels(name, spec, built)
        stem = name.rsplit(".", 1)[0]
        (out_dir / f"{stem}.labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n",
                                                    encoding="utf-8")
        kinds[spec.kind] += 1
        layouts[built.layout] += 1
        rules.update(d.rule for d in built.defects)
        summary.n_clean += not built.defects
        if progress is not None:
            progress(done, n)
    summary.files_per_kind = {k: kinds[k] for k in KIND_SHARES if kinds[k]}
    summary.files_per_layout = dict(sorted(layouts.items()))
    summary.defects_per_rule = dict(sorted(rules.items()))
    return summary
