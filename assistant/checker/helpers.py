"""Shared helpers of the rules: blank and placeholder detection, target-vs-actual comparison,
expected scores, fund arithmetic, word matching in narratives and the 部门整体 ratio checks.

Rules stay a few lines long by calling these; nothing here knows a rule code except the
部门整体 ratio helper, which reads its scoring scheme from the profile by code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, TypeVar

from assistant.glossary import BENEFIT, COST, OUTPUT, SATISFACTION
from assistant.model import Evaluation, FundRow, Funds, Indicator, Value
from assistant.values import deadline_text, normalise_text, parse_value

if TYPE_CHECKING:
    from assistant.checker.context import CheckContext
    from assistant.checker.profiles import Profile

F = TypeVar("F", bound=Callable[..., Any])

# --- caches ----------------------------------------------------------------------------------------

_CACHES: list[Any] = []


def _cached(maxsize: int) -> Callable[[F], F]:
    """``functools.lru_cache`` for pure functions of cell and sentence texts, which many rules ask
    about the same text; :func:`clear_caches` empties them all."""
    def wrap(fn: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]
    return wrap


def clear_caches() -> None:
    """Forget every cached text: a benchmark that re-checks the same submissions starts each
    round as cold as a batch of submissions never seen."""
    for cached in _CACHES:
        cached.cache_clear()


# --- text ------------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")
_WIDE = re.compile("[\u3000\u2212\ufe63\u301c\uff01-\uff5e]")  # what normalise_text rewrites
_WORDISH = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = re.compile(r"[\s，。、；;：:,.!！?？“”\"'‘’（）()《》【】\[\]—\-_/]+")
_SENTENCE = re.compile(r"[。；;！!？?\n]+")


@_cached(16384)
def norm(text: str | None) -> str:
    """:func:`assistant.values.normalise_text`, skipped when there is nothing full-width to rewrite.
    Cached: many rules read the same cells and narrative sentences."""
    if not text:
        return ""
    return normalise_text(text) if _WIDE.search(text) else _WS.sub(" ", text).strip()


def compact(text: str | None) -> str:
    """Normalised text with all whitespace removed (full-width digits → ASCII)."""
    return _WS.sub("", norm(text))


def chinese_chars(text: str | None) -> int:
    """How many Chinese characters ``text`` has: a cell of only numbers, dashes or slashes has none."""
    return len(_CHINESE.findall(text or ""))


def is_blank(text: str | None, profile: Profile | None = None) -> bool:
    """Empty, a dash/slash placeholder, or only a placeholder word (无, 暂无, 无偏差 …)."""
    if text is None:
        return True
    placeholder, core = _blank_parts(text)
    return placeholder or (profile is not None and core in profile.placeholder_words)


@_cached(16384)
def _blank_parts(text: str) -> tuple[bool, str]:
    """(a dash/slash/empty placeholder?, the compact text without its final punctuation)."""
    core = compact(text)
    # Placeholders are short (—, /, 无, 暂无, n/a, null); anything longer with a word in it is text.
    if not (len(core) > 4 and _WORDISH.search(core)) and parse_value(core).blank:
        return True, core
    return False, core.rstrip("。.;；")


def has_any(text: str | None, words: Iterable[str]) -> bool:
    return first_of(text, words) is not None


# A measure word that is negated ("资金未落实", "尚未建立") or judged wanting ("责任落实不到位",
# "宣传推进不够") is part of the cause.
_MEASURE_NEGATED = re.compile(r"(未|没有|尚未|没|不)$")
_MEASURE_WANTING = re.compile(r"^(不到位|不够|不足|不力|不及时|不充分|不完善|不规范|不严|滞后|缓慢)")


def states_measure(text: str | None, words: Iterable[str]) -> bool:
    """Whether ``text`` proposes something: one of the forward-looking ``words``, not negated."""
    t = compact(text)
    for word in words:
        start = t.find(word)
        while start >= 0:
            end = start + len(word)
            if not (_MEASURE_NEGATED.search(t[max(0, start - 2):start]) or _MEASURE_WANTING.match(t[end:end + 3])):
                return True
            start = t.find(word, start + 1)
    return False


def first_of(text: str | None, words: Iterable[str]) -> str | None:
    """The first of ``words`` found in ``text`` (in the order of ``words``)."""
    if not text:
        return None
    t = compact(text)
    return next((w for w in words if w and w in t), None)


def sentences(text: str | None) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(norm(text)) if s.strip()]


def clip(text: str | None, width: int = 60) -> str:
    t = norm(text)
    return t if len(t) <= width else t[: width - 1] + "…"


def num(x: float | None) -> str:
    """A number as a reviewer would write it: 20, 19.6, 3824.26 (at most two decimals)."""
    if x is None:
        return "（空）"
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def amount(x: float | None) -> str:
    """A money amount as filled in, every decimal kept (89.974 万元 is not 89.97)."""
    if x is None:
        return "（空）"
    s = f"{x:.6f}".rstrip("0").rstrip(".")  # six places: float noise of sums gone, real decimals kept
    return "0" if s == "-0" else s


def fixed(x: float) -> str:
    """A computed result, always with two decimals: 16.00, 80.45."""
    return f"{x:.2f}"


def shown(value: Value | None) -> str:
    """A cell as written, for messages; blank cells read （空）."""
    if value is None or value.blank:
        return "（空）"
    return norm(value.raw)


def similarity(a: str | None, b: str | None, floor: float = 0.0) -> float:
    """0..1 similarity of two texts, ignoring punctuation and whitespace (0 when surely below ``floor``)."""
    x, y = _PUNCT.sub("", norm(a)), _PUNCT.sub("", norm(b))
    if not x or not y:
        return 0.0
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


# --- indicator kinds -------------------------------------------------------------------------------


def level2(ind: Indicator) -> str:
    return ind.level2 or ""


def is_output(ind: Indicator) -> bool:
    return ind.level1 == OUTPUT


def is_benefit(ind: Indicator) -> bool:
    return ind.level1 == BENEFIT


def is_satisfaction(ind: Indicator) -> bool:
    return ind.level1 == SATISFACTION or "满意" in level2(ind)


def is_cost(ind: Indicator) -> bool:
    return ind.level1 == COST or "成本" in level2(ind)


def is_timeliness(ind: Indicator) -> bool:
    return "时效" in level2(ind)


def is_deadline(value: Value) -> bool:
    return not value.blank and _has_deadline(value.raw)


@_cached(8192)
def _has_deadline(raw: str) -> bool:
    return deadline_text(raw) is not None


def is_text_value(value: Value) -> bool:
    """A written-out value: not blank, no number, not a date (效果明显, 完成, 是)."""
    return not value.blank and value.number is None and not is_deadline(value)


def is_vague(value: Value, words: Sequence[str]) -> bool:
    """WEAK-VAL-001: a vague word and no digit (with the profile's word list)."""
    return is_text_value(value) and has_any(value.raw, words) and not re.search(r"[0-9]", compact(value.raw))


# --- scores ----------------------------------------------------------------------------------------


# Full marks is what the form says, not a computation: 2.9 of 3 is a deduction, however small.
# Only float noise is tolerated (scores are written with at most two decimals).
_WRITTEN = 0.005


def is_full(score: float | None, weight: float | None) -> bool:
    return score is not None and weight is not None and score >= weight - _WRITTEN


def is_below(score: float | None, weight: float | None) -> bool:
    return score is not None and weight is not None and score < weight - _WRITTEN


def differs(a: float | None, b: float | None, tol: float) -> bool:
    return a is not None and b is not None and abs(a - b) > tol + 1e-9


# --- target vs actual -------------------------------------------------------------------------------

_MONEY_IN_WAN = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}
_POSITIVE_OPS, _REVERSE_OPS = (">=", ">", None), ("<=", "<")


