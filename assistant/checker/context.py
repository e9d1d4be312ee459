"""What a rule sees: :class:`CheckContext` — one evaluation (or the whole submission), its profile,
the narrative sections that talk about it and the other evaluations of the same unit."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assistant.checker.profiles import Profile
from assistant.model import Cycle, Evaluation, Location, Section, Submission, field_path

T = TypeVar("T")


@dataclass
class CheckContext:
    submission: Submission
    profile: Profile
    evaluation: Evaluation | None = None
    index: int | None = None  # the evaluation's index in ``submission.evaluations``
    related_sections: list[Section] = field(default_factory=list)
    other_evaluations: list[Evaluation] = field(default_factory=list)
    # the linked 绩效目标申报表 / 绩效监控表 (empty when none is linked)
    cycle: Cycle = field(default_factory=Cycle)
    # the submission context's list of the evaluation contexts, which :meth:`for_evaluation` reuses
    evaluation_contexts: list[CheckContext] = field(default_factory=list, repr=False)
    _cells: dict[str, Location] | None = field(default=None, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A value computed once per context (e.g. the narrative sentences several rules read)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def for_evaluation(self, evaluation: Evaluation, index: int) -> CheckContext:
        """A submission-scope rule's view of one evaluation: the context its evaluation-scope
        rules had, when there is one, so what they computed once (narrative sentences, the cell
        index) is not computed again."""
        known = self.evaluation_contexts
        if index < len(known) and known[index].evaluation is evaluation:
            return known[index]
        return CheckContext(submission=self.submission, profile=self.profile, evaluation=evaluation,
                            index=index, related_sections=self.related_sections, cycle=self.cycle)

    @property
    def ev(self) -> Evaluation:
        assert self.evaluation is not None, "an evaluation-scope rule ran without an evaluation"
        return self.evaluation

    def has_row(self, name: str) -> bool:
        """Whether the form has a row (a label) for the evaluation field ``name``. A form read from a
        file keeps a cell for every label found, blank or not, so a field without one is a row the
        layout has not (the 云南 county tables have no 年度总体目标 rows): its absence is a layout fact,
        not a blank the unit left. An evaluation built without cells (JSON, tests) has every row."""
        ev = self.ev
        return not ev.cells or name in ev.cells

    def path(self, *parts: str | int) -> str:
        """Field path inside this evaluation: ``ctx.path("indicators", 2, "score")``."""
        assert self.index is not None
        return field_path(self.index, *parts)

    def locate(self, path: str) -> Location:
        """The cell of ``path`` (a copy, ``field`` set to ``path``).

        A field with no cell of its own (never read, or a table-level field such as
        ``evaluations[0].indicators``) gets the file and, when known, the sheet/page/table of
        its evaluation; ``block_weights.<名称>`` points at the level-1 name cell and ``sections``
        at the first paragraph of the report.
        """
        cells = self._cell_index()
        loc = cells.get(path)
        if loc is None and ".block_weights." in path and self.evaluation is not None:
            name = path.rsplit(".block_weights.", 1)[1]
            j = next((j for j, ind in enumerate(self.evaluation.indicators) if ind.level1 == name), None)
            loc = cells.get(self.path("indicators", j, "level1")) if j is not None else None
        if loc is not None:
            return dataclasses.replace(loc, field=path)
        if path == "sections" and self.submission.sections:
            return dataclasses.replace(self.submission.sections[0].location, field=path)
        anchor = next(iter(cells.values()), None)
        if anchor is None or path == "sections":
            return Location(file=self.submission.file.name or None, field=path)
        return Location(file=anchor.file or self.submission.file.name or None, page=anchor.page,
                        table=anchor.table, sheet=anchor.sheet, field=path)

    def _cell_index(self) -> dict[str, Location]:
        if self._cells is None:
            self._cells = {} if self.evaluation is None or self.index is None else evaluation_cells(
                self.evaluation, self.index)
        return self._cells


def evaluation_cells(ev: Evaluation, i: int) -> dict[str, Location]:
    """Every cell Location of one evaluation by its field path (built from the structure, so it
    works whether or not the extractor filled ``Location.field``)."""
    blocks = [(field_path(i), ev.cells), (field_path(i, "funds"), ev.funds.cells)]
    blocks += [(field_path(i, "funds", "rows", k), row.cells) for k, row in enumerate(ev.funds.rows)]
    blocks += [(field_path(i, "indicators", j), ind.cells) for j, ind in enumerate(ev.indicators)]
    blocks += [(field_path(i, "groups", k), group.cells) for k, group in enumerate(ev.groups)]
    # a cell's path is its block's path and ".key" (what field_path appends for a name)
    return {f"{prefix}.{key}": loc for prefix, cells in blocks for key, loc in cells.items()}
