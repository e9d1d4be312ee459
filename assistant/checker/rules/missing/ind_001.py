from assistant.checker.helpers.indicators import label, none_stated, row_evidence
from assistant.checker.helpers.text import is_blank
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10
from assistant.glossary import term


@register
class MissingInd001(Rule):
    """指标行的三级指标名称、年度指标值、实际完成值、分值或得分为空（“—”“/”“*”“无”等占位符视为空；
    实际完成值写“无”而偏差原因栏说明了原因的，是“没有完成”的如实填报，不算空）。
    每个空单元格一条发现，位置指向该单元格。部门整体评分表没有指标值和完成值两栏，只查名称、分值和得分；
    没有分值、得分两栏的表（无分值版式）不逐行查分值和得分，由 MISSING-FORM-001 整表提示一次。

    Why:
        10号要求自评表“内容完整”；缺值的指标无法复核得分。
    Bad:
        资助学生人数 | ≥500人 | — | 20 | 20
    Good:
        资助学生人数 | ≥500人 | 520人 | 20 | 20
    """

    code = "MISSING-IND-001"
    title = "指标行内容不全"
    severity = "error"
    tag = "K"
    source = f"{MOF_10}（自评表“内容完整、权重合理、数据真实、结果客观”）"
    kinds = ("project", "department")

    def check(self, ctx):
        department = ctx.ev.kind == "department"
        scored = not ctx.profile.lacks(ctx.ev.layout, "scores")  # a no-score table: MISSING-FORM-001, once
        for j, ind in enumerate(ctx.ev.indicators):
            blank = {"name": is_blank(ind.name), "target": ind.target.blank and not department,
                     "actual": ind.actual.blank and not department and not none_stated(ind, ctx.profile),
                     "weight": ind.weight is None and scored, "score": ind.score is None and scored}
            for name, empty in blank.items():
                if empty:
                    yield self.finding(ctx, ctx.path("indicators", j, name),
                                       f"第{j + 1}项指标{label(ind)}的“{term(name)}”为空",
                                       evidence=row_evidence(ind), suggestion=f"补填{term(name)}。")
