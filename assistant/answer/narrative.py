"""Figures of narrative reports (预算绩效管理情况报告, 自评报告): read sentence by sentence, matched
to the question's measure and year, answered with the exact sentence cited.

A figure is a number with its unit (``776个``, ``645215万元``, ``2次``, ``两次``, ``100%``), what it
counts (the words after a count's unit: ``776个项目`` counts 项目), the year it belongs to (the
nearest ``YYYY年`` before it in its sentence, else the last year named earlier in the passage,
else the passage's own year) and the sentence it stands in. A question asking for a figure
(``多少个项目``, ``几轮``, ``多少资金``, ``覆盖率``) is answered with the best-matching figure of the
year asked; a question comparing two years (``与2022年相比增加了多少``) with the figure of each
year, both sentences cited, and their difference computed here. When the measure is in the
report but not for the year asked, the reply says so — a figure is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.answer.draft import cited, end_sentence
from assistant.answer.extractive import _section_prefix as section_prefix
from assistant.answer.text import numbers, sentences
from assistant.numbers import canonical
from assistant.retrieval import Hit, HybridRetriever, RetrievalFilters

__all__ = ["Figure", "FigureQuestion", "NarrativeAnswer", "Words", "answer_figures", "comparison_followup",
           "figure_question", "figures_in", "report_answer", "reported_in_other_year", "words"]

NARRATIVE_KINDS = ("report", "unknown", "mixed")  # a table's cells are answered from the records

# units of counts, of money and of rates; a count asked with 个 may be written with 项 or 家
COUNT_UNITS = ("个", "项", "家", "所", "户", "人", "件", "批")
ROUND_UNITS = ("次", "轮")
MONEY_UNITS = ("亿元", "万元", "元")
RATE_UNITS = ("%",)
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_UNIT_RE = "|".join(map(re.escape, (*MONEY_UNITS, *RATE_UNITS, *COUNT_UNITS, *ROUND_UNITS)))
_FIG = re.compile(rf"(?<![\d.年月])(\d+(?:,\d{{3}})*(?:\.\d+)?|[一二两三四五六七八九十])(?:\s*)({_UNIT_RE})")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_COUNTED = re.compile(r"^[（(]?[\u4e00-\u9fff（）()]{1,12}")


@dataclass(frozen=True)
class Words:
    """The question words of ``narrative.yaml``, each list compiled into one pattern."""

    ask_kinds: tuple[tuple[re.Pattern[str], str], ...]  # (pattern, figure kind), in the file's order
    compare: re.Pattern[str]
    compare_count: re.Pattern[str]
    compare_money: re.Pattern[str]
    question_words: re.Pattern[str]
    compare_only: re.Pattern[str]
    counted_ends: re.Pattern[str]
    change_before: re.Pattern[str]


WORDS_FILE = Path(__file__).with_name("narrative.yaml")
KINDS = ("rounds", "money", "rate", "count")


def _any(entries: list[str]) -> str:
    return "|".join(f"(?:{e})" for e in entries)


@lru_cache(maxsize=1)
def words() -> Words:
    """``narrative.yaml``, read once; a key the code does not read, or a kind it does not know, is
    an error (a word put there would silently do nothing)."""
    data = dict(yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")))
    kinds = data.pop("ask_kinds")
    if set(kinds) - set(KINDS):
        raise ValueError(f"{WORDS_FILE.name}: unknown figure kinds {sorted(set(kinds) - set(KINDS))}")
    only = re.escape(data.pop("compare_only_chars"))
    out = Words(
        ask_kinds=tuple((re.compile(_any(v)), k) for k, v in kinds.items()),
        compare=re.compile(_any(data.pop("compare"))),
        compare_count=re.compile(_any(data.pop("compare_count_words"))),
        compare_money=re.compile(_any(data.pop("compare_money_words"))),
        question_words=re.compile(_any(data.pop("question_words"))),
        compare_only=re.compile(rf"[{only}\s]|{_any(data.pop('compare_only_words'))}"),
        counted_ends=re.compile(_any([re.escape(w) for w in data.pop("counted_ends")])),
        change_before=re.compile(rf"(?:{_any(data.pop('change_before'))})了?$"),
    )
    if data:
        raise ValueError(f"{WORDS_FILE.name}: keys not read by the code: {sorted(data)}")
    return out


@dataclass(frozen=True)
class Figure:
    """A number of a narrative sentence with its unit, what it counts and its year."""

    value: Decimal
    unit: str
    raw: str  # as written: 776个, 两次
    counts: str  # for a count: the words after its unit (项目, 市属预算单位); else ""
    year: int | None
    sentence: str  # the sentence it stands in, spaces between digits and words removed
    before: str  # the sentence's words before the figure (what a money figure or a rate is of)
    change: bool  # a difference written in the text (增加22个), not a level
    hit: Hit | None = None
    # the sentence before it in its paragraph when its own names no year (涉及926个项目… continues it)
    previous: str = ""

    @property
    def kind(self) -> str:
        return _kind(self.unit)


def _kind(unit: str) -> str:
    if unit in MONEY_UNITS:
        return "money"
    if unit in RATE_UNITS:
        return "rate"
    if unit in ROUND_UNITS:
        return "rounds"
    return "count"


HEADING_CHARS = 30  # a line this short without closing punctuation is a heading, not a broken sentence


def _compact(text: str) -> str:
    """Spaces between digits and words dropped (``2020 年`` → ``2020年``), line breaks inside a
    sentence joined (a PDF or text report breaks lines anywhere); a heading stays its own line."""
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    t = ""
    for line in lines:
        ends = not t or re.search(r"[。！？；：:!?;]$", t) or len(t.rsplit("\n", 1)[-1]) <= HEADING_CHARS
        t += ("\n" if ends and t else "") + line
    return re.sub(r"(?<=[\d\u4e00-\u9fff%（）()，,。])[ \t\u3000]+|[ \t\u3000]+(?=[\d\u4e00-\u9fff%（）()，,。])", "", t)


def _value(token: str) -> Decimal:
    if token in _CN_DIGITS:
        return Decimal(_CN_DIGITS[token])
    return Decimal(canonical(token) or "0")


def _counted(after: str) -> str:
    """What a count counts: the words right after its unit, up to punctuation, 的 or a verb."""
    m = _COUNTED.match(after)
    if not m:
        return ""
    counted = re.sub(r"[（）()]", "", m.group(0))
    return words().counted_ends.split(counted)[0]


def figures_in(text: str, hit: Hit | None = None, year: int | None = None) -> list[Figure]:
    """Every figure of ``text``, sentence by sentence; ``year``: the passage's own year, for a
    sentence that names none."""
    out: list[Figure] = []
    for paragraph in _compact(text).split("\n"):
        # a year named earlier in the paragraph holds for its later sentences; a new paragraph
        # starts again from the passage's own year
        out.extend(_paragraph_figures(paragraph, hit, year))
    return out


def _paragraph_figures(paragraph: str, hit: Hit | None, year: int | None) -> list[Figure]:
    out: list[Figure] = []
    carried = year
    previous = ""
    for raw_sentence in sentences(paragraph):
        s = raw_sentence.strip()
        years = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(s)]
        for m in _FIG.finditer(s):
            token, unit = m.group(1), m.group(2)
            if not token.isdigit() and token in _CN_DIGITS and unit not in ROUND_UNITS:
                continue  # 一个, 三项 as words are not figures; 两次 / 三轮 are
            if s[m.end():m.end() + 1] == "月" or (unit == "人" and s[m.end():m.end() + 1] in "民大"):
                continue
            before_years = [y for pos, y in years if pos < m.start()]
            fig_year = before_years[-1] if before_years else carried
            counts = ""
            if _kind(unit) == "count":
                # 776个项目 names what it counts after the figure; 监控项目398个, before it
                counts = _counted(s[m.end():]) or re.split(r"[，,；;：:。\d年]", s[:m.start()])[-1][-8:]
            out.append(Figure(value=_value(token), unit=unit, raw=m.group(0).replace(" ", ""), counts=counts,
                              year=fig_year, sentence=s, before=s[:m.start()],
                              change=bool(words().change_before.search(s[:m.start()])), hit=hit,
                              previous="" if years else previous))
        if years:
            carried = years[-1][1]
        previous = s
    return out


# --- the question --------------------------------------------------------------------------------

_ASKED_COUNTED = re.compile(r"(?:多少|几)(?:个|项|家|所|户|件)([\u4e00-\u9fff]{1,10})")


@dataclass(frozen=True)
class FigureQuestion:
    """What a figure question asks: the kinds of figure (one per measure asked), the years (two
    for a comparison), the words that say what is counted, and the measure words."""

    kinds: tuple[str, ...]
    years: tuple[int, ...]
    compare: bool
    counted: str  # 多少个项目 → 项目
    words: str  # the question without years and question words

    @property
    def year(self) -> int | None:
        return self.years[0] if self.years else None


def figure_question(question: str) -> FigureQuestion | None:
    """The figure ``question`` asks for, or None when it asks for none (then retrieval answers)."""
    q = _compact(question)
    w = words()
    kinds = tuple(k for rx, k in w.ask_kinds if rx.search(q))
    compare = bool(w.compare.search(q))
    if not kinds and compare:
        kinds = ("count",) if w.compare_count.search(q) else ("money",) if w.compare_money.search(q) else ()
    if not kinds:
        return None
    years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(q)))
    m = _ASKED_COUNTED.search(q)
    counted = w.counted_ends.split(m.group(1))[0] if m else ""
    said = w.question_words.sub(" ", _YEAR.sub(" ", q))
    return FigureQuestion(kinds=kinds, years=years, compare=compare, counted=counted, words=said)


def comparison_followup(question: str, previous: str | None) -> str | None:
    """``与2022年相比增加了多少？`` after a figure question names no measure of its own: it asks the
    previous question's figure compared with the year it names — the two questions as one (None
    when ``question`` is not such a follow-up)."""
    if not previous:
        return None
    q = _compact(question)
    if not words().compare.search(q) or not _YEAR.search(q) or words().compare_only.sub("", _YEAR.sub("", q)):
        return None
    before = figure_question(previous)
    if before is None or before.compare or not before.years:
        return None
    return f"{previous.strip().rstrip('？?。')}？{question.strip()}"


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[\s\W\d_]+", " ", text)
    return {t[i:i + 2] for i in range(len(t) - 1) if " " not in t[i:i + 2]}


def _score(fig: Figure, fq: FigureQuestion, kind: str) -> float:
    """How well ``fig`` answers the measure asked: the question's words found near the figure
    (its clause weighs double), and for a count, the counted thing named alike."""
    asked = _bigrams(fq.words)
    if not asked:
        return 0.0
    clause = re.split(r"[，,；;：:]", fig.before)[-1] + fig.raw + fig.counts
    near = _bigrams(clause)
    whole = _bigrams(fig.previous + fig.sentence)
    score = (2 * len(asked & near) + len(asked & whole)) / (3 * len(asked))
    if kind == "count" and not fq.counted and len(fig.counts) >= 2 and fig.counts in fq.words:
        score += 0.5  # 监控项目数: the thing counted named in the question's own words
    elif kind == "count" and fq.counted:
        c = _bigrams(fq.counted)
        got = _bigrams(fig.counts)
        if fig.counts and (fig.counts in fq.counted or fq.counted in fig.counts or c & got):
            score += 0.5
        else:
            score -= 0.5
    return score


MIN_SCORE = 0.25  # below this the report does not speak of the measure asked


def _best(figs: Sequence[Figure], fq: FigureQuestion, kind: str, year: int | None) -> Figure | None:
    pool = [f for f in figs if f.kind == kind and not f.change and (year is None or f.year == year)]
    scored = sorted(((_score(f, fq, kind), n, f) for n, f in enumerate(pool)), key=lambda t: (-t[0], t[1]))
    return scored[0][2] if scored and scored[0][0] >= MIN_SCORE else None


@dataclass
class NarrativeAnswer:
    """The sentences of a figure answer, each with the figure(s) it cites (a citation per hit),
    numbers it computed (for the number guard), and whether the figure was found."""

    lines: list[str]
    cited: list[Figure]
    computed: list[str]
    found: bool
    hits: list[Hit] = field(default_factory=list)  # [n] cites hits[n - 1]


def _display(fig: Figure) -> str:
    return end_sentence(fig.sentence)


def answer_figures(question: str, hits: Sequence[Hit]) -> NarrativeAnswer | None:
    """The answer to a figure question from the narrative ``hits``, or None when the question asks
    no figure or the hits hold none of the measure asked (then the ordinary extractive answer runs).

    Citation markers ``[n]`` number the figures' hits in order of first use (``cited``)."""
    fq = figure_question(question)
    if fq is None:
        return None
    figs: list[Figure] = []
    for h in hits:
        if h.metadata.get("submission_kind") not in NARRATIVE_KINDS:
            continue
        meta_year = h.metadata.get("year")
        _heading, body = section_prefix(h)
        figs.extend(figures_in(body, h, int(meta_year) if meta_year else None))
    if not figs:
        return None
    order: list[Hit] = []

    def marker(fig: Figure) -> int:
        assert fig.hit is not None
        ids = [h.chunk_id for h in order]
        if fig.hit.chunk_id not in ids:
            order.append(fig.hit)
            return len(order)
        return ids.index(fig.hit.chunk_id) + 1

    if fq.compare and fq.years:
        out = _comparison(fq, figs, marker)
        if out is not None:
            out.hits = order
        return out
    lines: list[str] = []
    chosen: list[Figure] = []
    missing_year = False
    for kind in fq.kinds:
        fig = _best(figs, fq, kind, fq.year)
        if fig is None:
            missing_year = missing_year or (fq.year is not None and _best(figs, fq, kind, None) is not None)
            continue
        chosen.append(fig)
    for kind in fq.kinds:
        # 涉及多少个项目、多少资金: the other figure asked stands in the sentence of the one found
        if not any(f.kind == kind for f in chosen):
            fig = next((f for c in list(chosen) for f in figs if f.sentence == c.sentence and f.kind == kind
                        and not f.change and f.year == c.year), None)
            if fig is not None:
                chosen.append(fig)
    chosen.sort(key=lambda f: (figs.index(f)))
    for sentence in dict.fromkeys(f.sentence for f in chosen):
        here = [f for f in chosen if f.sentence == sentence]
        n = marker(here[0])
        said = "，".join(f.raw for f in here)
        lines.append(cited(f"{fq.year}年为{said}。" if fq.year else f"答：{said}。", n))
        lines.append(cited(_display(here[0]), n))
    if lines:
        return NarrativeAnswer(lines=lines, cited=chosen, computed=[], found=True, hits=order)
    if missing_year:
        others = sorted({f.year for k in fq.kinds for f in figs if f.year and f.kind == k and not f.change
                         and _score(f, fq, k) >= MIN_SCORE})
        said = "、".join(f"{y}年" for y in others)
        return NarrativeAnswer(lines=[f"报告中没有{fq.year}年的这一数字（报告只写了{said}的）。"], cited=[],
                               computed=[], found=False)
    return None


