"""Submissions for the growth benchmark, made as records (no file is rendered or read).

Rendering and reading 50,000 files would take longer than the stores they fill (the reading is
measured on its own, from real rendered files, in :mod:`eval.growth`). So each submission here is
what a perfect reader would make of a synthetic file: the generator's own building blocks
(:func:`eval.synth.build.make_draft`, the defects of :mod:`eval.synth.defects`,
:func:`eval.synth.expected.evaluation`, the paired 自评报告 of :mod:`eval.synth.report`) give a
项目支出绩效自评表 in the MOF, Sichuan or municipal layout, about two in three with one planted
defect, and every third submission is the narrative report of its project. Units, projects and
years are drawn from the generator's vocabulary, so a store of 50,000 holds many units and years
as a province's would. The same index and seed always give the same submission.
"""

from __future__ import annotations

import copy
import hashlib
import random
from collections.abc import Iterator

from assistant.model import FileInfo, Submission
from eval.synth import content as C
from eval.synth.build import Who, make_draft
from eval.synth.cells import choose_style
from eval.synth.defects import PLANTS, plant
from eval.synth.expected import evaluation
from eval.synth.report import make_report, sections

LAYOUTS = ("mof", "sichuan", "municipal")
LAYOUT_WEIGHTS = (0.45, 0.30, 0.25)  # as eval.synth.corpus.LAYOUT_SHARES
YEARS = (2020, 2021, 2022, 2023, 2024)


def _who(rng: random.Random, layout: str) -> Who:
    sector = rng.choice(C.SECTORS)
    place = rng.choice(C.CITIES if layout == "municipal" else C.COUNTIES)
    return Who(sector, rng.choice(sector.projects), place, rng.choice(C.TOWNS), rng.choice(YEARS))


def submission(index: int, seed: int = 17) -> Submission:
    """The ``index``-th submission of the stream ``seed`` (see the module docstring)."""
    rng = random.Random(f"ziping-growth:{seed}:{index}")
    layout = rng.choices(LAYOUTS, LAYOUT_WEIGHTS)[0]
    draft = make_draft(rng, _who(rng, layout), layout)
    report = index % 3 == 2
    if not report and rng.random() < 2 / 3:
        fits = [p for p in PLANTS if (p.layouts is None or layout in p.layouts) and not p.needs]
        chosen = rng.choice(fits)
        trial = copy.deepcopy(draft)
        if plant(trial, [chosen], rng, 0) is not None:  # else it does not apply: the draft stays clean
            draft = trial
    digest = hashlib.sha256(f"growth:{seed}:{index}".encode()).hexdigest()
    if report:
        rep = make_report(draft, rng)
        sub = Submission(kind="report", unit=rep.unit, year=rep.year, sections=sections(rep))
        fmt = "docx"
    else:
        ev = evaluation(draft, choose_style(rng, len(draft.inds)))
        sub = Submission(kind="table", unit=ev.impl_unit or ev.department, department=ev.department,
                         year=ev.year, evaluations=[ev])
        fmt = rng.choice(("docx", "xlsx", "pdf"))
    sub.id = digest[:16]
    sub.file = FileInfo(name=f"growth_{index:06d}.{fmt}", sha256=digest, format=fmt)
    return sub


def submissions(start: int, stop: int, seed: int = 17) -> Iterator[Submission]:
    for index in range(start, stop):
        yield submission(index, seed)


__all__ = ["submission", "submissions"]
