"""Find every self-evaluation form in a :class:`Document` and fill :class:`Evaluation` s.

The recogniser reads tables row by row with a small state machine. A row is classified by the
labels it holds (``labels.yaml``), never by its position, so the same code reads the MOF,
Sichuan, municipal and 部门整体 layouts and the variants in between:

* header rows — ``项目名称 | value``, ``主管部门 | value | 实施单位 | value``; a form without a
  项目名称 row names its project in its title (服务贸易项目绩效自评表);
* the funds block — a column-header row (年初预算数, 全年预算数, 全年执行数, 执行率…) then one row
  per fund source (年度资金总额, 当年财政拨款…); rows without a label are read by position, the
  first as the total;
* the overall goal — ``预期目标 | 实际完成情况`` over a value row, or label/value rows;
* the indicator block — a column-header row holding 一级/二级/三级指标, then indicator rows
  until a result row (总分, 合计, 评价等级, 评价结论, 其他需要说明事项…); level-1 and level-2 names
  carry down; a two-row header (年度指标值 over 指标性质 | 指标值 | 度量单位) takes the upper row's
  columns; a 分值 column right of a level's name is that level's weight; a parent row numbered
  like a heading (一、示范区建立 | 15), or one whose values total the numbered rows below it, is
  an :class:`IndicatorGroup` over them; a "其中…" row without a weight or score is a breakdown of
  the indicator above; the header row repeated on a new page or sheet continues the block;
* result rows — ``label | value``; a grade written after the total on its row is the grade.

Besides the province layouts, two form families are layouts of their own (``Evaluation.layout``):
``framework`` — level-1 rows of the evaluation framework (项目决策, 项目过程/项目管理) — and
``noscore`` — an indicator block without 分值 and 得分 columns. The checker runs on each only the
rules that fit it.

Every field keeps the :class:`Location` of its cell, with its field path; a value's ``raw`` is
exactly its cell's text. A table that looks
like a form but lacks an indicator header is reported, not guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from assistant.model import Evaluation, FundRow, Indicator, IndicatorGroup, Location, Value, field_path
from assistant.numbers import in_unit
from assistant.values import known_unit, parse_amount, parse_number, parse_value
from ingest.document import Document, Paragraph, Table
from ingest.forms.grid import Segment, own_segments, row_segments
from ingest.forms.labels import LabelTable, labels, normalise_label, points_in, strip_notes

_YEAR = re.compile(r"(20\d{2})\s*年")
_PROJECT_CODE = re.compile(r"^\s*([0-9A-Za-z]{8,})\s*[-－—_:：\s]\s*(.+)$", re.S)
# Budget unit codes before a department or unit name: "219-池州市…", "219001-池州市…" (a 池州 form).
_UNIT_CODE = re.compile(r"^\s*[0-9]{3,}\s*[-－—_:：\s]\s*(?=[^\s0-9])")
# The form's own fill-in instructions left in a cell: "说明相关任务目标的完成情况(100字以内)",
# "年中发生预算调整的(追加或调减),应单独说明理由" (Sichuan forms as published). Not the unit's words.
_FORM_PROMPT = re.compile(r"[（(]\s*\d+\s*字以内\s*[)）]|应单独说明理由")
# A money cell holding an amount and nothing else: "120", "1,200.50", "3.36万元".
_AMOUNT_ONLY = re.compile(r"^[0-9０-９][0-9０-９,，.．\s]*(?:万元|元|万)?$")
# The form's title written after a project's name: "…补助经费支出绩效自评表", "服务贸易项目绩效自评表".
_FORM_TITLE_END = re.compile(r"(?:支出)?(?:绩效)?(?:目标)?自评表\s*$")
_YEAR_START = re.compile(r"^\s*(?:20\d{2})\s*年度?")
_YUAN = re.compile(r"[(（]\s*元\s*[)）]|单位\s*[:：]\s*元")


@dataclass
class Recognised:
    """What the recogniser found in one document."""

    evaluations: list[Evaluation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why a form-like table could not be read


@dataclass
class _Columns:
    """Column index of each canonical key in a header row."""

    cols: dict[str, int] = field(default_factory=dict)

    def text(self, table: Table, row: int, key: str) -> str | None:
        col = self.cols.get(key)
        return table.text(row, col).strip() if col is not None else None


def split_project_code(name: str) -> tuple[str | None, str]:
    """``51000021R000000019951-工资性支出`` → (code, ``工资性支出``); names without a code unchanged."""
    match = _PROJECT_CODE.match(name or "")
    if match and any(ch.isdigit() for ch in match.group(1)):
        return match.group(1), match.group(2).strip()
    return None, (name or "").strip()


def strip_unit_code(name: str) -> str:
    """``219001-池州市贵池区棠溪镇人民政府`` → the name alone, so one unit groups as one."""
    return _UNIT_CODE.sub("", name or "").strip()


class _Reader:
    """Reads the tables of one document into evaluations (one instance per document)."""

    def __init__(self, doc: Document, table: LabelTable):
        self.doc = doc
        self.labels = table
        self.out = Recognised()
        self.current: Evaluation | None = None
        self.mode: str | None = None
        self.fund_cols = _Columns()
        self.ind_cols = _Columns()
        self.level_weight_cols: dict[str, int] = {}  # 分值 columns of the level-1 / level-2 names
        self.goal_cols: dict[str, int] = {}
        self.pending_title: str | None = None
        self.pending_title_at: Location | None = None
        self.titled: list[tuple[Evaluation, Location]] = []  # evaluations and where their title is
        self.carry: dict[str, str | None] = {"level1": None, "level2": None}
        self.group: IndicatorGroup | None = None  # the parent row the indicator rows now sit under
        self.group_left: int | None = None  # rows the parent row still totals (None: until the block ends)

    # -- helpers -------------------------------------------------------------------------------
    def _loc(self, table: Table, row: int, col: int, *path: str | int) -> Location:
        """The cell's location; its field path is relative here and gets its evaluation prefix
        in :func:`_number_fields` once we know which evaluations are kept."""
        loc = table.location(row, col, file=self.doc.name)
        loc.field = field_path(0, *path).removeprefix("evaluations[0].") if path else None
        return loc

    def _evaluation(self) -> Evaluation:
        if self.current is None:
            self.current = Evaluation(title=self.pending_title)
            if self.pending_title:
                self.current.year = _year_of(self.pending_title)
                if self.pending_title_at is not None:
                    self.titled.append((self.current, self.pending_title_at))
            self.out.evaluations.append(self.current)
        return self.current

    def _new_evaluation(self) -> None:
        self.current = None
        self.mode = None
        self.fund_cols, self.ind_cols, self.goal_cols = _Columns(), _Columns(), {}
        self.level_weight_cols = {}

    # -- entry -----------------------------------------------------------------------------------
    def read(self) -> Recognised:
        for block in self.doc.blocks:
            if isinstance(block, Paragraph):
                self._paragraph(block)
            else:
                self._table(block)
        for ev, at in self.titled:
            self._name_from_title(ev, at)
        return self.out

    def _name_from_title(self, ev: Evaluation, at: Location) -> None:
        """A project form without a 项目名称 row names its project in its title: "服务贸易项目绩效自评表"
        → 服务贸易项目; a template's own title ("2022年度项目支出绩效自评表") names none."""
        if ev.project_name or ev.kind != "project" or not ev.title or not _FORM_TITLE_END.search(ev.title):
            return
        name = _FORM_TITLE_END.sub("", ev.title).strip()
        if _YEAR_START.sub("", name).strip() in _template_titles():
            return
        ev.project_name = name
        ev.cells["project_name"] = replace(at, field="project_name")

    def _paragraph(self, para: Paragraph) -> None:
        text = para.text.strip()
        if self.labels.match_prefix("title", text) and len(text) <= 60:
            self._new_evaluation()
            self.pending_title, self.pending_title_at = text, para.location(self.doc.name)
        elif _YEAR.search(text) and len(text) <= 20 and "年度" in text:
            if self.pending_title and self.current is None:
                self.pending_title = f"{self.pending_title}{text}"
            elif self.current is not None and self.current.year is None:
                self.current.year = _year_of(text)

    def _table(self, table: Table) -> None:
        form_like = False
        for r in range(table.n_rows):
            segs = own_segments(table, r)
            if not segs:
                continue
            form_like |= self._row(table, r, segs)
        if form_like and self.current is not None and not self.current.indicators and self.mode != "indicators":
            name = self.current.project_name or f"表{table.index + 1}"
            self.out.problems.append(f"“{name}”识别到自评表表头，但未找到指标表头（一级指标/二级指标/三级指标），版式未知")

    # -- row dispatch ----------------------------------------------------------------------------
    def _row(self, table: Table, r: int, segs: list[Segment]) -> bool:
        """Handle one row; True when the row holds form labels."""
        lab = self.labels
        texts = [s.text for s in segs]
        if len(segs) == 1 and lab.match_prefix("title", texts[0]) and len(texts[0]) <= 60:
            self._new_evaluation()
            self.pending_title, self.pending_title_at = texts[0], self._loc(table, r, segs[0].start)
            return True
        if len(segs) == 1 and _YEAR.search(texts[0]) and "年度" in texts[0] and len(texts[0]) <= 20:
            ev = self._evaluation()
            ev.year = ev.year or _year_of(texts[0])
            return True
        if any(lab.match("header", t) == "project_name" for t in texts) and self.current is not None \
                and (self.current.project_name or self.current.indicators):
            title, title_at = self.pending_title, self.pending_title_at
            self._new_evaluation()
            self.pending_title, self.pending_title_at = title, title_at
        if self._indicator_header(table, r, segs):
            return True
        if self._fund_header(table, r, segs):
            return True
        if self._goal_header(table, r, segs):
            return True
        if self.mode == "funds" and self._fund_row(table, r, segs):
            return True
        if self.mode == "goal_values" and self._goal_values(table, r):
            return True
        if self.mode == "indicators" and all(self.labels.match("indicator_columns", t)
                                             or self.labels.match("blocks", t) for t in texts):
            return True  # the upper row of a two-row header, repeated on a new page: no indicator
        if self.mode == "indicators" and not self._is_result_row(segs) and not self._has_header_label(segs):
            self._indicator_row(table, r)
            return True
        return self._label_value_row(table, r, segs)

    def _has_header_label(self, segs: list[Segment]) -> bool:
        return any(self.labels.match("header", s.text) for s in segs)

    def _is_result_row(self, segs: list[Segment]) -> bool:
        first = [s for s in segs if not self.labels.match("blocks", s.text)][:1]
        return bool(first) and (self.labels.match("result", first[0].text) is not None
                                or self.labels.is_signature(first[0].text))

    # -- header / label-value rows ----------------------------------------------------------------
    def _label_value_row(self, table: Table, r: int, segs: list[Segment]) -> bool:
        found = False
        ev = None
        for i, seg in enumerate(segs):
            key = self.labels.match("header", seg.text)
            group = "header"
            if key is None:
                key, group = self.labels.match("result", seg.text), "result"
            if key is None:
                key, group = self.labels.match("goal", seg.text), "goal"
            if key is None:
                if self.labels.is_signature(seg.text):
                    ev = ev or self._evaluation()
                    name, _, inline = seg.text.replace("：", ":").partition(":")  # 项目负责人:查小兵
                    nxt = segs[i + 1].text if i + 1 < len(segs) else ""
                    value = inline.strip() or ("" if self._is_label(nxt) else nxt)
                    ev.signatures[normalise_label(name)] = value
                    found = True
                continue
            found = True
            nxt = segs[i + 1] if i + 1 < len(segs) else None
            if nxt is not None and self._is_label(nxt.text):
                nxt = None
            ev = ev or self._evaluation()
            self._set_field(ev, group, key, seg, nxt, table, r)
            if group == "result":
                self.mode = "result"
        return found

    def _is_label(self, text: str) -> bool:
        return any(self.labels.match(g, text) for g in ("header", "result", "goal")) or self.labels.is_signature(text)

    def _set_field(self, ev: Evaluation, group: str, key: str, label: Segment, value: Segment | None,
                   table: Table, r: int) -> None:
        text = written(value.text) if value is not None else ""
        col = value.start if value is not None else label.end + 1
        if group == "header":
            if key == "project_name":
                ev.project_code, ev.project_name = split_project_code(_FORM_TITLE_END.sub("", text).strip())
                if ev.year is None:
                    ev.year = _year_of(text) if ev.title is None else _year_of(ev.title)
            elif key in ("department", "impl_unit"):
                setattr(ev, key, strip_unit_code(text) or None)
            elif key == "unit_name":
                ev.impl_unit = ev.impl_unit or strip_unit_code(text) or None
            else:
                return
            ev.cells[key if key != "unit_name" else "impl_unit"] = self._loc(table, r, col, key)
        elif group == "goal":
            if key in ("goal_planned", "goal_achieved"):
                setattr(ev, key, text or None)
                ev.cells[key] = self._loc(table, r, col, key)
        elif key == "total_score":
            self._total_row(ev, table, r, label)
        elif key in ("grade", "conclusion", "problems", "measures", "adjust_reason"):
            if key == "adjust_reason":
                ev.funds.adjust_reason = text or None
                ev.funds.cells["adjust_reason"] = self._loc(table, r, col, "funds", "adjust_reason")
            else:
                setattr(ev, key, text or None)
                ev.cells[key] = self._loc(table, r, col, key)

    def _total_row(self, ev: Evaluation, table: Table, r: int, label: Segment) -> None:
        score_col = self.ind_cols.cols.get("score")
        text = table.text(r, score_col) if score_col is not None else ""
        col = score_col
        if parse_number(text) is None:
            # No score column value: take the last number on the row (总分 | 95), but not the one
            # under 权重, which is the weights' sum (Sichuan's 合计 | 100 with the score left blank).
            weight_col = self.ind_cols.cols.get("weight")
            numeric = [s for s in row_segments(table, r) if s.start > label.end and parse_number(s.text) is not None
                       and not (weight_col is not None and s.start <= weight_col <= s.end)]
            if not numeric:
                return
            text, col = numeric[-1].text, numeric[-1].start
        ev.total_score = parse_number(text)
        ev.cells["total_score"] = self._loc(table, r, col, "total_score")
        # The grade written after the score on the same row, without a label: 总分 | 100 | 96 | 优.
        grade = next((s for s in row_segments(table, r) if col is not None and s.start > col
                      and self.labels.match("grades", s.text)), None)
        if grade is not None and ev.grade is None:
            ev.grade = grade.text.strip()
            ev.cells["grade"] = self._loc(table, r, grade.start, "grade")

    # -- funds block ------------------------------------------------------------------------------
    def _fund_header(self, table: Table, r: int, segs: list[Segment]) -> bool:
        cols = {}
        for seg in segs:
            key = self.labels.match("fund_columns", seg.text)
            if key and key not in cols:
                cols[key] = seg.start
        if len(cols) < 3 or not ({"exec_amount", "budget_full_year"} & cols.keys()):
            return False
        if "level1" in {self.labels.match("indicator_columns", s.text) for s in segs}:
            return False
        ev = self._evaluation()
        self.fund_cols = _Columns(cols)
        self.mode = "funds"
        block_texts = [s.text for s in row_segments(table, r) if self.labels.match("blocks", s.text) == "funds"]
        header_text = " ".join(s.text for s in row_segments(table, r))
        ev.funds.unit = "元" if _YUAN.search(header_text) else "万元"
        for text in block_texts:
            if points_in(text) is not None:
                ev.funds.weight = points_in(text)
        score_label = next((s.text for s in segs if self.labels.match("fund_columns", s.text) == "exec_score"), "")
        if ev.funds.weight is None and points_in(score_label) is not None:
            ev.funds.weight = points_in(score_label)  # 得分（20分*执行率）
        ev.funds.denominator = "budget_full_year"
        ev.layout = _layout_of(ev, [s.text for s in segs], self.labels)
        return True

    def _fund_row(self, table: Table, r: int, segs: list[Segment]) -> bool:
        name_seg = next((s for s in segs if self.labels.match_prefix("fund_rows", s.text)
                         and self.labels.match("blocks", s.text) is None), None)
        ev = self._evaluation()
        index = len(ev.funds.rows)
        if name_seg is not None:
            category = self.labels.match_prefix("fund_rows", name_seg.text) or "other"
            row = FundRow(name=name_seg.text.strip().rstrip(":：").rstrip(), category=category)  # "年度资金总额:"
            row.cells["name"] = self._loc(table, r, name_seg.start, "funds", "rows", index, "name")
            name_end = name_seg.end
        elif self._unlabelled_fund_row(table, r, segs):
            # Sichuan forms as some counties fill them: no 总额 label, the amounts under the column
            # headers only. The first such row is the total (often the block's only row).
            category = "total" if not any(row.category == "total" for row in ev.funds.rows) else "other"
            row, name_end = FundRow(name="", category=category), -1
        else:
            return False
        for key in ("budget_initial", "budget_full_year", "exec_amount"):
            col = self.fund_cols.cols.get(key)
            if col is None or col <= name_end:
                continue
            setattr(row, key, _amount(table.text(r, col), ev.funds.unit))
            row.cells[key] = self._loc(table, r, col, "funds", "rows", index, key)
        ev.funds.rows.append(row)
        if category == "total" or index == 0:
            self._fund_scores(ev, table, r)
        return True

    def _unlabelled_fund_row(self, table: Table, r: int, segs: list[Segment]) -> bool:
        """A funds row without a row label: nothing of its own left of the money columns (the
        first column empty, or covered by the block title merged down), and amounts alone in at
        least two money columns."""
        money = [self.fund_cols.cols[k] for k in ("budget_initial", "budget_full_year", "exec_amount")
                 if k in self.fund_cols.cols]
        if not money or any(s.start < min(money) for s in segs):
            return False
        amounts = [s for s in segs if s.start == s.end and s.start in money and _AMOUNT_ONLY.match(s.text)]
        return len(amounts) >= 2

    def _fund_scores(self, ev: Evaluation, table: Table, r: int) -> None:
        funds = ev.funds
        for key, attr in (("exec_weight", "weight"), ("exec_rate", "rate"), ("exec_score", "score"),
                          ("exec_reason", "reason"), ("exec_measures", "reason")):
            col = self.fund_cols.cols.get(key)
            if col is None:
                continue
            text = table.text(r, col).strip()
            if attr == "rate":
                funds.rate = parse_value(text)
            elif attr == "reason":
                # Municipal layout: 原因分析 and 改进措施 in two columns, read as one text.
                funds.reason = _join_reason(funds.reason if key == "exec_measures" else None, text)
                if key == "exec_measures" and "reason" in funds.cells:
                    continue
            else:
                number = parse_number(text)
                if number is None and attr == "weight" and funds.weight is not None:
                    continue  # keep the weight read from the block title
                setattr(funds, attr, number)
            funds.cells[attr] = self._loc(table, r, col, "funds", attr)

    # -- overall goal -----------------------------------------------------------------------------
    def _goal_header(self, table: Table, r: int, segs: list[Segment]) -> bool:
        keys = {self.labels.match("goal", s.text): s.start for s in segs}
        if not {"goal_planned", "goal_achieved"} <= keys.keys():
            return False
        # Both labels on one row: a header over the value row below.
        self.goal_cols = {k: v for k, v in keys.items() if k in ("goal_planned", "goal_achieved")}
        self._evaluation()
        self.mode = "goal_values"
        return True

    def _goal_values(self, table: Table, r: int) -> bool:
        ev = self._evaluation()
        for key, col in self.goal_cols.items():
            setattr(ev, key, written(table.text(r, col)) or None)
            ev.cells[key] = self._loc(table, r, col, key)
        self.mode = None
        return True

    # -- indicator block --------------------------------------------------------------------------
    def _indicator_columns(self, table: Table, r: int) -> tuple[dict[str, int], dict[str, int]]:
        """The indicator header's columns, and the 分值 columns of the levels (level1/level2 → col).

        A two-row header (年度指标值 over 指标性质 | 指标值 | 度量单位) keeps 实际完成值, 分值 and
        得分 in the upper row only, merged down or not: the lower row takes them from above where
        its own cell is blank or a copy. A 分值 column right of a level's name is that level's
        weight (一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 得分): the indicator's weight is
        the one right of 三级指标."""
        found: list[tuple[int, str]] = []
        taken: set[int] = set()
        for seg in row_segments(table, r):
            key = self.labels.match("indicator_columns", seg.text) if seg.text else None
            if key:
                found.append((seg.start, key))
                taken.update(range(seg.start, seg.end + 1))
        if r > 0:
            for seg in row_segments(table, r - 1):
                key = self.labels.match("indicator_columns", seg.text) if seg.text else None
                if key and not taken & set(range(seg.start, seg.end + 1)):
                    found.append((seg.start, key))
        found.sort()
        cols: dict[str, int] = {}
        level_weights: dict[str, int] = {}
        last_level = None  # the level name column a 分值 column stands right of
        for col, key in found:
            if key in ("level1", "level2", "name"):
                last_level = key
            elif key == "weight" and last_level in ("level1", "level2") and last_level not in level_weights:
                level_weights[last_level] = col
                continue
            if key not in cols:
                cols[key] = col
        return cols, level_weights

    def _indicator_header(self, table: Table, r: int, segs: list[Segment]) -> bool:
        if not any(self.labels.match("indicator_columns", s.text) for s in segs):
            return False
        cols, level_weights = self._indicator_columns(table, r)
        if not ({"level1", "name"} <= cols.keys() or {"level2", "name", "target"} <= cols.keys()):
            return False
        ev = self._evaluation()
        if self.mode == "indicators" and cols == self.ind_cols.cols:
            return True  # the header repeated on a new page or sheet: the rows below continue the block
        self.ind_cols = _Columns(cols)
        self.level_weight_cols = level_weights
        self.mode = "indicators"
        self.carry = {"level1": None, "level2": None}
        self.group, self.group_left = None, None
        if "criteria" in cols:
            ev.kind = "department"
        ev.layout = _layout_of(ev, [s.text for s in segs], self.labels) if ev.layout in (None, "mof") else ev.layout
        if ev.kind == "project" and not {"weight", "score"} & cols.keys():
            ev.layout = NO_SCORE  # a table of targets and results only: no 分值, 得分, total or grade to check
        for seg in row_segments(table, r):
            if self.labels.match("blocks", seg.text) == "indicators" and points_in(seg.text) is not None:
                ev.indicator_block_weight = points_in(seg.text)
        return True

    def _indicator_row(self, table: Table, r: int) -> None:
        ev = self._evaluation()
        cols = self.ind_cols
        values = {key: cols.text(table, r, key) for key in cols.cols}
        name = _name(values.get("name")) or ""
        if self._group_row(ev, table, r, values):
            return
        if self._detail_row(ev, name, values):
            return
        level1_raw = values.get("level1") or self.carry["level1"] or ""
        level2 = values.get("level2") or self.carry["level2"]
        if not name and not values.get("target") and not values.get("score"):
            # A level-1 subtotal or spacer row: keep its weight, add no indicator.
            self._note_level_weights(ev, table, r, self._note_block_weight(ev, level1_raw))
            return
        self.carry = {"level1": level1_raw, "level2": level2}
        level1 = self._note_block_weight(ev, level1_raw)
        self._note_level_weights(ev, table, r, level1)
        if self.group is not None and (self.group.level1 not in (None, level1) or _GROUP_NUMBER.match(name)):
            self.group = None  # a new level-1 block, or a sibling numbered like the parent, ends its children
        index = len(ev.indicators)
        ind = Indicator(level1=level1, level2=_name(level2), name=name or None,
                        group=self.group.name if self.group is not None else None)
        nature = values.get("nature")
        column_unit = _clean(values.get("unit"))
        ind.nature, ind.unit = _clean(nature), column_unit
        bracket_sign, bracket_unit = _name_bracket(name)
        unit, source = (column_unit, "unit_column") if column_unit else (bracket_unit, "name_bracket")
        ind.target = cell_value(values.get("target") or "", nature or bracket_sign, unit, source)
        ind.actual = cell_value(values.get("actual") or "", None, unit, source)
        ind.weight = parse_number(values.get("weight") or "")
        ind.score = parse_number(values.get("score") or "")
        reason = values.get("deviation_reason")
        extra = values.get("measures")
        ind.deviation_reason = _join_reason(reason, extra)
        ind.criteria = _clean(values.get("criteria"))
        for key, col in cols.cols.items():
            attr = "deviation_reason" if key == "measures" else key
            if attr in ind.cells:
                continue
            ind.cells[attr] = self._loc(table, r, col, "indicators", index, attr)
        ev.indicators.append(ind)
        if self.group is not None and self.group_left is not None:
            self.group_left -= 1
            if self.group_left <= 0:
                self.group, self.group_left = None, None

    def _note_level_weights(self, ev: Evaluation, table: Table, r: int, level1: str | None) -> None:
        """A level-1 weight in its own 分值 column (项目决策 | 20 | 项目目标 | 4 | 目标内容 | 4 | 4)."""
        col = self.level_weight_cols.get("level1")
        weight = parse_number(table.text(r, col)) if col is not None else None
        if level1 and weight is not None and level1 not in ev.block_weights:
            ev.block_weights[level1] = weight

    def _detail_row(self, ev: Evaluation, name: str, values: dict[str, str]) -> bool:
        """A "其中…" row under an indicator ("★补助各类瓜果蔬菜种植面积 | 20 | 29.5亩", then
        "其中桃树种植面积 | | 1.5亩"): a breakdown of the indicator above, with no weight or score
        of its own in a table that has them, so no indicator of its own."""
        if not _DETAIL.match(name) or not ev.indicators or not {"weight", "score"} & self.ind_cols.cols.keys():
            return False
        if any(parse_number(values.get(k) or "") is not None for k in ("weight", "score")):
            return False
        above = ev.indicators[-1]
        return above.weight is not None or above.score is not None

    def _group_row(self, ev: Evaluation, table: Table, r: int, values: dict[str, str]) -> bool:
        """A parent row ("一、示范区建立 | 15"): numbered like a heading, a weight of its own and no
        target or actual. It becomes an :class:`IndicatorGroup` over the rows below it, so its
        weight is never summed with theirs."""
        keys = [k for k in ("name", "level2") if values.get(k)]
        key = next((k for k in keys if _GROUP_NUMBER.match(values[k])), None)
        weight = parse_number(values.get("weight") or "")
        if key is None or (key == "level2" and values.get("name") not in ("", values[key])):
            return False
        children = None  # a parent row with a weight and no values heads the rows up to the next one
        if weight is None or any(not parse_value(values.get(k) or "").blank for k in ("target", "actual")):
            children = self._subtotal_of(table, r, values) if key == "name" else 0
            if not children:
                return False
        text = values[key]
        own = {k: v for k, v in values.items() if v != text}  # a title merged across the level columns
        if own.get("level1"):
            self.carry["level1"] = own["level1"]
        if key == "name" and own.get("level2"):
            self.carry["level2"] = own["level2"]
        elif key == "level2":
            self.carry["level2"] = None  # the parent row stands where a level-2 name would; none carries over it
        level1 = self._note_block_weight(ev, self.carry["level1"] or "")
        index = len(ev.groups)
        group = IndicatorGroup(name=_name(text) or text, level1=level1,
                               level2=_name(self.carry["level2"]) if key == "name" else None,
                               weight=weight, score=parse_number(values.get("score") or ""))
        for attr, col in (("name", self.ind_cols.cols[key]), ("weight", self.ind_cols.cols.get("weight")),
                          ("score", self.ind_cols.cols.get("score"))):
            if col is not None:
                group.cells[attr] = self._loc(table, r, col, "groups", index, attr)
        ev.groups.append(group)
        self.group, self.group_left = group, children
        return True

    def _subtotal_of(self, table: Table, r: int, values: dict[str, str]) -> int:
        """How many rows a parent row with values of its own totals: "一、示范区建立 | ≧20000亩 |
        20000亩 | 15" over "1、… ≧500亩 | 5", "2、… ≧1000亩 | 5", "3、… ≧18500亩 | 5". The rows
        below, numbered 1、2、…, must add up to its score and weight, and to its target when that is
        a number; 0 when they do not (the row is then an indicator of its own)."""
        cols = self.ind_cols
        children = []
        for row in range(r + 1, table.n_rows):
            if not _SUB_NUMBER.match(cols.text(table, row, "name") or ""):
                break
            children.append(row)
        if not children:
            return 0
        checked = False
        for key in ("score", "weight"):
            own = parse_number(values.get(key) or "")
            if own is None:
                continue
            parts = [parse_number(cols.text(table, row, key) or "") for row in children]
            if any(p is None for p in parts) or abs(sum(parts) - own) > 0.01:  # type: ignore[arg-type]
                return 0
            checked = True
        target = parse_value(values.get("target") or "")
        if target.number is not None:
            parts = [parse_value(cols.text(table, row, "target") or "") for row in children]
            if any(p.number is None or p.unit != target.unit for p in parts) \
                    or abs(sum(p.number for p in parts) - target.number) > 0.01:  # type: ignore[misc]
                return 0
            checked = True
        return len(children) if checked else 0

    def _note_block_weight(self, ev: Evaluation, level1_raw: str) -> str | None:
        """Canonical level-1 name; its weight from a title such as 产出指标(50分) is recorded."""
        level1_raw = _CJK_BREAK.sub("", level1_raw)  # "规划\n(15分)" as one line
        if not level1_raw:
            return None
        # Project forms use the four canonical level-1 names, whatever prefix or note they carry
        # ("项目产出", "项目绩效-产出指标(40分)"); the 部门整体 form has its own (投入/过程/产出/效益)
        # and keeps them as written, without the weight note.
        canonical = self.labels.match_prefix("level1", level1_raw) if ev.kind == "project" else None
        name = canonical or strip_notes(level1_raw).strip() or level1_raw
        weight = points_in(level1_raw)
        if weight is not None:
            ev.block_weights[name] = weight
        return name


