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
# An indicator row: (二级指标 or "" under the one above, 三级指标, 年度指标值, 实际完成值, 分值, 得分
# [, 偏差原因分析及改进措施])
Row = tuple[str, ...]


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

    def write_docx(self, path: Path) -> Path:
        """The same cells as one Word table (the synthetic corpus' docx writer), merges kept."""
        from eval.synth.render_docx import write_tables

        path.write_bytes(write_tables([self.grid()], author="test"))
        return path

    def write_pdf(self, path: Path, *, split: bool = False) -> Path:
        """A text PDF (the synthetic corpus' writer); ``split`` puts the second half of the
        indicator rows on page 2 under a repeat of the indicator header row."""
        from eval.synth.render_pdf import write_pdf

        path.write_bytes(write_pdf(self.grid(), "test", force_split=split)[0])
        return path

    def grid(self):
        """The cells as the synthetic corpus' :class:`~eval.synth.layouts.Grid`."""
        from eval.synth.layouts import GCell, Grid

        n_rows = max(c[0] + (c[3] if len(c) == 5 else 1) - 1 for c in self.cells)
        n_cols = max(c[1] + (c[4] if len(c) == 5 else 1) - 1 for c in self.cells)
        rows: list[list[GCell | None]] = [[GCell("") for _ in range(n_cols)] for _ in range(n_rows)]
        merges = []
        for cell in self.cells:
            r, c, text = cell[0] - 1, cell[1] - 1, cell[2]
            rows[r][c] = GCell(text)
            rs, cs = (cell[3], cell[4]) if len(cell) == 5 else (1, 1)
            if rs > 1 or cs > 1:
                merges.append((r, c, r + rs - 1, c + cs - 1))
                for rr in range(r, r + rs):
                    for cc in range(c, c + cs):
                        if (rr, cc) != (r, c):
                            rows[rr][cc] = None
        header = next((c[0] - 1 for c in self.cells if c[2] == "一级指标"), 0)
        return Grid(cells=rows, merges=merges, widths=[1.0] * n_cols, header_row=header, title="")


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


# A money row: (name, 年初预算数, 全年预算数, 全年执行数); the first is 年度资金总额.
FundLine = tuple[str, str, str, str]
CHIZHOU_EXECUTION = ("10", "0", "0")  # 分值, 执行率, 得分 as the 池州 tables leave them


def chizhou_money(fiscal: tuple[str, str, str]) -> list[FundLine]:
    """The 池州 money block: the total row left at 0 above 本年财政拨款, the other sources empty."""
    return [("年度资金总额:", "0", "0", "0"), ("其中:本年财政拨款", *fiscal), ("上年结转资金", "", "", ""),
            ("其他资金", "", "", "")]


