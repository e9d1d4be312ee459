"""The deterministic Chinese parser: a question → route + :class:`StructuredQuery`.

It reads, in this order: years (``2022年``), names the records store knows (units, projects;
a partial unit such as ``教育局``), rule codes, the *entity* (项目 / 指标 / 审核发现), field
mentions with their Chinese synonyms, comparisons (低于 / 不足 / 超过 / 以上 / 以下 / 介于…之间,
with 万元 / 元 / % / 分), 达标 / 未达标, 评价等级, severities, aggregates (多少个 / 合计 / 平均 /
最高…是多少), rankings (最高 / 最低 / 最多 / 前N), grouping (哪个单位 / 各单位) and
explanation words (原因 / 为什么) — each consumed span is blanked out. What is left decides
the route:

* no structured signal → ``document``;
* a signal, and no unexplained words left → ``structured`` (``mixed`` when it also asks
  for reasons: 执行率最低的三个项目分别说明了什么原因);
* only an aggregate or list word plus content the schema does not know
  (``2020年多少个项目编制了绩效目标``: 编制, 绩效目标) → ``document``: the count is a fact
  stated in a report, not one the records can compute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from assistant.answer.query import Aggregate, Filter, OrderBy, StructuredQuery
from assistant.retrieval.gazetteer import Gazetteer
from assistant.values import normalise_text

__all__ = ["Parsed", "Route", "parse_question"]

Route = Literal["structured", "document", "mixed"]
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


@dataclass
class Parsed:
    route: Route
    query: StructuredQuery | None = None
    year: int | None = None
    units: list[str] = field(default_factory=list)  # known unit names, exactly as stored
    unit_like: str | None = None  # a partial unit name (教育局)
    projects: list[str] = field(default_factory=list)
    leftover: str = ""
    notes: list[str] = field(default_factory=list)


def _cn_int(s: str | None) -> int | None:
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


def _alt(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class _Text:
    """The question with consumed spans blanked out (positions are kept)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def consume(self, start: int, end: int) -> None:
        self.text = self.text[:start] + BLANK * (end - start) + self.text[end:]

    def take(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        found = list(pattern.finditer(self.text))
        for m in found:
            self.consume(m.start(), m.end())
        return found


def _explain_words(found: list[str]) -> str | None:
    if not found:
        return None
    words = []
    for f in found:
        if re.search(r"原因|为什么|为何|理由|怎么回事|解释", f):
            words.append("原因")
        elif "措施" in f:
            words.append("改进措施")
        else:
            words.append("说明")
    return "、".join(dict.fromkeys(words))


def _entity(text: str) -> str:
    if "审核发现" in text or RULE_RE.search(text):
        return "finding"
    problems = FINDING_RE.search(REPORT_PROBLEMS_RE.sub("", text))
    if problems and (COUNT_RE.search(text) or RANK_RE.search(text) or SEVERITY_RE.search(text)
                     or "问题数" in text):
        return "finding"
    if MET_FALSE_RE.search(text) or re.search(_alt(LEVEL1 + LEVEL2), text) or SATISFACTION_RE.search(text):
        return "indicator"
    if re.search(r"(?:达标|达成)", text) and "指标" in text:
        return "indicator"
    return "project"


def _money(value: float, unit: str | None) -> float:
    return value * MONEY[unit] if unit in MONEY else value


def _field_for_unit(unit: str | None, entity: str) -> str | None:
    if entity == "project":
        return {"%": "execution_rate", "分": "total_score", "万元": "budget", "亿元": "budget", "千元": "budget",
                "元": "budget"}.get(unit or "")
    if entity == "indicator":
        return {"%": "actual", "分": "score"}.get(unit or "")
    return None


def parse_question(question: str, gaz: Gazetteer | None = None) -> Parsed:
    gaz = gaz or Gazetteer()
    raw = normalise_text(question).replace("％", "%")
    raw = re.sub(r"(?<=\d)\s+(?=[\d%万亿千元分个年])|(?<=[\u4e00-\u9fff])\s+(?=\d)|(?<=\d)\s+(?=[\u4e00-\u9fff])",
                 "", raw)
    t = _Text(raw.rstrip("？?。.!！ "))
    out = Parsed(route="document")
    filters: list[Filter] = []

    # years ------------------------------------------------------------------------------------
    years = [int(m.group(1)) for m in t.take(YEAR_RE)]
    if len(set(years)) == 1:
        out.year = years[0]
    # names ------------------------------------------------------------------------------------
    for name in gaz.find_projects(t.text):
        out.projects.append(name)
        i = t.text.find(name)
        t.consume(i, i + len(name))
    for name in gaz.find_units(t.text):
        out.units.append(name)
        i = t.text.find(name)
        t.consume(i, i + len(name))
    if not out.units:
        for m in UNIT_SUFFIX.finditer(t.text):
            part = LEADING_NOISE.sub("", m.group(1))
            if len(part) >= 2 and BLANK not in part:
                out.unit_like = part
                i = t.text.find(part)
                t.consume(i, i + len(part))
                matches = gaz.units_like(part)
                if len(matches) == 1 and matches[0] == part:
                    out.units, out.unit_like = [part], None
                break
    for m in t.take(RULE_RE):
        filters.append(Filter(field="rule", op="=", value=m.group(0)))

    entity = _entity(t.text)
    # a report's "存在的问题" is document content, not the checker's findings
    if REPORT_PROBLEMS_RE.search(t.text) and entity != "finding":
        out.notes.append("report-problems")

    # explanation words (mixed questions) --------------------------------------------------------
    explain = [m.group(0) for m in t.take(EXPLAIN)]

    # indicator levels, met, grade, severity --------------------------------------------------
    level_filter: str | None = None
    if entity == "indicator":
        for m in t.take(re.compile(_alt(LEVEL2))):
            filters.append(Filter(field="level2", op="=", value=m.group(0)))
        for m in t.take(re.compile(_alt(LEVEL1))):
            level_filter = m.group(0)
        if level_filter is None and SATISFACTION_RE.search(t.text):
            level_filter = "满意度指标"
        if level_filter:
            filters.append(Filter(field="level1", op="=", value=level_filter))
        if t.take(MET_FALSE_RE):
            filters.append(Filter(field="met", op="=", value=False))
        elif t.take(MET_TRUE_RE):
            filters.append(Filter(field="met", op="=", value=True))
    grade = None
    if entity == "project":
        for m in t.take(GRADE_RE):
            grade = {"优秀": "优", "良好": "良", "中等": "中"}.get(m.group(1), m.group(1))
            filters.append(Filter(field="grade", op="=", value=grade))
    if entity == "finding":
        for m in t.take(SEVERITY_RE):
            sev = {"错误": "error", "严重": "error", "警告": "warning", "提示": "info"}[m.group(1)]
            filters.append(Filter(field="severity", op="=", value=sev))
        t.take(re.compile(r"审核发现|问题"))

    # field mentions and comparisons ---------------------------------------------------------------
    synonyms = ENTITY_FIELDS[entity]
    syn_to_field = {s: f for f, syns in synonyms.items() for s in syns}
    field_alt = _alt(list(syn_to_field)) if syn_to_field else None
    num = r"(\d+(?:\.\d+)?)"
    unit = rf"({_alt(UNITS)})?"
    pre = rf"({_alt(list(PRE_OPS))})?"
    suf = rf"({_alt(list(SUF_OPS))})?"
    conds: list[tuple[str | None, str, list[float], str | None]] = []  # field, op, values, unit
    between_re = re.compile(
        rf"(?:({field_alt})(?:的)?)?(?:在|介于|处于)?{num}{unit}(?:到|至|-|~|和|与){num}{unit}(?:之间)?"
        if field_alt else rf"(?:在|介于|处于)?{num}{unit}(?:到|至|-|~|和|与){num}{unit}(?:之间)?")
    for m in between_re.finditer(t.text):
        g = m.groups()
        fname = syn_to_field.get(g[0]) if field_alt and g[0] else None
        off = 1 if field_alt else 0
        lo, u1, hi, u2 = float(g[off]), g[off + 1], float(g[off + 2]), g[off + 3]
        u = u1 or u2
        if u == "年":
            continue
        conds.append((fname, "between", [_money(lo, u), _money(hi, u)], u))
        t.consume(m.start(), m.end())
    if field_alt:
        cmp_re = re.compile(rf"({field_alt})(?:的|都|均)?(?:在|均|都)?{pre}{num}{unit}{suf}")
        for m in cmp_re.finditer(t.text):
            fname = syn_to_field[m.group(1)]
            op = PRE_OPS.get(m.group(2) or "") or SUF_OPS.get(m.group(5) or "") or "="
            conds.append((fname, op, [_money(float(m.group(3)), m.group(4))], m.group(4)))
            t.consume(m.start(), m.end())
    bare_re = re.compile(rf"(?:在)?({_alt([k for k in PRE_OPS if len(k) > 1 or k in '<>≤≥'])})?{num}"
                         rf"(万元|亿元|千元|元|%|分){suf}")
    for m in bare_re.finditer(t.text):
        u = m.group(3)
        op = PRE_OPS.get(m.group(1) or "") or SUF_OPS.get(m.group(4) or "")
        if op is None:
            continue
        conds.append((None, op, [_money(float(m.group(2)), u)], u))
        t.consume(m.start(), m.end())
    for fname, op, values, u in conds:
        fname = fname or _field_for_unit(u, entity)
        if fname is None:
            out.notes.append(f"无法判断比较对象：{op}{values}")
            continue
        filters.append(Filter(field=fname, op=op, value=values if op == "between" else values[0]))  # type: ignore[arg-type]

    # aggregates, rankings, grouping ------------------------------------------------------------
    group_by = None
    gm = GROUP_RE.search(t.text)
    if gm:
        g = {"单位": "unit", "主管部门": "department", "部门": "department", "项目": "project"}[gm.group(1)]
        if not (g == "project" and entity == "project"):
            group_by = g
            t.consume(gm.start(), gm.end())
    max_value = MAXV_RE.search(t.text)
    rank = None if max_value else RANK_RE.search(t.text)
    agg: Aggregate | None = None
    order: OrderBy | None = None
    limit: int | None = None

    def field_near(pos: int) -> str | None:
        best: tuple[int, str] | None = None
        for syn, fname in syn_to_field.items():
            for mm in re.finditer(re.escape(syn), t.text):
                d = abs(mm.start() - pos)
                if best is None or d < best[0] or (d == best[0] and len(syn) > 0):
                    best = (d, fname)
        return best[1] if best else None

    def consume_fields() -> list[str]:
        found = []
        if field_alt:
            for mm in re.finditer(field_alt, t.text):
                found.append(syn_to_field[mm.group(0)])
                t.consume(mm.start(), mm.end())
        return found

    if max_value:
        fname = field_near(max_value.start())
        word = max_value.group(1)
        t.consume(max_value.start(), max_value.end())
        if fname and group_by is None:
            agg = Aggregate(op="max" if word in ("最高", "最大", "最多") else "min", field=fname)
        else:
            order = OrderBy(field="value", descending=word in ("最高", "最大", "最多"))
            limit = 1
    elif rank:
        word = rank.group(1) or rank.group(3)
        n = _cn_int(rank.group(2) or rank.group(4))
        if n is None:
            top = re.search(rf"(前|倒数)(\d+|{CN_NUM})(?:个|家|项(?!目)|条|名)?", t.text)
            if top:
                n = _cn_int(top.group(2))
                t.consume(top.start(), top.end())
        descending = word not in ("最低", "最少", "最小", "最差", "倒数")
        fname = field_near(rank.start())
        t.consume(rank.start(), rank.end())
        if group_by is not None or (fname is None and entity == "finding"):
            order = OrderBy(field="value", descending=descending)
        elif fname is not None:
            order = OrderBy(field=fname, descending=descending)  # type: ignore[arg-type]
        limit = n or (1 if word not in ("前", "倒数") else 5)
        if fname is None and entity == "project" and "问题" in raw and group_by is None:
            entity, group_by = "finding", "project"
            order = OrderBy(field="value", descending=descending)
        if group_by is not None and fname is not None:
            spec_unit = {"execution_rate": "avg", "total_score": "avg", "exec_score": "avg", "actual": "avg",
                         "score": "avg"}.get(fname, "sum")
            agg = Aggregate(op=spec_unit, field=fname)  # type: ignore[arg-type]
    if agg is None:
        # 平均 before 合计: the first aggregate word found decides, and it is consumed either way
        m, op = next(((found, op) for op, regex in (("avg", AVG_RE), ("sum", SUM_RE))
                      if (found := regex.search(t.text))), (None, None))
        if m is not None:
            fname = field_near(m.start())
            t.consume(m.start(), m.end())
            if fname:
                agg = Aggregate(op=op, field=fname)  # type: ignore[arg-type]
        else:
            m = COUNT_RE.search(t.text)
            if m and not re.search(r"(?:是|为)多少", t.text[m.start() - 1:m.end() + 1]):
                target = m.group(2) or m.group(3)
                t.consume(m.start(), m.end())
                key = None
                if target == "单位" and group_by is None:
                    key = "unit"
                elif target == "项目" and entity != "project":
                    key = "project"
                agg = Aggregate(op="count", field=key)  # type: ignore[arg-type]
    listing = bool(t.take(LIST_RE))
    if group_by is not None and agg is None:
        agg = Aggregate(op="count")
        if order is None and "最" not in raw:
            order = None
    if entity == "finding" and agg is None and (order is not None or group_by is not None):
        agg = Aggregate(op="count")
    consume_fields()

    # what is left ----------------------------------------------------------------------------------
    left = t.text
    for w in sorted(FUNCTION_WORDS, key=len, reverse=True):
        left = left.replace(w, "")
    left = re.sub(r"[\s□，,。；;：:？?！!、“”\"'（）()\[\]【】《》]+", "", left)
    out.leftover = left
    yes_no = bool(re.search(r"(?:吗|么|是否|有没有|是不是)[？?]*$", raw)) or "是否" in raw
    if yes_no:
        # "居民健康素养水平达标了吗" asks about one row; it is not a filter on 达标
        filters = [f for f in filters if f.field != "met"]
    if entity == "indicator" and len(left) >= 2 and left in raw:
        # the name of an indicator ("居民健康素养水平为什么没有达标")
        filters.append(Filter(field="indicator", op="contains", value=left))
        out.leftover = left = ""

    has_filter = bool(filters) or bool(out.units or out.unit_like or out.projects or out.year)
    scope = ("rule", "level1", "level2", "indicator", "evaluation_kind")
    strong = bool([f for f in filters if f.field not in scope]) or order is not None or group_by is not None \
        or (agg is not None and agg.op in ("sum", "avg", "max", "min")) or entity == "finding"
    weak = agg is not None or (listing and has_filter)
    if not (strong or weak):
        return out
    if len(left) >= 2 and not strong:
        out.notes.append(f"未识别的内容：{left}")
        return out
    if "report-problems" in out.notes and entity != "finding":
        return out

    # build the query -----------------------------------------------------------------------------------
    if entity == "project" and "部门整体" in raw:
        filters.insert(0, Filter(field="evaluation_kind", op="=", value="department"))
    elif entity == "project" and "项目" in raw and group_by != "project":
        filters.insert(0, Filter(field="evaluation_kind", op="=", value="project"))
    if out.year is not None:
        filters.insert(0, Filter(field="year", op="=", value=out.year))
    if out.units:
        filters.insert(0, Filter(field="unit", op="in", value=list(out.units)) if len(out.units) > 1
                       else Filter(field="unit", op="=", value=out.units[0]))
    elif out.unit_like:
        filters.insert(0, Filter(field="unit", op="contains", value=out.unit_like))
    if out.projects:
        filters.insert(0, Filter(field="project", op="in", value=list(out.projects)) if len(out.projects) > 1
                       else Filter(field="project", op="=", value=out.projects[0]))
    try:
        query = StructuredQuery(entity=entity, filters=filters, aggregate=agg or Aggregate(op="list"),  # type: ignore[arg-type]
                                group_by=group_by, order_by=order, limit=limit,  # type: ignore[arg-type]
                                explain=_explain_words(explain))
    except ValidationError as err:
        out.notes.append(f"查询无效：{err.errors()[0]['msg']}")
        return out
    out.query = query
    out.route = "mixed" if explain else "structured"
    return out