# Layouts that are form families rather than provinces (docs/domain.md section 7): the evaluation
# framework's table (决策 / 过程 / 产出 / 效益) and a table without 分值 / 得分 columns.
FRAMEWORK = "framework"
NO_SCORE = "noscore"


def _family_layout(ev: Evaluation, table: LabelTable) -> None:
    """A project table whose level-1 rows include the evaluation framework's 决策 or 过程 is the
    framework layout, whichever province's header labels it uses: its decision and process rows
    carry the framework's fixed criteria, not the self-evaluation's indicators."""
    if ev.kind != "project":
        return
    names = {row.level1 for row in [*ev.indicators, *ev.groups] if row.level1}
    if any(table.match_prefix("framework_level1", name) for name in names):
        ev.layout = FRAMEWORK


def _layout_of(ev: Evaluation, header_texts: list[str], table: LabelTable) -> str:
    """Which province's layout a header row belongs to (``layouts`` in labels.yaml, else MOF);
    used to pick the rules profile."""
    if ev.kind == "department":
        return "department"
    return table.layout_of(header_texts) or "mof"


@lru_cache(maxsize=1)
def _template_titles() -> frozenset[str]:
    """What the template titles leave once their 绩效自评表 ending is cut: 项目, 部门整体 …"""
    titles = [t for spellings in labels().groups["title"].values() for t in spellings]
    return frozenset(_FORM_TITLE_END.sub("", t) for t in titles) | {""}


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


