"""Real published self-evaluation tables, transcribed cell by cell into files for tests.

These are not made by our generator: they carry the quirks real forms have (budget-code
prefixes on names, ASCII colons and brackets in labels, a 年度资金总额 row left at 0, a
"≥100百分比" target, blank rows). Each table names its source; the rows the source's text
breaks off before are completed by us and marked so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl

# (row, col) 1-based; a cell spanning rows/cols is (row, col, text, rowspan, colspan).
Cell = tuple[int, int, str] | tuple[int, int, str, int, int]


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
            ws.cell(r, c, _typed(text))
            if len(cell) == 5 and (cell[3] > 1 or cell[4] > 1):
                ws.merge_cells(start_row=r, start_column=c, end_row=r + cell[3] - 1, end_column=c + cell[4] - 1)
        wb.save(path)
        return path


def _typed(text: str) -> str | float:
    """Numbers as a spreadsheet holds them; everything else as text."""
    try:
        return float(text) if text.replace(".", "", 1).isdigit() else text
    except ValueError:  # pragma: no cover - isdigit guards it
        return text


def _indicators(first_row: int, rows: list[tuple[str, ...]]) -> list[Cell]:
    """Indicator rows: (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因)."""
    return [(first_row + k, 2 + j, text) for k, row in enumerate(rows) for j, text in enumerate(row) if text]


# 池州市贵池区棠溪镇 2022 项目支出绩效自评表「委托业务项目」(RULES.md problem cases P1–P3).
# The source's text ends inside the 满意度 row: that row, 总分 and the signature line are ours.
CHIZHOU_ENTRUSTED = RealForm(
    source="http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2",
    cells=[
        (1, 1, "附件:"),
        (2, 1, "项目支出绩效自评表", 1, 9),
        (3, 1, "(2022年度)", 1, 9),
        (4, 1, "项目名称"), (4, 2, "委托业务项目", 1, 8),
        (5, 1, "主管部门"), (5, 2, "219-池州市贵池区棠溪镇人民政府", 1, 3),
        (5, 5, "实施单位"), (5, 6, "219001-池州市贵池区棠溪镇人民政府", 1, 4),
        (6, 1, "项目资金\n(万元)", 5, 1),
        (6, 2, "", 1, 2), (6, 4, "年初预算数"), (6, 5, "全年预算数"), (6, 6, "全年执行数"),
        (6, 7, "分值"), (6, 8, "执行率"), (6, 9, "得分"),
        (7, 2, "年度资金总额:", 1, 2), (7, 4, "0"), (7, 5, "0"), (7, 6, "0"), (7, 7, "10"), (7, 8, "0"), (7, 9, "0"),
        (8, 2, "其中:本年财政拨款", 1, 2), (8, 4, "90"), (8, 5, "89.974"), (8, 6, "89.974"),
        (8, 7, "—"), (8, 8, "", 1, 1), (8, 9, "—"),
        (9, 2, "上年结转资金", 1, 2), (9, 7, "—"), (9, 9, "—"),
        (10, 2, "其他资金", 1, 2), (10, 7, "—"), (10, 9, "—"),
        (11, 1, "年度总体目标", 2, 1), (11, 2, "预期目标", 1, 4), (11, 6, "实际完成情况", 1, 4),
        (12, 2, "本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
                "30万元用于基建工程项目设计、规划、测绘。", 1, 4),
        (12, 6, "本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
                "29.99万元用于基建工程项目设计、规划、测绘。", 1, 4),
        (13, 1, "绩效指标", 12, 1),
        (13, 2, "一级指标"), (13, 3, "二级指标"), (13, 4, "三级指标"), (13, 5, "年度指标值"), (13, 6, "实际完成值"),
        (13, 7, "分值"), (13, 8, "得分"), (13, 9, "偏差原因分析及改进措施"),
        (14, 2, "产出指标(50分)", 6, 1), (14, 3, "数量指标"), (15, 3, "质量指标", 2, 1),
        (17, 3, "时效指标"), (18, 3, "成本指标", 2, 1),
        (20, 2, "效益指标(30分)", 4, 1),
        (24, 2, "满意度指标(10分)"),
        *_indicators(14, [
            ("", "", "基建工程委托业务项目数量", "≥50个", "50", "8", "8", ""),
            ("", "", "委托业务报告合格率", "≥100百分比", "100", "8", "8", ""),
            ("", "", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", "8", "8", ""),
            ("", "", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", "8", "8", ""),
            ("", "", "项目总成本", "≤90万元", "90", "8", "8", ""),
            ("", "", "单项业务成本", "符合相关规定", "达成预期指标", "10", "10", ""),
            ("", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", "10", "10", ""),
            ("", "生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", "10", "10", ""),
            ("", "可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标", "10", "10", ""),
            ("", "经济效益指标", "", "", "", "", "", ""),
            ("", "满意度指标", "公众满意度", "≥90%", "95%", "10", "10", ""),  # ours, see above
        ]),
        (25, 1, "总分", 1, 6), (25, 7, "100"), (25, 8, "90"),  # ours
    ],
)
