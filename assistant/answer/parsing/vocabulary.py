"""The question parser's words: field synonyms, operator and unit words, and the patterns of
each kind of phrase (years, comparisons, aggregates, rankings, grouping, explanation words).

Also the two text helpers every step uses: the question is read left to right and each phrase a
step understands is blanked out (:func:`blank`, :func:`take`), keeping positions, so what is
left at the end is what no step understood.
"""

from __future__ import annotations

import re

BLANK = "□"

# field synonyms per entity, longest match wins
PROJECT_FIELDS: dict[str, tuple[str, ...]] = {
    "exec_score": ("预算执行率得分", "执行率得分", "预算执行得分"),
    "execution_rate": ("预算执行率", "资金执行率", "支出执行率", "执行率", "支出率", "执行进度"),
    "total_score": ("自评总分", "自评得分", "综合得分", "总得分", "自评分数", "自评分", "总分", "得分", "分数", "评分"),
    "budget_initial": ("年初预算数", "年初预算"),
    "exec_amount": ("全年执行数", "执行数", "执行金额", "支出金额", "实际支出", "支出数"),
    "budget": ("全年预算数", "全年预算", "预算总额", "预算数", "预算资金", "预算金额", "资金总额", "资金规模",
               "项目资金", "预算", "资金", "金额"),
    "grade": ("评价等级", "等级", "等次", "评级"),
    "finding_count": ("问题数量", "问题数", "审核发现数"),
    "indicator_count": ("指标数量", "指标个数", "指标数"),
}
INDICATOR_FIELDS: dict[str, tuple[str, ...]] = {
    "actual": ("实际完成值", "完成值", "实际值", "满意度", "满意率"),
    "target": ("年度指标值", "目标值", "指标值"),
    "score": ("指标得分", "得分", "分数"),
    "weight": ("分值", "权重"),
}
FINDING_FIELDS: dict[str, tuple[str, ...]] = {}
ENTITY_FIELDS = {"project": PROJECT_FIELDS, "indicator": INDICATOR_FIELDS, "finding": FINDING_FIELDS}

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2 = ("服务对象满意度指标", "社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标",
          "数量指标", "质量指标", "时效指标")