_CJK_BREAK = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
# A parent row is numbered like a heading: "一、示范区建立", "（二）项目管理".
_GROUP_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）])")
# A child row under such a parent: "1、水稻侧深施肥", "2.示范区验收合格率", "（3）…" (not "2.5G基站").
_SUB_NUMBER = re.compile(r"^\s*(?:\d{1,2}\s*(?:、|[.．](?!\d))|[(（]\s*\d{1,2}\s*[)）])")
# A breakdown row under an indicator: "其中桃树种植面积", "其中：露天蔬菜".
_DETAIL = re.compile(r"^\s*其中")
_POINTS_NOTE = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")
# The template's own numbering kept by the unit: "指标1工程完工率", and "指标2" on an unused row.
_TEMPLATE_NUMBER = re.compile(r"^指标\s*\d+\s*[:：、.．]?\s*")
_ELLIPSIS_ONLY = re.compile(r"^[.．。…·\s]*$")  # a template's "……" row
# A marker some units put before their core indicators: "★补助鱼塘面积".
_NAME_MARK = re.compile(r"^[★☆※▲△●◆]+\s*")


def _name(text: str | None) -> str | None:
    """An indicator or level name as one line: a break a narrow cell put between two Chinese
    characters is no space ("基础信息\n完整性"), a level's weight note "(3分)", the template's
    numbering and a bare "……" are dropped."""
    text = _TEMPLATE_NUMBER.sub("", _POINTS_NOTE.sub("", _CJK_BREAK.sub("", (text or "").strip())))
    text = _NAME_MARK.sub("", text)
    return None if _ELLIPSIS_ONLY.match(text) else text


