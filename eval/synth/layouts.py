"""The per-layout label sets and the shared grid: layout → 2-D cell texts + merge spans.

One :class:`Grid` feeds all four table renderers (docx, xlsx, text PDF, scanned PDF), so the
files of one evaluation differ only in their format. Labels per layout (docs/domain.md section 4):

| part | mof (A) | sichuan (C) | municipal (D) |
| --- | --- | --- | --- |
| title | 项目支出绩效自评表 + （2023年度） | 部门预算项目支出绩效自评表 + （2023年度）, 报表编号 | 2023年市级财政专项资金项目自评表 |
| header | 项目名称; 主管部门 / 实施单位 | 项目名称 (51…R…-name); 主管部门 / 实施单位（盖章） | 项目名称; 主管部门 / 项目实施单位 |
| funds block | 项目资金（万元） | 预算执行情况（10分） + 年度预算数（万元） | 预算执行情况（万元）（20分） |
| fund columns | 年初预算数 全年预算数 全年执行数 分值 执行率 得分 偏差原因分析及改进措施 | 年初预算 调整后预算数 预算执行数 预算执行率 权重 得分 原因 | 年初预算数 预算数(A) 执行数(B) 执行率（B/A） 得分（20分*执行率） 偏差大或目标未完成原因分析 改进措施及结果应用方案 |
| fund rows | 年度资金总额 其中：当年财政拨款 上年结转资金 其他资金 | 总额 财政资金 财政专户管理资金 单位资金 其他资金 | 年度财政资金总额 其中：本年财政拨款 上年结余结转 其他资金 |
| adjustment row | 预算调整原因 | 年中预算调整说明 | 调整原因 |
| goal | 年度总体目标: 预期目标 / 实际完成情况 (header over values) | 项目年度目标 / 年度目标完成情况 (label rows) | 年初设定目标 / 年度目标完成情况 (header over values) |
| indicator block | 绩效指标 | 绩效指标（90分） | 年度绩效目标（80分） |
| indicator columns | 一级/二级/三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 | 一级/二级/三级指标 指标性质 指标值 度量单位 权重 完成值 得分 未完成原因分析 | 一级/二级/三级指标 年初目标值(A) 实际完成值 分值 得分 偏差大或目标未完成原因分析 改进措施及结果应用方案 |
| result rows | 总分, (评价等级) | 合计, (评价等级), 评价结论 存在问题 改进措施, 项目负责人 财务负责人 | 总分, (评价等级), (评价结论 存在问题 改进措施) |

Two form families (issue 21) on the MOF labels: ``framework`` is the MOF grid whose level-1 rows are
the evaluation framework's (项目决策 / 项目过程 / 项目产出 / 项目效益, 满意度 inside 效益) with the
funds row's 分值 and 得分 blank; ``noscore`` drops every 分值 / 得分 column and the 总分 and grade rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.values import parse_number
from eval.synth import cells as K
from eval.synth.cells import Style
from eval.synth.draft import Draft, FundLine
from eval.synth.expected import level1_title, title_lines

UP = object()  # "this column continues the vertical merge of the cell above"


@dataclass
class GCell:
    text: str = ""
    kind: str = "value"  # head | label | value | text (long, left-aligned)
    number: float | None = None  # what an xlsx cell stores when it is numeric


def L(text: str) -> GCell:
    return GCell(text, "label")


def H(text: str) -> GCell:
    return GCell(text, "head")


def V(text: str | None, number: float | None = None) -> GCell:
    return GCell(text or "", "value", number)


def T(text: str | None) -> GCell:
    return GCell(text or "", "text")


@dataclass
class Grid:
    cells: list[list[GCell | None]]  # None = covered by a merge
    merges: list[tuple[int, int, int, int]]  # r0, c0, r1, c1 inclusive
    widths: list[float]  # relative column widths
    header_row: int  # the indicator column-header row (repeated on a new page)
    title: str = ""
    subtitle: str | None = None
    pre: list[str] = field(default_factory=list)  # lines between title and table

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return len(self.widths)

    def span_of(self, r: int, c: int) -> tuple[int, int]:
        """(rowspan, colspan) of the cell whose origin is (r, c)."""
        for r0, c0, r1, c1 in self.merges:
            if (r0, c0) == (r, c):
                return r1 - r0 + 1, c1 - c0 + 1
        return 1, 1


class GridBuilder:
    def __init__(self, widths: list[float]):
        self.widths = widths
        self.rows: list[list[GCell | None]] = []
        self.owner: list[list[tuple[int, int]]] = []
        self.regions: dict[tuple[int, int], list[int]] = {}  # origin → [r1, c1]
        self.header_row = 0

    def row(self, *items: object) -> int:
        n, r = len(self.widths), len(self.rows)
        cells: list[GCell | None] = [None] * n
        own: list[tuple[int, int]] = [(-1, -1)] * n
        c = 0
        for item in items:
            if item is UP:
                origin = self.owner[r - 1][c]
                end = self.regions[origin]
                end[0] = r
                for k in range(origin[1], end[1] + 1):
                    own[k] = origin
                c = end[1] + 1
                continue
            cell, span = item if isinstance(item, tuple) else (item, 1)
            cells[c] = cell
            self.regions[(r, c)] = [r, c + span - 1]
            for k in range(c, c + span):
                own[k] = (r, c)
            c += span
        if c != n:
            raise ValueError(f"row {r} covers {c} of {n} columns")
        self.rows.append(cells)
        self.owner.append(own)
        return r

    def grid(self, title: str, subtitle: str | None, pre: list[str] | None = None) -> Grid:
        merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in self.regions.items() if (r1, c1) != (r0, c0)]
        return Grid(self.rows, sorted(merges), self.widths, self.header_row, title, subtitle, pre or [])


# --- shared pieces -----------------------------------------------------------------------------------


def _num(text: str) -> GCell:
    return V(text, parse_number(text) if text.strip() else None)


def _amounts(line: FundLine, style: Style) -> list[GCell]:
    texts = K.fund_line_cells(line, style)
    out = []
    for key, attr in (("initial", "initial"), ("full", "full"), ("exec", "exec")):
        value = getattr(line, attr)
        text = texts[key]
        numeric = not style.xlsx_text_amounts and value is not None and text not in ("", "—")
        out.append(V(text, value / 100 if numeric else None))
    return out


def _indicator_rows(g: GridBuilder, d: Draft, style: Style, keys: list[str]) -> None:
    previous: tuple[str, str] | None = None
    for i, ind in enumerate(d.inds):
        c = K.indicator_cells(ind, i, d.layout, style)
        same1 = previous is not None and previous[0] == ind.level1
        same2 = same1 and previous is not None and previous[1] == ind.level2
        items: list[object] = [UP, UP if same1 else V(level1_title(d, ind.level1)),
                               UP if same2 else V(ind.level2)]
        for key in keys:
            if key in ("weight", "score"):
                items.append(_num(c[key]))
            elif key in ("dev", "reason", "measure", "name"):
                items.append(T(c[key]) if key != "name" else V(c[key]))
            else:
                items.append(V(c[key]))
        g.row(*items)
        previous = (ind.level1, ind.level2)


def _weight_sum(d: Draft) -> str:
    return K.compact(sum(i.weight for i in d.inds) + d.funds.weight)


def _fund_lines(g: GridBuilder, d: Draft, style: Style, name_span: int, total_tail: list[object],
                other_tail: list[object]) -> None:
    for k, line in enumerate(d.funds.lines):
        tail = total_tail if k == 0 else other_tail
        g.row(UP, (L(line.name), name_span), *_amounts(line, style), *tail)


def _adjust_row(g: GridBuilder, d: Draft, label: str, label_span: int) -> None:
    if d.funds.adjust_reason:
        g.row(UP, (L(label), label_span), (T(d.funds.adjust_reason), len(g.widths) - 1 - label_span))


def _header(g: GridBuilder, d: Draft, impl_label: str, left: int) -> None:
    n = len(g.widths)
    g.row(L("项目名称"), (V(K.project_cell(d)), n - 1))
    right_label = 2 if d.layout == "sichuan" else 1
    g.row(L("主管部门"), (V(d.department), left), (L(impl_label), right_label),
          (V(d.impl_unit), n - 1 - left - right_label))


def _result_rows(g: GridBuilder, d: Draft, style: Style, label_span: int) -> None:
    n = len(g.widths)
    if d.show_grade:
        g.row((L(style.grade_label), label_span), (V(d.grade), n - label_span))
    if d.has_conclusion:
        for label, text in (("评价结论", d.conclusion), ("存在问题", d.problems), ("改进措施", d.measures)):
            g.row((L(label), 2), (T(text), n - 2))


# --- the three project layouts -------------------------------------------------------------------------


def mof_grid(d: Draft, style: Style) -> Grid:
    g = GridBuilder([1.0, 1.4, 1.1, 1.9, 1.3, 1.3, 0.7, 0.8, 2.4])
    f = d.funds
    _header(g, d, "实施单位", 3)
    g.row(L(f"项目资金（{f.unit}）"), V(""), H("年初预算数"), H("全年预算数"), H("全年执行数"), H("分值"),
          H("执行率"), H("得分"), H("偏差原因分析及改进措施"))
    sub = [V(style.sub_blank)] * 3
    _fund_lines(g, d, style, 1, [_num(K.compact(f.weight) if f.scored else ""), V(K.rate_text(f)),
                                 _num(K.score_text(f.score, style)),
                                 T(K.fund_reason_cells(f, d.layout)["dev"])], [*sub, UP])
    _adjust_row(g, d, "预算调整原因", 1)
    g.row(L("年度总体目标"), (H("预期目标"), 4), (H("实际完成情况"), 4))
    g.row(UP, (T(d.goal_planned), 4), (T(d.goal_achieved), 4))
    g.header_row = g.row(L("绩效指标"), H("一级指标"), H("二级指标"), H("三级指标"), H("年度指标值"),
                         H("实际完成值"), H("分值"), H("得分"), H("偏差原因分析及改进措施"))
    _indicator_rows(g, d, style, ["name", "target", "actual", "weight", "score", "dev"])
    g.row((L("总分"), 6), _num(_weight_sum(d)), _num(K.score_text(d.total, style)), V(""))
    _result_rows(g, d, style, 6)
    title, sub_title = title_lines(d)
    return g.grid(title, sub_title)


def sichuan_grid(d: Draft, style: Style) -> Grid:
    g = GridBuilder([1.0, 1.1, 1.1, 1.7, 0.8, 1.2, 1.1, 0.8, 1.1, 1.0, 2.1])
    f = d.funds
    _header(g, d, "实施单位（盖章）", 4)
    g.row(L(f"预算执行情况（{K.compact(f.weight)}分）"), (H(f"年度预算数（{f.unit}）"), 2), H("年初预算"),
          H("调整后预算数"), H("预算执行数"), H("预算执行率"), H("权重"), H("得分"), (H("原因"), 2))
    sub = [V(style.sub_blank)] * 3
    _fund_lines(g, d, style, 2, [V(K.rate_text(f)), _num(K.compact(f.weight)),
                                 _num(K.score_text(f.score, style)),
                                 (T(K.fund_reason_cells(f, d.layout)["dev"]), 2)], [*sub, UP])
    _adjust_row(g, d, "年中预算调整说明", 2)
    g.row(L("年度总体目标"), (L("项目年度目标"), 2), (T(d.goal_planned), 8))
    g.row(UP, (L("年度目标完成情况"), 2), (T(d.goal_achieved), 8))
    g.header_row = g.row(L(f"绩效指标（{K.compact(d.ind_block_weight or 90)}分）"), H("一级指标"),
                         H("二级指标"), H("三级指标"), H("指标性质"), H("指标值"), H("度量单位"), H("权重"),
                         H("完成值"), H("得分"), H("未完成原因分析"))
    _indicator_rows(g, d, style, ["name", "nature", "target", "unit", "weight", "actual", "score", "dev"])
    g.row((L("合计"), 7), _num(_weight_sum(d)), V(""), _num(K.score_text(d.total, style)), V(""))
    _result_rows(g, d, style, 7)
    if d.signatures:
        (a, x), (b, y) = list(d.signatures.items())[:2]
        g.row((L(a), 2), (V(x), 3), (L(b), 2), (V(y), 4))
    title, sub_title = title_lines(d)
    return g.grid(title, sub_title, [f"报表编号：510000_{d.year % 100:02d}{len(d.project):02d}zp"])


def municipal_grid(d: Draft, style: Style) -> Grid:
    g = GridBuilder([1.0, 1.4, 1.1, 1.8, 1.2, 1.2, 0.8, 0.9, 1.9, 1.9])
    f = d.funds
    _header(g, d, "项目实施单位", 4)
    w = K.compact(f.weight)
    g.row(L(f"预算执行情况（{f.unit}）（{w}分）"), V(""), H("年初预算数"), H("预算数(A)"), H("执行数(B)"),
          H("执行率（B/A）"), (H(f"得分（{w}分*执行率）"), 2), H("偏差大或目标未完成原因分析"),
          H("改进措施及结果应用方案"))
    reason = K.fund_reason_cells(f, d.layout)
    _fund_lines(g, d, style, 1, [V(K.rate_text(f)), (_num(K.score_text(f.score, style)), 2), T(reason["reason"]),
                                 T(reason["measure"])], [V(style.sub_blank), (V(style.sub_blank), 2), UP, UP])
    _adjust_row(g, d, "调整原因", 1)
    g.row(L("年度总体目标"), (H("年初设定目标"), 4), (H("年度目标完成情况"), 5))
    g.row(UP, (T(d.goal_planned), 4), (T(d.goal_achieved), 5))
    g.header_row = g.row(L(f"年度绩效目标（{K.compact(d.ind_block_weight or 80)}分）"), H("一级指标"),
                         H("二级指标"), H("三级指标"), H("年初目标值(A)"), H("实际完成值"), H("分值"), H("得分"),
                         H("偏差大或目标未完成原因分析"), H("改进措施及结果应用方案"))
    _indicator_rows(g, d, style, ["name", "target", "actual", "weight", "score", "reason", "measure"])
    g.row((L("总分"), 6), _num(_weight_sum(d)), _num(K.score_text(d.total, style)), (V(""), 2))
    _result_rows(g, d, style, 6)
    title, _ = title_lines(d)
    return g.grid(title, None)


def noscore_grid(d: Draft, style: Style) -> Grid:
    """The MOF table without any 分值 / 得分 column and without 总分 or grade: targets and results only."""
    g = GridBuilder([1.0, 1.4, 1.1, 1.9, 1.3, 1.3, 3.9])
    f = d.funds
    _header(g, d, "实施单位", 3)
    g.row(L(f"项目资金（{f.unit}）"), V(""), H("年初预算数"), H("全年预算数"), H("全年执行数"), H("执行率"),
          H("偏差原因分析及改进措施"))
    _fund_lines(g, d, style, 1, [V(K.rate_text(f)), T(K.fund_reason_cells(f, d.layout)["dev"])],
                [V(style.sub_blank), UP])
    _adjust_row(g, d, "预算调整原因", 1)
    g.row(L("年度总体目标"), (H("预期目标"), 3), (H("实际完成情况"), 3))
    g.row(UP, (T(d.goal_planned), 3), (T(d.goal_achieved), 3))
    g.header_row = g.row(L("绩效指标"), H("一级指标"), H("二级指标"), H("三级指标"), H("年度指标值"),
                         H("实际完成值"), H("偏差原因分析及改进措施"))
    _indicator_rows(g, d, style, ["name", "target", "actual", "dev"])
    title, sub_title = title_lines(d)
    return g.grid(title, sub_title)


# framework: the MOF table whose indicator rows are the evaluation framework's (项目决策/项目过程/…)
GRIDS = {"mof": mof_grid, "sichuan": sichuan_grid, "municipal": municipal_grid, "framework": mof_grid,
         "noscore": noscore_grid}


def project_grid(d: Draft, style: Style) -> Grid:
    return GRIDS[d.layout](d, style)