def to_wan(number: float | None, unit: str | None) -> float | None:
    """A money number in 万元 (None when ``unit`` is not a money unit)."""
    if number is None or unit not in _MONEY_IN_WAN:
        return None
    return number * _MONEY_IN_WAN[unit]


def direction(value: Value) -> str:
    """``positive`` (≥, >, plain A), ``reverse`` (≤, <) or ``equal`` (=)."""
    if value.op in _REVERSE_OPS:
        return "reverse"
    return "equal" if value.op == "=" else "positive"


@dataclass(frozen=True)
class Comparison:
    """Target A vs actual B of one quantitative indicator, in the same unit."""

    direction: str
    target: float
    actual: float
    met: bool
    share: float  # expected score / weight: 1.0 when met, else the 10号 proportion

    @property
    def formula(self) -> str:
        """The proportion as a reviewer checks it: "80/100" (B/A), or A/B for reverse indicators."""
        a, b = self.target, self.actual
        if self.direction == "reverse" or (self.direction == "equal" and b > a):
            return f"{num(a)}/{num(b)}"
        return f"{num(b)}/{num(a)}"

    @property
    def overshoot(self) -> float | None:
        """B/A (positive) or A/B (reverse); None when undefined."""
        a, b = (self.actual, self.target) if self.direction == "positive" else (self.target, self.actual)
        return a / b if b > 0 and a >= 0 else None


