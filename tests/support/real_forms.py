"""Real published self-evaluation tables, transcribed cell by cell into files for tests.

These are not made by our generator: they carry the quirks real forms have (budget-code
prefixes on names, ASCII colons and brackets in labels, a 年度资金总额 row left at 0, a
"≥100百分比" target, amounts in 元 inside a 万元 form, dot leaders in a goal cell). Each table
names its source; the rows the source's text breaks off before are completed by us and marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl

# (row, col, text) 1-based, or (row, col, text, rowspan, colspan) for a merged cell.
Cell = tuple[int, int, str] | tuple[int, int, str, int, int]
# An indicator row: (二级指标 or "" under the one above, 三级指标, 年度指标值, 实际完成值, 分值, 得分)
Row = tuple[str, str, str, str, str, str]


@dataclass(frozen=True)
class RealForm:
    source: str
    cells: list[Cell]

    def write_xlsx(self, path: Path) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "自评表"
        for cell in self.cells:
            r, c, text = cell[:3]
            target = ws.cell(r, c, float(text) if _is_number(text) else text)
            if text.startswith("="):
                target.data_type = "s"  # a typed "=8个" is text in Excel and WPS, not a formula
            if len(cell) == 5 and (cell[3] > 1 or cell[4] > 1):
                ws.merge_cells(start_row=r, start_column=c, end_row=r + cell[3] - 1, end_column=c + cell[4] - 1)
        wb.save(path)
        return path


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


def mof_form(source: str, *, year: int, project: str, department: str, unit: str,
             fiscal: tuple[str, str, str], goals: tuple[str, str],
             blocks: list[tuple[str, list[Row]]], total: tuple[str, str]) -> RealForm:
    """The 财预〔2020〕10号 附件 layout as the 池州 tables fill it: nine columns, the money block
    with its total row left at 0, one row per indicator under merged 一级/二级 cells."""
    cells: list[Cell] = [
        (1, 1, "附件:"),
        (2, 1, "项目支出绩效自评表", 1, 9),
        (3, 1, f"({year}年度)", 1, 9),
        (4, 1, "项目名称"), (4, 2, project, 1, 8),
        (5, 1, "主管部门"), (5, 2, department, 1, 3), (5, 5, "实施单位"), (5, 6, unit, 1, 4),
        (6, 1, "项目资金\n(万元)", 5, 1),
        (6, 2, "", 1, 2), (6, 4, "年初预算数"), (6, 5, "全年预算数"), (6, 6, "全年执行数"),
        (6, 7, "分值"), (6, 8, "执行率"), (6, 9, "得分"),
        (7, 2, "年度资金总额:", 1, 2), (7, 4, "0"), (7, 5, "0"), (7, 6, "0"), (7, 7, "10"), (7, 8, "0"), (7, 9, "0"),
        (8, 2, "其中:本年财政拨款", 1, 2), (8, 4, fiscal[0]), (8, 5, fiscal[1]), (8, 6, fiscal[2]),
        (8, 7, "—"), (8, 9, "—"),
        (9, 2, "上年结转资金", 1, 2), (9, 7, "—"), (9, 9, "—"),
        (10, 2, "其他资金", 1, 2), (10, 7, "—"), (10, 9, "—"),
        (11, 1, "年度总体目标", 2, 1), (11, 2, "预期目标", 1, 4), (11, 6, "实际完成情况", 1, 4),
        (12, 2, goals[0], 1, 4), (12, 6, goals[1], 1, 4),
        (13, 2, "一级指标"), (13, 3, "二级指标"), (13, 4, "三级指标"), (13, 5, "年度指标值"), (13, 6, "实际完成值"),
        (13, 7, "分值"), (13, 8, "得分"), (13, 9, "偏差原因分析及改进措施"),
    ]
    r = 14
    for level1, rows in blocks:
        cells.append((r, 2, level1, len(rows), 1))
        for k, (level2, *rest) in enumerate(rows):
            span = next((n for n in range(1, len(rows) - k) if rows[k + n][0]), len(rows) - k)
            if level2:
                cells.append((r, 3, level2, span, 1))
            cells += [(r, 4 + j, text) for j, text in enumerate(rest) if text]
            r += 1
    cells += [(13, 1, "绩效指标", r - 13, 1), (r, 1, "总分", 1, 6), (r, 7, total[0]), (r, 8, total[1])]
    return RealForm(source, cells)


# 池州市贵池区棠溪镇 2022「委托业务项目」(RULES.md problem cases P1–P3, P20). The source's text
# ends inside the 满意度 row: that row and 总分 are ours.
CHIZHOU_ENTRUSTED = mof_form(
    "http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2",
    year=2022, project="委托业务项目",
    department="219-池州市贵池区棠溪镇人民政府", unit="219001-池州市贵池区棠溪镇人民政府",
    fiscal=("90", "89.974", "89.974"),
    goals=("本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
           "30万元用于基建工程项目设计、规划、测绘。",
           "本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
           "29.99万元用于基建工程项目设计、规划、测绘。"),
    blocks=[
        ("产出指标(50分)", [
            ("数量指标", "基建工程委托业务项目数量", "≥50个", "50", "8", "8"),
            ("质量指标", "委托业务报告合格率", "≥100百分比", "100", "8", "8"),
            ("", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", "8", "8"),
            ("时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", "8", "8"),
            ("成本指标", "项目总成本", "≤90万元", "90", "8", "8"),
            ("", "单项业务成本", "符合相关规定", "达成预期指标", "10", "10"),
        ]),
        ("效益指标(30分)", [
            ("社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", "10", "10"),
            ("生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", "10", "10"),
            ("可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标", "10", "10"),
            ("经济效益指标", "", "", "", "", ""),
        ]),
        ("满意度指标(10分)", [("满意度指标", "公众满意度", "≥90%", "95%", "10", "10")]),  # ours
    ],
    total=("100", "90"),  # ours
)

# The same town's 2022「村级补助及运转经费」: 年初 202.64 → 全年 132.912 万元 with no reason given,
# the goal in 元 (2026400元) inside a 万元 form, dot leaders left in the goal cell, "=8个" targets.
# The source's text ends at 可持续影响: the rows from there on and 总分 are ours.
CHIZHOU_VILLAGE = mof_form(
    "http://www.anthempetcare.com/upload_cz/download?id=502367&siteId=2",
    year=2022, project="村级补助及运转经费",
    department="219-池州市贵池区棠溪镇人民政府", unit="219001-池州市贵池区棠溪镇人民政府",
    fiscal=("202.64", "132.912", "132.912"),
    goals=("本项目共申请预算资金2026400元,其中村级组织运转400000元,村民组长,党小组长基本报酬252000元,村民监督委员会"
           " 工资28000元,村级事务补助960000元,村级工作目标奖励100000元。 .. " + "." * 60,
           "本项目共完成预算资金1329120.67元,其中村级组织运转439120.67元,村民组长,党小组长基本报酬152000元,"
           "村民监督委员会 工资28000元,村级事务补助660000元,村级工作目标奖励50000元。"),
    blocks=[
        ("产出指标(50分)", [
            ("数量指标", "补助村(社区)数量", "=8个", "8", "8", "8"),
            ("", "保障村干部人数", "=42个", "42", "8", "8"),
            ("质量指标", "补助资格合规性", "合规", "达成预期指标", "8", "8"),
            ("", "经费审批流程规范性", "严格执行相关制度规定", "达成预期指标", "8", "8"),
            ("时效指标", "补助经费到位及时性", "及时", "达成预期指标", "8", "8"),
            ("成本指标", "项目总成本", "≤202.6万元", "132.9", "10", "10"),
        ]),
        ("效益指标(30分)", [
            ("经济效益指标", "对保障村(社区)两委机构正常运行的影响程度", "效果明显", "达成预期指标", "10", "10"),
            ("社会效益指标", "提高村(社区)干部工作积极性的影响程度", "效果明显", "达成预期指标", "10", "10"),
            ("可持续影响指标", "对村级组织长效运转的持续影响", "效果明显", "达成预期指标", "10", "10"),  # ours
        ]),
        ("满意度指标(10分)", [("满意度指标", "村(社区)干部满意度", "≥90%", "95%", "10", "10")]),  # ours
    ],
    total=("100", "90"),  # ours
)