PRE_OPS: dict[str, str] = {
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "大于等于": ">=", "大于或等于": ">=", "至少": ">=",
    "≥": ">=", ">=": ">=", "达到": ">=",
    "不高于": "<=", "不超过": "<=", "不大于": "<=", "小于等于": "<=", "小于或等于": "<=", "至多": "<=",
    "≤": "<=", "<=": "<=",
    "低于": "<", "小于": "<", "不足": "<", "不到": "<", "少于": "<", "未达到": "<", "<": "<",
    "高于": ">", "大于": ">", "超过": ">", "多于": ">", "超出": ">", ">": ">",
    "等于": "=", "为": "=", "是": "=", "=": "=",
}
SUF_OPS: dict[str, str] = {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<="}
UNITS = ("个百分点", "万元", "亿元", "千元", "元", "%", "分", "个", "项", "条", "人", "年")
MONEY = {"万元": 1.0, "亿元": 10000.0, "千元": 0.1, "元": 0.0001}

CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUM = r"[一二两三四五六七八九十]+"

UNIT_SUFFIX = re.compile(
    r"([\u4e00-\u9fff]{1,8}?(?:局|委员会|委|办公室|中心|医院|卫生院|学校|幼儿园|站|馆|厅|人民政府|政府|街道办事处))")
LEADING_NOISE = re.compile(r"^(?:请问|统计|列出|查询|哪些|哪个|哪家|各个|各|所有|全部|的|在|和|与|及|那|那么)+")

FUNCTION_WORDS = (
    "请问", "请", "帮我", "给我", "告诉我", "一下", "看看", "查询", "统计", "显示", "给出", "列出来", "列出", "列举",
    "列一下", "出来", "都有", "分别是", "分别", "有哪些", "哪些", "哪个", "哪家", "哪一个", "是哪", "是什么", "是多少",
    "为多少", "多少", "有几", "几", "一共", "总共", "共", "所有", "全部", "各个", "各", "每个", "其中", "的", "了", "是",
    "有", "在", "中", "和", "与", "及", "或", "但", "且", "并且", "而且", "同时", "都", "也", "呢", "吗", "吧", "啊",
    "个", "家", "项", "条", "名", "之间", "情况", "如何", "怎么样", "对应", "那么", "那", "它", "其", "我", "数据",
    "记录", "项目", "单位", "部门", "自评", "自评表", "表", "年度", "年", "清单", "名单", "排名", "排序", "按",
    "指标", "一级", "三级", "值", "还", "又", "呀", "哪", "些", "里", "面", "当中", "以上", "以下", "规则", "发现",
)
EXPLAIN = re.compile(r"(?:分别)?(?:说明了?什么原因|说明了?什么|什么原因|何原因|的?原因是什么|的?原因|为什么|为何|"
                     r"怎么解释|如何解释|理由|怎么回事|改进措施|整改措施|措施)")
COUNT_RE = re.compile(r"(?:有多少|多少|有几|几)(?:(个|家|项|条|所|名)(项目|单位|指标|问题|审核发现)?|"
                      r"(项目|单位|指标|问题|审核发现))|"
                      r"(?:(?<![\u4e00-\u9fff])|(?<=的)|(?<=项目)|(?<=单位))(?:个数|数量|总数)")
SUM_RE = re.compile(r"合计|总计|总和|一共|共计|加起来|汇总|总额|总共")
AVG_RE = re.compile(r"平均(?:值|数)?")
MAXV_RE = re.compile(r"(最高|最大|最多|最低|最小|最少)(?:值)?(?:是|为)?多少")
RANK_RE = re.compile(rf"(最高|最低|最多|最少|最大|最小|最好|最差)的?(\d+|{CN_NUM})?(?:个|家|项(?!目)|条|名)?|"
                     rf"(前|倒数)(\d+|{CN_NUM})(?:个|家|项(?!目)|条|名)?")
LIST_RE = re.compile(r"哪些|列出来?|列一下|列举|清单|名单|有哪|分别是|是哪|哪个|哪家|哪一个")
GROUP_RE = re.compile(r"(?:哪个|哪些|哪家|各个|各|每个|按|分)(单位|主管部门|部门|项目)")
MET_FALSE_RE = re.compile(r"(?:未|没有|没|不)(?:能)?(?:达标|达到目标|完成目标|达成|完成|实现目标|达到)")
MET_TRUE_RE = re.compile(r"(?:已|均)?(?:达标|达到目标|完成目标|达成)")
GRADE_RE = re.compile(r"(?:评价等级|等级|等次|评级|评为|评定为|评价为)(?:为|是|被评为)?[“\"'「]?(优秀|优|良好|良|中等|中|合格|差|不合格)")
SEVERITY_RE = re.compile(r"(错误|严重|警告|提示)(?:级别?|类|级)?的?")
RULE_RE = re.compile(r"[A-Z]{2,}-[A-Z]{2,}-\d{3}")
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?:度)?")
REPORT_PROBLEMS_RE = re.compile(r"存在(?:的|哪些|什么)?(?:主要)?问题|问题和困难|问题及原因")
FINDING_RE = re.compile(r"审核发现|问题|不合规|违规")
SATISFACTION_RE = re.compile(r"满意度|满意率")
TOP_RE = re.compile(rf"(前|倒数)(\d+|{CN_NUM})(?:个|家|项(?!目)|条|名)?")
FINDING_WORDS_RE = re.compile(r"审核发现|问题")
MET_WORDS_RE = re.compile(r"(?:达标|达成)")
YES_NO_RE = re.compile(r"(?:吗|么|是否|有没有|是不是)[？?]*$")
PUNCT_RE = re.compile(r"[\s□，,。；;：:？?！!、“”\"'（）()\[\]【】《》]+")
FUNCTION_WORDS_LONGEST_FIRST = tuple(sorted(FUNCTION_WORDS, key=len, reverse=True))
GRADES = {"优秀": "优", "良好": "良", "中等": "中"}
SEVERITIES = {"错误": "error", "严重": "error", "警告": "warning", "提示": "info"}
GROUPS = {"单位": "unit", "主管部门": "department", "部门": "department", "项目": "project"}
# by unit, the field a bare comparison ("低于80%") is about, per entity
UNIT_FIELDS = {
    "project": {"%": "execution_rate", "分": "total_score", "万元": "budget", "亿元": "budget", "千元": "budget",
                "元": "budget"},
    "indicator": {"%": "actual", "分": "score"},
}
# a ranked field, per group, is averaged (rates, scores) or summed (amounts, counts)
AVERAGED = ("execution_rate", "total_score", "exec_score", "actual", "score")


def cn_int(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return CN_DIGITS.get(tens, 1) * 10 + CN_DIGITS.get(ones, 0)
    return CN_DIGITS.get(s)


def alt(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


LEVELS_RE = re.compile(alt(LEVEL1 + LEVEL2))
LEVEL1_RE = re.compile(alt(LEVEL1))
LEVEL2_RE = re.compile(alt(LEVEL2))


def blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` blanked out (positions are kept)."""
    return text[:start] + BLANK * (end - start) + text[end:]


def take(text: str, pattern: re.Pattern[str]) -> tuple[str, list[re.Match[str]]]:
    """Every match of ``pattern`` in ``text``, and the text with them blanked out."""
    found = list(pattern.finditer(text))
    for m in found:
        text = blank(text, m.start(), m.end())
    return text, found


def money(value: float, unit: str | None) -> float:
    """An amount in 万元 (the records' unit) from one in ``unit``; other values unchanged."""
    return value * MONEY[unit] if unit in MONEY else value