def compare(ind: Indicator) -> Comparison | None:
    """Compare target and actual by the target's operator (10号 N6, G5).

    None when either side is blank, text or a date, or their units cannot be reconciled
    (money units are converted; a % against a bare fraction such as 0.96 is not guessed).
    """
    return _compare(ind.target, ind.actual)


@_cached(8192)
def _compare(tv: Value, av: Value) -> Comparison | None:
    if not tv.quantitative or not av.quantitative:
        return None
    a, b = tv.number, av.number
    assert a is not None and b is not None
    if tv.unit != av.unit and tv.unit is not None and av.unit is not None:
        a, b = to_wan(a, tv.unit), to_wan(b, av.unit)
        if a is None or b is None:
            return None
    if (tv.unit == "%") != (av.unit == "%") and min(a, b) <= 1.0 < max(a, b):
        return None
    kind = direction(tv)
    eps = 1e-9
    if kind == "reverse":
        met = b - eps <= a
        share = 1.0 if met else (a / b if b > 0 and a >= 0 else 0.0)
    elif kind == "equal":
        met = abs(b - a) <= eps
        if met or a <= 0 or b <= 0:
            share = 1.0 if met else 0.0
        else:
            share = b / a if b < a else a / b
    else:
        met = b + eps >= a
        share = 1.0 if met else (b / a if a > 0 and b >= 0 else 0.0)
    return Comparison(kind, a, b, met, min(share, 1.0))


def needs_explanation(ind: Indicator) -> bool:
    """Score below the points, or the target missed: 10号 N2 asks for reasons and measures."""
    if is_below(ind.score, ind.weight):
        return True
    cmp = compare(ind)
    return cmp is not None and not cmp.met


# --- qualitative achievement bands (10号 N7) ----------------------------------------------------------

_PARTIAL = ("部分达成", "部分完成", "基本达成", "基本完成", "部分实现", "基本实现", "部分达到", "基本达到")
_UNMET = ("未达成", "未完成", "未实现", "未达到", "没有完成", "没有达到", "不达标", "不合格", "效果较差", "效果差")
_ACHIEVED = ("达成", "完成", "实现", "达到", "达标", "合格")