def mof_form(source: str, *, year: int, project: str, department: str, unit: str,
             money: list[FundLine], execution: tuple[str, str, str], goals: tuple[str, str],
             blocks: list[tuple[str, list[Row]]], total: tuple[str, str] | None) -> RealForm:
    """The 财预〔2020〕10号 附件 layout: nine columns, the money block with 分值/执行率/得分 on its
    total row, one row per indicator under merged 一级/二级 cells."""
    cells: list[Cell] = [
        (1, 1, "附件:"),
        (2, 1, "项目支出绩效自评表", 1, 9),
        (3, 1, f"({year}年度)", 1, 9),
        (4, 1, "项目名称"), (4, 2, project, 1, 8),
        (5, 1, "主管部门"), (5, 2, department, 1, 3), (5, 5, "实施单位"), (5, 6, unit, 1, 4),
        (6, 1, "项目资金\n(万元)", 5, 1),
        (6, 2, "", 1, 2), (6, 4, "年初预算数"), (6, 5, "全年预算数"), (6, 6, "全年执行数"),
        (6, 7, "分值"), (6, 8, "执行率"), (6, 9, "得分"),
        (7, 7, execution[0]), (7, 8, execution[1]), (7, 9, execution[2]),
        *[(7 + k, 2, name, 1, 2) for k, (name, *_) in enumerate(money)],
        *[(7 + k, 4 + j, text) for k, (_, *amounts) in enumerate(money) for j, text in enumerate(amounts) if text],
        *[(8 + k, c, "—") for k in range(len(money) - 1) for c in (7, 9)],
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
    cells.append((13, 1, "绩效指标", r - 13, 1))
    if total is not None:
        cells += [(r, 1, "总分", 1, 6), (r, 7, total[0]), (r, 8, total[1])]
    return RealForm(source, cells)


def chizhou_form(source: str, *, project: str, fiscal: tuple[str, str, str], goals: tuple[str, str],
                 blocks: list[tuple[str, list[Row]]], total: tuple[str, str]) -> RealForm:
    """A 棠溪镇 2022 table: the town's coded names, the money block of :func:`chizhou_money`."""
    return mof_form(source, year=2022, project=project, department="219-池州市贵池区棠溪镇人民政府",
                    unit="219001-池州市贵池区棠溪镇人民政府", money=chizhou_money(fiscal),
                    execution=CHIZHOU_EXECUTION, goals=goals, blocks=blocks, total=total)


# 池州市贵池区棠溪镇 2022「委托业务项目」(docs/domain.md problem cases P1–P3, P20). The source's text
# ends inside the 满意度 row: that row and 总分 are ours.
CHIZHOU_ENTRUSTED = chizhou_form(
    "http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2",
    project="委托业务项目", fiscal=("90", "89.974", "89.974"),
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
CHIZHOU_VILLAGE = chizhou_form(
    "http://www.anthempetcare.com/upload_cz/download?id=502367&siteId=2",
    project="村级补助及运转经费", fiscal=("202.64", "132.912", "132.912"),
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


# The Sichuan 部门预算项目支出绩效自评表 (青神县/大英县 2023): eleven columns, 指标性质 and 度量单位 in
# columns of their own, the 原因 cell beside the money rows holding the form's own instructions.
SICHUAN_NOTES = ("1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内);"
                 "2.年中发生预算调整的(追加或调减),应单独说明理由;3.其他资金包括:社会投入资金、银行贷款.")
# (name, 年初预算, 调整后预算数, 预算执行数, 预算执行率) for 总额 and its sources
Money = tuple[str, str, str, str, str]
# (一级 or "", 二级, 三级, 指标性质, 指标值, 度量单位, 完成值, 权重, 得分, 未完成原因分析)
SichuanRow = tuple[str, str, str, str, str, str, str, str, str, str]


def sichuan_form(source: str, *, year: int, project: str, department: str, unit: str,
                 goal: tuple[str, str], process: str, money: list[Money], weight_score: tuple[str, str],
                 reason: str, rows: list[SichuanRow], conclusion: tuple[str, str, str],
                 signatures: tuple[str, str]) -> RealForm:
    cells: list[Cell] = [
        (1, 1, f"部门预算项目支出绩效自评表({year}年度)", 1, 11),
        (2, 1, "项目名称"), (2, 2, project, 1, 10),
        (3, 1, "主管部门"), (3, 2, department, 1, 4), (3, 6, "实施单位 (盖章)", 1, 2), (3, 8, unit, 1, 4),
        (4, 1, "项目基本情况", 3, 1), (4, 2, "1.项目年度目标完成情况", 2, 2),
        (4, 4, "项目年度目标", 1, 4), (4, 8, "年度目标完成情况", 1, 4),
        (5, 4, goal[0], 1, 4), (5, 8, goal[1], 1, 4),
        (6, 2, "2.项目实施内容及过程概述", 1, 2), (6, 4, process, 1, 8),
        (7, 1, "预算执行情况(10分)", 1 + len(money), 1),
        (7, 2, "年度预算数(万元)"), (7, 3, "年初预算"), (7, 4, "调整后预算数"), (7, 5, "预算执行数"),
        (7, 6, "预算执行率"), (7, 7, "权重"), (7, 8, "得分"), (7, 9, "原因", 1, 3),
        (8, 9, reason, len(money), 3),
    ]
    for k, row in enumerate(money):
        cells += [(8 + k, 2 + j, text) for j, text in enumerate(row) if text]
        cells += [(8, 7, weight_score[0]), (8, 8, weight_score[1])] if k == 0 else [(8 + k, 7, "/"), (8 + k, 8, "/")]
    r = 8 + len(money)
    header = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"]
    cells += [(r, 1, "绩效指标(90分)", 1 + len(rows), 1)] + [(r, 2 + j, text) for j, text in enumerate(header)]
    for k, row in enumerate(rows, start=1):
        level1, *rest = row
        if level1:
            span = next((n for n in range(1, len(rows) - k + 1) if rows[k - 1 + n][0]), len(rows) - k + 1)
            cells.append((r + k, 2, level1, span, 1))
        cells += [(r + k, 3 + j, text) for j, text in enumerate(rest) if text]
    r += len(rows) + 1
    cells += [(r, 1, "合计", 1, 8), (r, 9, "100"),
              (r + 1, 1, "评价结论"), (r + 1, 2, conclusion[0], 1, 10),
              (r + 2, 1, "存在问题"), (r + 2, 2, conclusion[1], 1, 10),
              (r + 3, 1, "改进措施"), (r + 3, 2, conclusion[2], 1, 10),
              (r + 4, 1, signatures[0], 1, 5), (r + 4, 6, signatures[1], 1, 6)]
    return RealForm(source, cells)


# 大英县司法局 2023「安可替代补助资金」(docs/domain.md MISSING-FUND-004's real case and P5): 年初 0.00 →
# 调整后 3.36 with only the form's instructions in the 原因 cell, the actual value written "完成",
# 存在问题/改进措施 "无". The source's text ends inside the 质量指标 row: its rest and 评价结论 are ours.
DAYING_ANKE = sichuan_form(
    "https://dyxrmt.cn/article-157795-21.html",
    year=2023, project="51092324T000010263357-2023年全县安可替代补助资金项目",
    department="大英县司法局部门", unit="大英县司法局",
    goal=("根据要求购买安可设备,并完成项目资金支付。", "完成"),
    process="2023年购买13台安可电脑,并于12月前完成资金支付。",
    money=[("总额", "0.00", "3.36", "3.36", "100.00%"), ("其中:财政资金", "0.00", "3.36", "3.36", "100.00%"),
           ("财政专户管理资金", "0.00", "0.00", "0.00", "0.00%"), ("单位资金", "0.00", "0.00", "0.00", "0.00%"),
           ("其他资金", "", "", "", "")],
    weight_score=("10", "10"), reason=SICHUAN_NOTES,
    rows=[("产出指标", "质量指标", "完成安可产品购买并按要求支付资金", "=", "100", "%", "完成", "90", "90", "")],
    conclusion=("根据财政局资金下达的管理办法,将资金支付给项目施工方。", "无", "无"),  # 评价结论 ours
    signatures=("项目负责人:查小兵", "财务负责人:唐勇"),
)

# 青神县发展和改革局 2023「工资性支出」as published: the form's prompts left in the 完成情况,
# 评价结论, 存在问题 and 改进措施 cells, 完成值 and 得分 never filled, 年初 238.93 → 调整后 251.89.
QINGSHEN_WAGES = sichuan_form(
    "https://www.scqs.gov.cn/info/13206/211004.htm",
    year=2023, project="51000021R000000019951-工资性支出",
    department="青神县发展和改革局本级", unit="青神县发展和改革局",
    goal=("严格执行相关政策,保障工资及时、足额发放或社保及时、足额缴纳,预算编制科学合理,减少结余资金。",
          "对照年度目标,说明相关任务目标的完成情况(100字以内)"),
    process="",
    money=[("总额", "238.93", "251.89", "251.89", "100.00%"), ("其中:财政资金", "238.93", "251.89", "251.89", "100.00%"),
           ("财政专户管理资金", "0.00", "0.00", "0.00", "0.00%"), ("单位资金", "0.00", "0.00", "0.00", "0.00%"),
           ("其他资金", "", "", "", "")],
    weight_score=("10", ""), reason=SICHUAN_NOTES,
    rows=[("产出指标", "数量指标", "发放(缴纳)覆盖率", "=", "100", "%", "", "60", "", ""),
          ("效益指标", "社会效益指标", "足额保障率(参保率)", "=", "100", "%", "", "30", "", "")],
    conclusion=("结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)",
                "结合自评情况,分析存在的问题及原因。(200字以内)",
                "针对项目自评中发现的问题,提出下一步改进完善的意见及有关政策性建议。(200字以内)"),
    signatures=("项目负责人:", "财务负责人:"),
)

# 寿县 2023 部门整体支出绩效评价自评表 (Anhui): 序号 first, weights in the level names ("规划
# (15分)"), 指标解释 and 指标说明及评分标准 columns. The source's text ends inside the sixth row:
# its score and the 合计 row are ours; the unit name cell is blank in the source.
_SHOUXIAN_ROWS = [
    ("1", "规划 (15分)", "基础信息 (3分)", "基础信息 完整性", "3",
     "部门及所属二级单位预算基础信息是否符合相关规定,信息资料是否真实、完整,用以评价该单位基础信息对预算编制数据的支撑情况(按年初预算基础信息表考核)。",
     "1、基础数据信息是否真实(1分); 2、基础数据信息是否完整(1分); 3、基础数据信息是否准确(1分)。", "3"),
    ("2", "", "工作计划 (6分)", "年度工作 计划完整性", "3", "部门及所属二级单位年度工作计划制定是否完整可行。",
     "年度工作计划是否完整可行(3分)", "3"),
    ("3", "", "", "年度工作 计划明确性", "3", "部门及所属二级单位年度工作计划制定是否明确可操作。",
     "年度工作计划是否明确可操作(3分)", "3"),
    ("4", "", "绩效目标 (6分)", "年度绩效 目标合理性", "4", "单位是否设置年度绩效目标,绩效目标设定是否符合单位实际,是否合理。",
     "1、设置年度绩效目标(2分,其中单位整体绩效目标1分,项目绩效目标1分,若单位无项目,得2分) 2、绩效目标设置依据充分(1分) "
     "3、绩效目标合理,符合实际,可操作(1分) 4、未设置绩效目标,该栏不得分", "4"),
    ("5", "", "", "年度绩效 目标明确性", "2", "是否制定明确、细化、量化的绩效目标。", "绩效目标明确,且细化、量化(2分);", "2"),
    ("6", "执行 (35分)", "预算执行 (18分)", "预算执行率", "5",
     "部门及所属二级单位本年度预算执行数与预算数的比率,用以反映和考核部门(单位)预算执行程度。预算执行率=(预算执行数/预算数)×100%。",
     "1、除上级政策性因素影响外,年度无预算追加(1分)", "4.5"),  # score ours
]


def _shouxian_cells() -> list[Cell]:
    cells: list[Cell] = [
        (1, 1, "2023年度部门整体支出绩效评价自评表", 1, 8),
        (2, 1, "单位"), (2, 2, "", 1, 7),
        (3, 1, "序号"), (3, 2, "一级 指标"), (3, 3, "二级 指标"), (3, 4, "三级 指标"), (3, 5, "指标分值"),
        (3, 6, "指标解释"), (3, 7, "指标说明及评分标准"), (3, 8, "自评得分"),
    ]
    spans = {(4, 2): 5, (5, 3): 2, (7, 3): 2}  # 规划 over five rows, 工作计划 and 绩效目标 over two
    for k, row in enumerate(_SHOUXIAN_ROWS):
        r = 4 + k
        for j, text in enumerate(row):
            if text:
                cells.append((r, 1 + j, text, spans.get((r, 1 + j), 1), 1))
    return cells + [(10, 1, "合计", 1, 4), (10, 5, "20"), (10, 8, "19.5")]  # ours


SHOUXIAN_DEPARTMENT = RealForm("https://www.shouxian.gov.cn/public/118322758/1259995520.html", _shouxian_cells())

# 廊坊市食品工程学校 2019「办公宿舍楼、食堂及餐厅暖通改造经费」(Hebei, the 10号 layout filled in the
# template's own way): names keep the template's "指标1" numbering, unused "指标2" and "……" rows
# left in, targets without sign or unit, the goal given as two amounts, 执行率 86% and 得分 9 for
# 37.24/43.2. Transcribed in full except 生态效益 and the template rows after 满意度.
_EMPTY = ("", "指标2", "", "", "", "")
_MORE = ("", "……", "", "", "", "")
LANGFANG_HEATING = mof_form(
    "http://www.lfsp.cn/newsinfo/1158053.html",
    year=2019, project="办公宿舍楼、食堂及餐厅暖通改造经费", department="廊坊市发改委", unit="廊坊市食品工程学校",
    money=[("年度资金总额", "43.2", "43.2", "37.24"), ("其中:当年财政拨款", "43.2", "43.2", "37.24"),
           ("上年结转资金", "", "", ""), ("其他资金", "", "", "")],
    execution=("10", "86%", "9"),
    goals=("43.2", "37.24"),
    blocks=[
        ("产出指标", [
            ("数量指标", "指标1工程资金金额", "43.2", "37.24", "10", "9",
             "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"), _EMPTY, _MORE,
            ("质量指标", "指标1工程完工率", "100", "100", "10", "10"),
            ("", "指标2工程验收合格率", "100", "100", "10", "10"), _MORE,
            ("时效指标", "指标1项目完成及时率", "100", "100", "10", "10"), _EMPTY, _MORE,
            ("成本指标", "指标1成本控制率", "100", "100", "10", "10"), _EMPTY, _MORE,
        ]),
        ("效益指标", [
            ("经济效益\n指标", "指标1安全率", "100", "100", "10", "10", "0"), _EMPTY, _MORE,
            ("社会效益\n指标", "指标1学校发展能力", "100", "100", "10", "10", "0"), _EMPTY, _MORE,
            ("可持续影响\n指标", "指标1长期使用性", "100", "100", "10", "10"), _EMPTY, _MORE,
        ]),
        ("满意度\n指标", [("服务对象满意度指标", "指标1学生满意度", "100", "100", "10", "10", "0"), _EMPTY]),
    ],
    total=None,
)

# Not a transcription: a form laid out as issue #16 saw real ones, with parent rows inside the
# indicator table ("一、示范区建立 | 15": a weight of its own, no target or actual) over numbered
# child rows whose weights add up to it. Σ child weights 90 + 预算执行 10 = 100; Σ child scores
# 88.5 + 10 = 98.5 = 总分, so the sums are right unless the parent rows are summed as indicators.
PARENT_ROWS = mof_form(
    "（构造，仿 issue #16 所见版式）",
    year=2023, project="高标准农田示范区建设", department="某县农业农村局", unit="某县农业技术推广中心",
    money=[("年度资金总额", "200", "200", "200"), ("其中:当年财政拨款", "200", "200", "200"),
           ("上年结转资金", "", "", ""), ("其他资金", "", "", "")],
    execution=("10", "100%", "10"),
    goals=("建成示范区2个，推广新技术500亩。", "两个示范区已通过验收，新技术实际推广到520亩，培训农户180人次。"),
    blocks=[
        ("产出指标(50分)", [
            ("数量指标", "一、示范区建立", "", "", "15", "15"),
            ("", "1.建成示范区数量", "≥2个", "2个", "10", "10"),
            ("", "2.示范区面积(亩)", "≥300", "310", "5", "5"),
            ("质量指标", "二、技术推广", "—", "—", "35", "33.5"),
            ("", "1.推广面积", "≥500亩", "520亩", "20", "20"),
            ("", "2.培训农户", "≥200人次", "180人次", "15", "13.5", "部分农户外出务工，下一步分批补训。"),
        ]),
        ("效益指标(30分)", [("社会效益指标", "带动农户增收", "≥5%", "6%", "30", "30")]),
        ("满意度指标(10分)", [("服务对象满意度指标", "农户满意度", "≥90%", "95%", "10", "10")]),
    ],
    total=("100", "98.5"),
)