def _amount(text: str, unit: str) -> float | None:
    """A money cell in the block's unit (a cell may carry its own, e.g. 1,200元 in a 万元 block)."""
    amount = parse_amount(text, default_unit=unit)
    if amount.value is None or amount.unit == unit:
        return amount.value
    return in_unit(amount.value, amount.unit, unit)


def cell_value(text: str, nature: str | None, unit: str | None, unit_source: str) -> Value:
    """An indicator cell parsed with the operator and unit its row gives it elsewhere (指标性质 and
    度量单位 columns, or the name's bracket), ``raw`` kept exactly as the cell says: "15" under
    度量单位 个 is raw "15", number 15, unit 个 from ``unit_column``."""
    parsed = parse_value(_with_nature_and_unit(text, nature, unit))
    if parsed.unit is None:
        source = None
    elif parse_value(text).unit is not None:
        source = "cell"
    else:
        source = unit_source
    return replace(parsed, raw=text, unit_source=source)


def _with_nature_and_unit(value: str, nature: str | None, unit: str | None) -> str:
    """Sichuan layout: 指标性质 and 度量单位 in their own columns (or the unit in the name's bracket);
    fold them into the value to parse (the stored ``raw`` stays the cell's text, see :func:`cell_value`)."""
    value = value or ""
    if parse_value(value).blank:
        return value  # a "—" placeholder stays blank: no operator or unit is added to it
    # 指标性质 only ever holds ≥ ≤ = 定性, so a strict > or < there is a misread (OCR) ≥ or ≤; the
    # small and box-drawing equals signs real forms type ("﹦", "═") are "=".
    nature = unicodedata.normalize("NFKC", nature or "").strip()
    nature = {">": "≥", "<": "≤", "═": "=", "≧": "≥", "≦": "≤"}.get(nature, nature)
    if nature in {"≥", "≤", "="} and value.lstrip()[:1] not in "≥≤=><≧≦＝═﹦":
        value = nature + value
    parsed = parse_value(value)
    if unit and unit.strip() and parsed.number is not None and parsed.unit is None:
        value = value + unit.strip()
    return value