@_cached(8192)
def achievement(text: str | None) -> str | None:
    """``achieved`` / ``partial`` / ``unmet`` from a qualitative actual value, or None."""
    t = compact(text)
    if not t:
        return None
    if t in ("是", "否"):  # a yes/no cell: only the whole cell counts
        return "achieved" if t == "是" else "unmet"
    if any(w in t for w in _PARTIAL):
        return "partial"
    if any(w in t for w in _UNMET):
        return "unmet"
    if any(w in t for w in _ACHIEVED):
        return "achieved"
    return None


BAND_TITLES = {"achieved": "达成年度指标", "partial": "部分达成并具有一定效果", "unmet": "未达成且效果较差"}


def band_range(band: str, bands: Sequence[float]) -> tuple[float, float]:
    """The share of the points a band allows, e.g. achieved → (0.8, 1.0) under [80, 60]."""
    high, low = bands[0] / 100.0, bands[1] / 100.0
    return {"achieved": (high, 1.0), "partial": (low, high), "unmet": (0.0, low)}[band]


# --- narrative words ---------------------------------------------------------------------------------

UNMET_WORDS = ("未完成", "未达到", "未达成", "未实现", "未能", "部分完成", "部分达成", "尚未", "滞后", "延期",
               "推迟", "延迟", "进度缓慢", "未按期", "未按时", "未到位", "未全部")
_NEGATED = re.compile(r"(?:无|没有|不存在|未出现|未发生|未有|避免|防止)$")
DONE_WORDS = ("已全部完成", "全部完成", "均已完成", "圆满完成", "全面完成", "全部达成", "均已达成", "全部实现")
_DEDUCTION_WORDS = ("未", "部分", "滞后", "延期", "扣", "偏差", "不足", "差距", "但", "低于", "没有", "尚")


@_cached(8192)
def unmet_phrase(text: str | None) -> str | None:
    """The first "not done / late" word of ``text`` that is not negated (无滞后, 未出现延期)."""
    t = compact(text)
    for word in UNMET_WORDS:
        start = t.find(word)
        while start >= 0:
            if not _NEGATED.search(t[max(0, start - 3):start]):
                return word
            start = t.find(word, start + 1)
    return None


def done_phrase(text: str | None) -> str | None:
    """"All done" words with no hint of a shortfall in the same text."""
    word = first_of(text, DONE_WORDS)
    if word is None or has_any(compact(text).replace(word, ""), _DEDUCTION_WORDS):
        return None
    return word


_NAME_SUFFIXES = ("完成率", "完成情况", "及时率", "覆盖率", "合格率", "达标率", "准确率", "知晓率", "满意度",
                  "人数", "数量", "次数", "个数", "率", "数", "量", "度")


@_cached(8192)
def plain(text: str | None) -> str:
    """Normalised text without punctuation or spaces, for "is this name in that sentence" tests.
    Cached: the narrative rules ask it for the same indicator names once per sentence."""
    return _PUNCT.sub("", norm(text))


@_cached(8192)
def name_core(name: str | None) -> str:
    """The distinctive part of an indicator name: 资助对象认定准确率 → 资助对象认定."""
    t = plain(name)
    for suffix in _NAME_SUFFIXES:
        if t.endswith(suffix) and len(t) - len(suffix) >= 2:
            return t[: -len(suffix)]
    return t


def mentioned(text: str, indicators: Sequence[Indicator]) -> list[int]:
    """Indices of the indicators a sentence speaks about: those named in full, else the one
    whose name core (资助对象认定准确率 → 资助对象认定) appears — only when exactly one does, so
    受助学生辍学率 and 受助学生满意度 are never confused."""
    t = plain(text)
    full = [j for j, ind in enumerate(indicators) if (name := plain(ind.name)) and name in t]
    if full:
        return full
    cores = [j for j, ind in enumerate(indicators) if len(core := name_core(ind.name)) >= 2 and core in t]
    return cores if len(cores) == 1 else []