def _comparison(fq: FigureQuestion, figs: list[Figure], marker: Callable[[Figure], int]) -> NarrativeAnswer | None:
    """Two years' figures of the same measure and their difference, both sentences cited."""
    kind = fq.kinds[0]
    years = list(fq.years)
    if len(years) == 1:
        # 与2022年相比: the other year is the latest the report gives the measure for
        latest = [f.year for f in figs if f.kind == kind and f.year and f.year != years[0] and not f.change
                  and _score(f, fq, kind) >= MIN_SCORE]
        if not latest:
            return None
        years = [max(latest), years[0]]
    later, earlier = max(years[:2]), min(years[:2])
    a, b = _best(figs, fq, kind, later), _best(figs, fq, kind, earlier)
    if a is None or b is None:
        absent = [y for y, f in ((later, a), (earlier, b)) if f is None]
        if a is None and b is None:
            return None
        return NarrativeAnswer(lines=[f"报告中没有{'、'.join(f'{y}年' for y in absent)}的这一数字，无法比较。"],
                               cited=[], computed=[], found=False)
    if _kind(a.unit) != _kind(b.unit) or (a.kind == "money" and a.unit != b.unit):
        a_n, b_n = numbers(a.raw), numbers(b.raw)
        va, vb = Decimal(str(a_n[0].value)), Decimal(str(b_n[0].value))
        unit = "万元"
    else:
        va, vb, unit = a.value, b.value, a.unit
    diff = va - vb
    size = canonical(str(abs(diff))) or "0"
    unit_word = "个百分点" if unit == "%" else unit
    change = "持平" if diff == 0 else (f"增加{size}{unit_word}" if diff > 0 else f"减少{size}{unit_word}")
    ma, mb = marker(a), marker(b)
    lines = [cited(_display(a), ma)]
    if b.sentence != a.sentence:
        lines.append(cited(_display(b), mb))
    lines.append(f"{later}年为{canonical(str(va))}{unit}，{earlier}年为{canonical(str(vb))}{unit}，"
                 f"{later}年比{earlier}年{change}[{ma}][{mb}]。" if ma != mb else
                 f"{later}年为{canonical(str(va))}{unit}，{earlier}年为{canonical(str(vb))}{unit}，"
                 f"{later}年比{earlier}年{change}[{ma}]。")
    return NarrativeAnswer(lines=lines, cited=[a, b], computed=[size + unit_word], found=True)


def report_answer(question: str, retriever: HybridRetriever, units: Sequence[str], k: int = 15) -> NarrativeAnswer | None:
    """What the narrative reports (of ``units``, else any) say to the figure ``question`` asks: the
    figure found, or that the year asked is not among the years they give it for (None: the
    question asks no figure, or no report speaks of its measure)."""
    if figure_question(question) is None:
        return None
    said = None
    for unit in units or [None]:
        found = answer_figures(question, retriever.search(question, k=k, filters=RetrievalFilters(unit=unit)))
        if found is not None and found.found:
            return found
        said = said or found
    return said


def reported_in_other_year(question: str, retriever: HybridRetriever, units: Sequence[str], k: int = 15) -> bool:
    """Whether the figure ``question`` asks for (of its year) stands in a narrative report of the
    ``units`` filed for another year: a 2023 annual report gives the 2022 count too, so "no 2022
    material" is not the answer."""
    found = report_answer(question, retriever, units, k)
    return found is not None and found.found