# The closing bracket of a name: a unit, perhaps after the target's sign and a placeholder for
# the number the template left to fill in ("(万美元)", "(≥**平方米)", "(≥台)").
_NAME_UNIT = re.compile(r"[(（]\s*([≥≤≧≦=＝]?)\s*[*＊]*\s*([^()（）\d*＊≥≤≧≦=＝]{1,5})\s*[)）]\s*$")


def _name_bracket(name: str) -> tuple[str | None, str | None]:
    """(sign, unit) a name carries in its closing bracket: "服务外包在岸(万美元)" with values 20000 /
    23333.56 (a municipal form) gives the unit; "公猪舍(≥**平方米)" over a target "22.8" gives the
    sign and the unit; "足额保障率(参保率)" carries neither. A sign comes only with a known unit."""
    match = _NAME_UNIT.search(name)
    unit = known_unit(match.group(2)) if match else None
    if unit is None:
        return None, None
    return (match.group(1) or None), unit


def written(text: str | None) -> str:
    """A free-text cell as the unit wrote it: "" when it holds only the form's instructions."""
    text = (text or "").strip()
    return "" if _FORM_PROMPT.search(text) else text


def _join_reason(reason: str | None, measures: str | None) -> str | None:
    parts = [written(p) for p in (reason, measures)]
    return "；".join(p for p in parts if p) or None


def _year_of(text: str | None) -> int | None:
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def recognise_forms(doc: Document) -> Recognised:
    """Every self-evaluation form in ``doc``, with the reasons for any table it could not read."""
    table = labels()
    result = _Reader(doc, table).read()
    result.evaluations = [ev for ev in result.evaluations if _is_evaluation(ev)]
    for index, ev in enumerate(result.evaluations):
        _family_layout(ev, table)
        _number_fields(ev, index)
    return result


def _number_fields(ev: Evaluation, index: int) -> None:
    prefix = f"evaluations[{index}]"
    cell_maps = [ev.cells, ev.funds.cells, *(r.cells for r in ev.funds.rows), *(i.cells for i in ev.indicators),
                 *(g.cells for g in ev.groups)]
    for cells in cell_maps:
        for loc in cells.values():
            if loc.field and not loc.field.startswith("evaluations["):
                loc.field = f"{prefix}.{loc.field}"


def _is_evaluation(ev: Evaluation) -> bool:
    return bool(ev.indicators or ev.funds.rows or ev.project_name)