def mentions(ctx: CheckContext, text: str) -> list[int]:
    """:func:`mentioned` for the evaluation's indicators, remembered per context: the narrative
    rules ask it about every sentence once per indicator row."""
    known: dict[str, list[int]] = ctx.memo("mentions", dict)
    if text not in known:
        known[text] = mentioned(text, ctx.ev.indicators)
    return known[text]


def narrative(ctx: CheckContext) -> list[str]:
    """Every sentence that talks about the evaluation: the related report sections (headings and
    text) and the table's own free-text cells. Computed once per context."""
    return ctx.memo("narrative", lambda: _narrative(ctx))


def _narrative(ctx: CheckContext) -> list[str]:
    texts: list[str] = []
    for sec in ctx.related_sections:
        texts.extend(sec.path)
        texts.append(sec.text)
    if ctx.evaluation is not None:
        ev = ctx.evaluation
        texts += [ev.goal_achieved or "", ev.conclusion or "", ev.problems or "", ev.measures or "",
                  ev.funds.reason or ""]
        texts += [ind.deviation_reason or "" for ind in ev.indicators]
    return [s for t in texts for s in sentences(t)]


def has_narrative(ctx: CheckContext) -> bool:
    """Whether there is any free text beyond the goal cells to look in: report sections, or the
    table's 评价结论 / 存在问题 / 改进措施. A bare MOF table has nowhere to name sources or surveys."""
    ev = ctx.evaluation
    return bool(ctx.related_sections) or (ev is not None and any(
        not is_blank(t) for t in (ev.conclusion, ev.problems, ev.measures)))


def report_text(ctx: CheckContext) -> str:
    """All narrative as one text (for "is X named anywhere" checks)."""
    return ctx.memo("report_text", lambda: "。".join(narrative(ctx)))


# --- quantities in free text ------------------------------------------------------------------------

_QTY = re.compile(r"(?<![0-9.])[0-9][0-9,]*(?:\.[0-9]+)?\s*(?:%|‰|[^\s0-9，。、；;,.:：（）()]{0,4})")


def quantities(text: str | None) -> list[Value]:
    """Numbers with their units in free text (资助学生500人 → 500 人); dates and years skipped."""
    out = []
    for m in _QTY.finditer(norm(text)):
        value = parse_value(m.group())
        if value.number is not None:
            out.append(value)
    return out


def _money_part(unit: str | None) -> tuple[str | None, str]:
    """元/人 → (元, 人); 万元 → (万元, "")."""
    base, _, per = (unit or "").partition("/")
    return (base or None), per


def same_quantity(a: Value, b: Value) -> bool:
    """Same number in compatible units (money compared in 万元, 0.25万元 = 2500元/人 per the same thing)."""
    if a.number is None or b.number is None:
        return False
    (ua, pa), (ub, pb) = _money_part(a.unit), _money_part(b.unit)
    x, y = to_wan(a.number, ua), to_wan(b.number, ub)
    if pa and pb and pa != pb:
        x = y = None
    if x is not None and y is not None:
        return abs(x - y) <= 1e-6 * max(1.0, abs(x))
    return abs(a.number - b.number) <= 1e-9 and (a.unit == b.unit or a.unit is None or b.unit is None)


# --- funds -------------------------------------------------------------------------------------------

MONEY_COLUMNS = ("budget_initial", "budget_full_year", "exec_amount")


def total_row(funds: Funds) -> tuple[int, FundRow] | None:
    return next(((k, r) for k, r in enumerate(funds.rows) if r.category == "total"), None)


def source_rows(funds: Funds) -> list[tuple[int, FundRow]]:
    return [(k, r) for k, r in enumerate(funds.rows) if r.category != "total"]


def amount_tolerance(funds: Funds, profile: Profile) -> float:
    return profile.amount_tolerance * (10000.0 if funds.unit == "元" else 1.0)


