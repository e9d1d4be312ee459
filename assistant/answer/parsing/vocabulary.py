"""The question parser's words: field synonyms, indicator levels, operator, grade, severity and
function words (data: ``words.yaml``), unit words, and the patterns of each kind of phrase (years,
comparisons, aggregates, rankings, grouping, explanation words).

Also the two text helpers every step uses: the question is read left to right and each phrase a
step understands is blanked out (:func:`blank`, :func:`take`), keeping positions, so what is
left at the end is what no step understood.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

BLANK = "□"

WORDS_FILE = Path(__file__).with_name("words.yaml")
# the C loader when PyYAML has it: read on every start of the answer engine
_WORDS = yaml.load(WORDS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

# field synonyms per entity, longest match wins
ENTITY_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    entity: {name: tuple(syns) for name, syns in (table or {}).items()} for entity, table in _WORDS["fields"].items()}
PROJECT_FIELDS = ENTITY_FIELDS["project"]
INDICATOR_FIELDS = ENTITY_FIELDS["indicator"]

LEVEL1: tuple[str, ...] = tuple(_WORDS["level1"])
LEVEL2: tuple[str, ...] = tuple(_WORDS["level2"])

PRE_OPS: dict[str, str] = dict(_WORDS["operators_before"])
SUF_OPS: dict[str, str] = dict(_WORDS["operators_after"])

UNITS = ("个百分点", "万元", "亿元", "千元", "元", "%", "分", "个", "项", "条", "人", "年")
MONEY = {"万元": 1.0, "亿元": 10000.0, "千元": 0.1, "元": 0.0001}

CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUM = r"[一二两三四五六七八九十]+"

UNIT_SUFFIX = re.compile(
    r"([\u4e00-\u9fff]{1,8}?(?:局|委员会|委|办公室|中心|医院|卫生院|学校|幼儿园|站|馆|厅|人民政府|政府|街道办事处))")
LEADING_NOISE = re.compile(r"^(?:请问|统计|列出|查询|哪些|哪个|哪家|各个|各|所有|全部|的|在|和|与|及|那|那么)+")

FUNCTION_WORDS: tuple[str, ...] = tuple(_WORDS["function_words"])
EXPLAIN = re.compile(r"(?:分别)?(?:说明了?什么原因|说明了?什么|什么原因|何原因|的?原因是什么|的?原因|为什么|为何|"
                     r"怎么解释|如何解释|理由|怎么回事|改进措施|整改措施|措施)")
COUNT_RE = re.compile(r"(?:有多少|多少|有几|几)(?:(个|家|项|条|所|名|份)(项目|单位|指标|问题|审核发现|材料)?|"
                      r"(项目|单位|指标|问题|审核发现|材料))|"
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
GRADES: dict[str, str] = dict(_WORDS["grades"])
WORKFLOW: dict[str, dict[str, list[str]] | list[str]] = _WORDS["workflow"]
SEVERITIES: dict[str, str] = dict(_WORDS["severities"])
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
