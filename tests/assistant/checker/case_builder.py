"""The checker tests' case builder: clean baseline evaluations (YAML) plus a case's overrides.

A case (``cases/<RULE-ID>.yml``) overrides a baseline by deep merge:

* a mapping merges into a mapping key by key; ``null`` sets a field to None;
* a mapping merges into a list by index (``indicators: {1: {score: 15}}``); ``append: [...]``
  adds rows and an index mapped to ``remove`` deletes that row;
* any other value replaces.

Value cells (target, actual, funds.rate) are written as the raw cell text and parsed with
:func:`assistant.values.parse_value`; weights and scores may be raw text too (``"１０分"``), and
money cells (``"1,140,000元"``) are read with the block's unit like the extractor does.
Every field present in the merged data gets a synthetic cell Location (table 0, one row per
field), unless the case lists it under ``nocells`` (a layout without that column).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from assistant.model import (
    Cycle,
    Declaration,
    Evaluation,
    FundRow,
    Funds,
    FundSource,
    Indicator,
    Location,
    MonitoredIndicator,
    Monitoring,
    PastEvaluation,
    PlannedIndicator,
    Section,
    Submission,
    Value,
)
from assistant.values import parse_amount, parse_number, parse_value

HERE = Path(__file__).parent
CASES = HERE / "cases"
BASELINES = {"project": HERE / "baseline_project.yml", "department": HERE / "baseline_department.yml",
             "declaration": HERE / "baseline_declaration.yml", "monitoring": HERE / "baseline_monitoring.yml"}
FILE = "case.docx"


def baseline_data(kind: str = "project") -> dict[str, Any]:
    return yaml.safe_load(BASELINES[kind].read_text(encoding="utf-8"))


def deep_merge(base: Any, override: Any) -> Any:
    if isinstance(override, dict) and isinstance(base, list):
        out = [copy.deepcopy(v) for v in base]
        drop = set()
        for key, value in override.items():
            if key == "append":
                continue
            i = int(key)
            if value == "remove":
                drop.add(i)
            else:
                out[i] = deep_merge(out[i], value)
        out = [v for i, v in enumerate(out) if i not in drop]
        return out + copy.deepcopy(override.get("append", []))
    if isinstance(override, dict) and isinstance(base, dict):
        out = copy.deepcopy(base)
        for key, value in override.items():
            out[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(override)


def _value(raw: Any) -> Value:
    if isinstance(raw, dict):
        return Value(**raw)
    return parse_value(None if raw is None else str(raw))


def _number(raw: Any) -> float | None:
    if raw is None or isinstance(raw, (int, float)):
        return None if raw is None else float(raw)
    return parse_number(str(raw))


def _amount(raw: Any, unit: str) -> float | None:
    if raw is None or isinstance(raw, (int, float)):
        return None if raw is None else float(raw)
    amount = parse_amount(str(raw), default_unit=unit)
    if amount.value is None or amount.unit == unit:
        return amount.value
    wan = amount.in_wan()
    return wan * 10000.0 if unit == "元" else wan


class _Rows:
    """Hands out synthetic cell positions: one table row per field group."""

    def __init__(self) -> None:
        self.row = 0

    def next(self) -> int:
        self.row += 1
        return self.row


def _cell(row: int, col: int, field: str, nocells: set[str]) -> Location | None:
    return None if field in nocells else Location(file=FILE, table=0, row=row, col=col, field=field)


def build_evaluation(data: dict[str, Any], index: int = 0, nocells: set[str] = frozenset()) -> Evaluation:
    pos = _Rows()
    pre = f"evaluations[{index}]"
    rel = {f"{pre}.{n}" for n in nocells}
    ev = Evaluation(kind=data.get("kind", "project"))
    cells: dict[str, Location] = {}
    for key in ("layout", "title", "project_name", "project_code", "department", "impl_unit", "year"):
        if key in data:
            setattr(ev, key, data[key])
            if key in ("project_name", "department", "impl_unit"):
                row = pos.next()
                if (loc := _cell(row, 1, f"{pre}.{key}", rel)) is not None:
                    cells[key] = loc
    f = data.get("funds") or {}
    unit = f.get("unit", "万元")
    funds = Funds(unit=unit, denominator=f.get("denominator", "budget_full_year"), weight=_number(f.get("weight")),
                  rate=_value(f.get("rate")), score=_number(f.get("score")), reason=f.get("reason"),
                  adjust_reason=f.get("adjust_reason"))
    fund_rows = f.get("rows") or []
    fund_cols = {key for r in fund_rows for key in r}
    for k, r in enumerate(fund_rows):
        row = pos.next()
        fr = FundRow(name=r.get("name", ""), category=r.get("category", "other"))
        for col, key in enumerate(("name", "budget_initial", "budget_full_year", "exec_amount"), start=1):
            if key != "name":
                setattr(fr, key, _amount(r.get(key), unit))
            if key in fund_cols and (loc := _cell(row, col, f"{pre}.funds.rows[{k}].{key}", rel)) is not None:
                fr.cells[key] = loc
        funds.rows.append(fr)
        if k == 0:
            for col, key in enumerate(("weight", "rate", "score", "reason"), start=5):
                if key in f and (loc := _cell(row, col, f"{pre}.funds.{key}", rel)) is not None:
                    funds.cells[key] = loc
    if "adjust_reason" in f and (loc := _cell(pos.next(), 1, f"{pre}.funds.adjust_reason", rel)) is not None:
        funds.cells["adjust_reason"] = loc
    ev.funds = funds
    row = pos.next()
    for col, key in enumerate(("goal_planned", "goal_achieved"), start=1):
        if key in data:
            setattr(ev, key, data[key])
            if (loc := _cell(row, col * 4, f"{pre}.{key}", rel)) is not None:
                cells[key] = loc
    ind_cols = ("level1", "level2", "name", "nature", "target", "unit", "actual", "weight", "score",
                "deviation_reason", "criteria")
    rows = data.get("indicators") or []
    layout_cols = {key for d in rows for key in d}  # a column of the layout has a cell on every row
    for j, d in enumerate(rows):
        row = pos.next()
        ind = Indicator(level1=d.get("level1"), level2=d.get("level2"), name=d.get("name"),
                        target=_value(d.get("target")), actual=_value(d.get("actual")),
                        weight=_number(d.get("weight")), score=_number(d.get("score")),
                        deviation_reason=d.get("deviation_reason"), nature=d.get("nature"), unit=d.get("unit"),
                        criteria=d.get("criteria"))
        for col, key in enumerate(ind_cols, start=1):
            if key in layout_cols and (loc := _cell(row, col, f"{pre}.indicators[{j}].{key}", rel)) is not None:
                ind.cells[key] = loc
        ev.indicators.append(ind)
    ev.block_weights = {k: float(v) for k, v in (data.get("block_weights") or {}).items() if v is not None}
    ev.indicator_block_weight = _number(data.get("indicator_block_weight"))
    for key in ("total_score", "grade", "conclusion", "problems", "measures"):
        if key in data:
            setattr(ev, key, _number(data[key]) if key == "total_score" else data[key])
            if (loc := _cell(pos.next(), 1, f"{pre}.{key}", rel)) is not None:
                cells[key] = loc
    ev.signatures = dict(data.get("signatures") or {})
    ev.cells = cells
    return ev


def build_submission(case: dict[str, Any], sub_id: str = "case-sub") -> Submission:
    kind = case.get("baseline", "project")
    base = baseline_data(kind)
    overrides = case.get("evaluations") or [case.get("evaluation") or {}]
    nocells = set(case.get("nocells") or [])
    evaluations = [build_evaluation(deep_merge(base, o or {}), i, nocells) for i, o in enumerate(overrides)]
    sections = [Section(path=list(s.get("path") or []), level=len(s.get("path") or []), text=s.get("text", ""),
                        location=Location(file=FILE, paragraph=p))
                for p, s in enumerate(case.get("sections") or [])]
    sub = Submission(id=sub_id, kind="department" if kind == "department" else ("mixed" if sections else "table"),
                     unit="某县教育局", year=2023, evaluations=evaluations, sections=sections)
    sub.file.name, sub.file.format = FILE, "docx"
    for key, value in (case.get("submission") or {}).items():
        setattr(sub, key, value)
    if case.get("report_only"):  # a 自评报告 sent on its own: sections, no table
        sub.evaluations, sub.kind = [], "report"
    return sub


def build_related(case: dict[str, Any]) -> list[Submission]:
    out = []
    for k, rel in enumerate(case.get("related") or []):
        sub = build_submission({"baseline": case.get("baseline", "project"), **rel}, sub_id=f"related-{k}")
        if not rel.get("evaluation") and not rel.get("evaluations"):
            sub.evaluations = []
            sub.kind = "report"
        out.append(sub)
    return out


def build_cycle(case: dict[str, Any]) -> Cycle:
    """The linked forms of a case: the baseline declaration and monitoring form with the case's
    ``declaration`` / ``monitoring`` overrides merged in; ``declaration: none`` (or ``monitoring:
    none``) links none."""
    cycle = Cycle()
    if case.get("declaration") != "none":
        d = deep_merge(baseline_data("declaration"), case.get("declaration") or {})
        cycle.declaration = Declaration(
            title=d.get("title"), project_name=d.get("project_name"), department=d.get("department"),
            impl_unit=d.get("impl_unit"), year=d.get("year"), goal=d.get("goal"),
            funds=[FundSource(name=f["name"], category=f.get("category", "other"), amount=_number(f.get("amount")))
                   for f in d.get("funds") or []],
            indicators=[PlannedIndicator(level1=i.get("level1"), level2=i.get("level2"), name=i.get("name"),
                                         target=_value(i.get("target"))) for i in d.get("indicators") or []])
        cycle.declaration_file = "申报表.docx"
    if case.get("monitoring") != "none":
        m = deep_merge(baseline_data("monitoring"), case.get("monitoring") or {})
        cycle.monitorings = [Monitoring(
            title=m.get("title"), project_name=m.get("project_name"), department=m.get("department"),
            impl_unit=m.get("impl_unit"), year=m.get("year"), months=m.get("months"),
            budget=_number(m.get("budget")), executed=_number(m.get("executed")), rate=_value(m.get("rate")),
            expected_rate=_value(m.get("expected_rate")), goal_progress=m.get("goal_progress"),
            warning=m.get("warning"),
            indicators=[MonitoredIndicator(
                level1=i.get("level1"), level2=i.get("level2"), name=i.get("name"), target=_value(i.get("target")),
                progress=_value(i.get("progress")), expected=_value(i.get("expected")),
                deviation_reason=i.get("deviation_reason"), warning=i.get("warning"))
                for i in m.get("indicators") or []])]
        cycle.monitoring_files = ["监控表.docx"]
    # the same project's self-evaluations of earlier years: the baseline with each entry's
    # ``evaluation`` overrides, of its ``year`` (none unless the case lists them)
    for prev in case.get("previous") or []:
        data = deep_merge(baseline_data(case.get("baseline", "project")),
                          {**(prev.get("evaluation") or {}), "year": prev["year"]})
        cycle.history.append(PastEvaluation(prev["year"], build_evaluation(data), f"prev-{prev['year']}",
                                            f"{prev['year']}年度自评表.docx"))
    return cycle