@dataclass(frozen=True)
class Execution:
    row: int  # index of the total row
    executed: float
    budget: float
    rate: float  # percent
    from_sources: bool = False  # the total row was left empty: the source rows' sums

    @property
    def formula(self) -> str:
        basis = "，按各资金来源合计" if self.from_sources else ""
        return f"{num(self.executed)}/{num(self.budget)}{basis}"


def budget_row(funds: Funds) -> FundRow | None:
    """The row whose amounts state the project's money: the total row, or, when it was left at 0 or
    blank above filled-in sources, their sums. Real forms do that: 年度资金总额 0/0/0 above 本年财政拨款
    90/89.974/89.974, with 执行率 and 得分 then filled as 0 (RULES.md P1, a 池州 table)."""
    found = total_row(funds)
    if found is None:
        return None
    total = found[1]
    parts = [r for _, r in source_rows(funds)]
    if not _left_empty(total) or all(_left_empty(r) for r in parts):
        return total
    sums = {col: sum(v for r in parts if (v := getattr(r, col)) is not None) for col in MONEY_COLUMNS}
    return FundRow(name="各资金来源合计", category="total", **sums)


def _left_empty(row: FundRow) -> bool:
    return not any(getattr(row, col) for col in MONEY_COLUMNS)


def execution(funds: Funds, profile: Profile, *, sources: bool = False) -> Execution | None:
    """执行率 recomputed from the total row: 执行数 / the profile's denominator column.

    With ``sources``, a total row left empty gives way to the sums of the source rows
    (:func:`budget_row`); rules that locate a finding on the total row's own cells leave it False.
    """
    found = total_row(funds)
    if found is None:
        return None
    k, row = found
    summed = budget_row(funds) if sources else row
    budget = getattr(summed, profile.execution_denominator, None)
    if summed is None or summed.exec_amount is None or not budget:
        return None
    return Execution(k, summed.exec_amount, budget, summed.exec_amount / budget * 100.0, from_sources=summed is not row)


def stated_rate(funds: Funds, computed: float | None = None) -> float | None:
    """执行率 as filled in, in percent; a bare fraction (0.95) is read as 95% when that fits."""
    v = funds.rate
    if v.number is None or v.unit not in (None, "%"):
        return None
    if v.unit is None and v.number <= 1.5 and (computed is None or abs(v.number * 100 - computed) < abs(v.number - computed)):
        return v.number * 100.0
    return v.number


def rate_for_scoring(funds: Funds, profile: Profile) -> float | None:
    """The execution rate to judge by: recomputed when the amounts allow, else as filled in."""
    exe = execution(funds, profile, sources=True)
    return exe.rate if exe is not None else stated_rate(funds)


def execution_weight(ev: Evaluation, profile: Profile) -> float:
    return ev.funds.weight if ev.funds.weight is not None else profile.execution_weight


def level1_sums(ev: Evaluation) -> dict[str, float]:
    sums: dict[str, float] = {}
    for ind in ev.indicators:
        if ind.level1 and ind.weight is not None:
            sums[ind.level1] = sums.get(ind.level1, 0.0) + ind.weight
    return sums


# --- 部门整体 ratios (DEPT-CALC-*, DEPT-OUT-001) ---------------------------------------------------------

_NUMBER = r"(-?[0-9][0-9,]*(?:\.[0-9]+)?)"
_GAP = r"[^0-9\-，。；;,增减降升多少高低提率]{0,12}?"
_PER_PP = re.compile(r"每(?:超|超过|超出|高于|增加|上升|多)?(?:1|一)?个?百分点扣" + _NUMBER + "分")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


_QUOTES = re.compile(r"[“”\"'‘’「」]")


def unquoted(text: str | None) -> str:
    """Compact text without quote marks: “三公经费”控制率 → 三公经费控制率."""
    return _QUOTES.sub("", compact(text))


def figure(text: str | None, labels: Sequence[str]) -> float | None:
    """The number written after one of ``labels`` (在职人员98人 → 98)."""
    t = unquoted(text)
    for label in labels:
        m = re.search(re.escape(label) + _GAP + _NUMBER, t)
        if m:
            return _number(m.group(1))
    return None


def percent_after(text: str | None, names: Sequence[str]) -> float | None:
    """The percentage stated for one of ``names`` (在职人员控制率为98% → 98)."""
    t = unquoted(text)
    for name in names:
        m = re.search(re.escape(name) + r"[^0-9\-%，。；;]{0,6}?" + _NUMBER + "%", t)
        if m:
            return _number(m.group(1))
    return None


@dataclass(frozen=True)
class RatioSpec:
    """How one 部门整体 ratio indicator is recognised and recomputed."""

    names: tuple[str, ...]
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    change: bool = False  # (numerator − denominator) / denominator, e.g. 本年 vs 上年


def matching_rows(ev: Evaluation, spec: RatioSpec) -> Iterator[tuple[int, Indicator]]:
    for j, ind in enumerate(ev.indicators):
        if has_any(unquoted(ind.name), spec.names):
            yield j, ind


def dept_rate(ind: Indicator, spec: RatioSpec) -> tuple[float, str] | None:
    """The rate a 部门整体 row states, with the field it is in (actual or deviation_reason)."""
    if ind.actual.number is not None and ind.actual.unit == "%":
        return ind.actual.number, "actual"
    for field_name, text in (("actual", ind.actual.raw), ("deviation_reason", ind.deviation_reason)):
        value = percent_after(text, spec.names + ("率",))
        if value is not None:
            return value, field_name
    return None


def dept_figures(ind: Indicator, spec: RatioSpec) -> tuple[float, float, float] | None:
    """(numerator, denominator, recomputed rate %) when the row text gives both figures."""
    if not spec.numerator:
        return None
    text = f"{ind.actual.raw}；{ind.deviation_reason or ''}"
    top, bottom = figure(text, spec.numerator), figure(text, spec.denominator)
    if top is None or not bottom:
        return None
    rate = (top - bottom) / bottom * 100.0 if spec.change else top / bottom * 100.0
    return top, bottom, rate


def dept_expected(scheme: dict[str, Any], rate: float, weight: float, criteria: str | None) -> tuple[float, str] | None:
    """Expected score of a ratio row under a scoring scheme, with how it was computed."""
    kind = scheme.get("type", "none")
    if kind == "proportional":
        return weight * min(rate, 100.0) / 100.0, f"{num(weight)} × {num(min(rate, 100.0))}%"
    if kind == "over_limit":
        limit = float(scheme["limit"])
        if rate <= limit + 1e-9:
            return weight, f"不超过{num(limit)}%，得满分"
        m = _PER_PP.search(compact(criteria))
        per_pp = _number(m.group(1)) if m else scheme.get("per_pp")
        if per_pp is None:
            return None
        over = rate - limit
        return max(0.0, weight - per_pp * over), f"超过{num(limit)}%共{num(over)}个百分点，每个百分点扣{num(per_pp)}分"
    if kind in ("bands_high", "bands_low"):
        for bound, share in scheme["bands"]:
            if (rate >= bound - 1e-9) if kind == "bands_high" else (rate <= bound + 1e-9):
                return weight * share, f"{num(rate)}%对应{num(share * 100)}%的分值"
    return None


def dept_findings(rule: Any, ctx: CheckContext, spec: RatioSpec) -> Iterator[Any]:
    """Recompute a 部门整体 ratio from the figures in its row and its score from the profile's scheme."""
    ev, tol = ctx.ev, ctx.profile.score_tolerance
    scheme = ctx.profile.dept_scoring.get(rule.code, {"type": "none"})
    for j, ind in matching_rows(ev, spec):
        stated = dept_rate(ind, spec)
        figures = dept_figures(ind, spec)
        label = norm(ind.name)
        if figures is not None and stated is not None and differs(stated[0], figures[2], ctx.profile.rate_tolerance):
            top, bottom, rate = figures
            formula = f"（{num(top)} − {num(bottom)}）/ {num(bottom)}" if spec.change else f"{num(top)}/{num(bottom)}"
            yield rule.finding(
                ctx, ctx.path("indicators", j, stated[1]),
                f"“{label}”应为 {fixed(rate)}%（{formula}），表内填报 {num(stated[0])}%",
                evidence=clip(ind.deviation_reason or ind.actual.raw, 80),
                suggestion=f"按 {formula} 重新计算{label}，并据此重新评分。")
        rate = figures[2] if figures is not None else stated[0] if stated is not None else None
        if rate is None or ind.weight is None or ind.score is None:
            continue
        expected = dept_expected(scheme, rate, ind.weight, ind.criteria)
        if expected is None:
            if scheme.get("type") == "over_limit" and rate > float(scheme["limit"]) and is_full(ind.score, ind.weight):
                yield rule.finding(
                    ctx, ctx.path("indicators", j, "score"),
                    f"“{label}”为 {num(rate)}%，超过{num(float(scheme['limit']))}%，不应得满分，表内填报 {num(ind.score)}",
                    evidence=clip(ind.criteria, 80), suggestion="按评分标准扣分，并在扣分原因中说明。")
            continue
        value, how = expected
        if ind.score > ind.weight + tol or differs(ind.score, value, tol):
            yield rule.finding(
                ctx, ctx.path("indicators", j, "score"),
                f"“{label}”得分应为 {fixed(value)}（{label} {num(rate)}%，{how}），表内填报 {num(ind.score)}",
                evidence=clip(ind.criteria or ind.deviation_reason, 80),
                suggestion="按评分标准重新计算得分；扣分的须在扣分原因中说明。")


# --- indicator rows -----------------------------------------------------------------------------------


def row_evidence(ind: Indicator) -> str:
    """The row as a reviewer reads it, for a finding's evidence."""
    parts = [f"三级指标 {norm(ind.name) or '（空）'}", f"年度指标值 {shown(ind.target)}",
             f"实际完成值 {shown(ind.actual)}", f"分值 {num(ind.weight)}", f"得分 {num(ind.score)}"]
    if ind.deviation_reason:
        parts.append(f"偏差说明 {clip(ind.deviation_reason, 40)}")
    return "；".join(parts)


def label(ind: Indicator) -> str:
    return f"“{norm(ind.name) or '（未命名指标）'}”"


def score_findings(rule: Any, ctx: CheckContext, kind: str) -> Iterator[Any]:
    """CALC-IND-001/002/003: recompute each quantitative row's score by 10号 N6 / G5."""
    tol = ctx.profile.score_tolerance
    for j, ind in enumerate(ctx.ev.indicators):
        cmp = compare(ind)
        if cmp is None or cmp.direction != kind or ind.weight is None or ind.score is None:
            continue
        expected = ind.weight * cmp.share
        if not differs(ind.score, expected, tol):
            continue
        if cmp.met and ind.score < expected and not is_blank(ind.deviation_reason, ctx.profile):
            continue  # an explained cut for an obviously low target (10号 N6)
        if cmp.met:
            how = f"实际完成值 {shown(ind.actual)} 已达到年度指标值 {shown(ind.target)}，应得满分"
        else:
            how = f"{num(ind.weight)} × {cmp.formula}"
        yield rule.finding(
            ctx, ctx.path("indicators", j, "score"),
            f"{label(ind)}得分应为 {fixed(expected)}（{how}），表内填报 {num(ind.score)}",
            evidence=row_evidence(ind),
            suggestion=(f"按 {num(ind.weight)} × {cmp.formula} 计算得分为 {fixed(expected)}；"
                        "如因目标设定偏低等原因另行扣分，须在偏差原因中说明。" if not cmp.met else
                        "达到目标应得满分；如因目标明显偏低而扣分，须在偏差原因中说明。"))
