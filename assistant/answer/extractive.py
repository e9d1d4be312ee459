"""The offline generator: pick and order the evidence sentences that answer the question.

Each retrieved chunk is cut into candidate pieces — a sentence of a report section, one field
(``label：value``) of a table chunk, or a whole indicator row — and every piece is scored by how
many of the question's *focus terms* it holds (the question's words minus names, years and
question words; a term counts half when only its heading holds it). The best pieces above a
threshold become the answer, each prefixed by where it comes from and followed by its
citation. Pieces are verbatim evidence, so every number in them is in the cited chunk.

Only pieces that add something are cited: a further piece from a document already cited must
hold a focus term the chosen pieces lack (the 执行率 field is the answer; the 存在问题 sentence
that repeats "执行率未达到100%" is not). A piece about another project or year than the question
names counts half.

The answer says plainly that the documents do not contain it when no piece reaches the
threshold, and when no candidate's chunk holds the question's *key terms*: focus terms that are
rare in the whole index (at most :data:`KEY_SHARE` of the chunks — 收费 in 第三方评价机构收费标准),
the specific thing asked about. Evidence about 第三方机构 in general does not answer what they
charge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.safety import PLACEHOLDER
from assistant.answer.terms import terms
from assistant.retrieval import Hit
from assistant.retrieval.query import SYNONYMS, without_names
from assistant.stores.fulltext import query_tokens, tokenize

__all__ = ["KEY_SHARE", "THRESHOLD", "DocFreqs", "Piece", "focus_terms", "key_terms", "pieces_of", "select_pieces"]

THRESHOLD = 0.5
KEY_SHARE = 0.01  # a focus term in at most this share of all chunks is a key term
SEP = "｜"
SECTION_SENTENCES = 3  # sentences one report chunk may give to an answer

GENERIC = frozenset({
    "项目", "单位", "情况", "多少", "什么", "如何", "怎么样", "怎样", "是否", "哪些", "哪个", "年度", "年", "具体",
    "主要", "内容", "有关", "相关", "请问", "一下", "介绍", "怎么", "多少钱", "呢", "那么", "那", "它", "该", "这个",
    "分别", "其", "给出", "列出", "告诉", "可以", "一共", "共", "总共", "是", "为", "有", "的", "了", "及", "和", "与",
    "本", "我", "们", "这", "哪", "些", "以及", "还是", "或者", "它们", "该单位", "该项目", "此", "当年", "全年",
    # what kind of answer is wanted (a count, a share), and negation: not what it is about
    "几次", "几个", "几项", "几份", "比例", "比率", "占比", "没有", "没", "未",
})
# question words → the label the forms print (so "预算执行率" finds "执行率：98%", not "预算执行率分值")
ALIASES: dict[str, str] = {
    "预算执行率": "执行率", "资金执行率": "执行率", "支出执行率": "执行率", "自评得分": "总分", "自评总分": "总分",
    "综合得分": "总分", "总得分": "总分", "自评分": "总分", "满意率": "满意度", "评价等级": "等级", "等次": "等级",
    "预算执行情况": "执行率", "资金执行情况": "执行率", "执行情况": "执行率", "执行进度": "执行率",
}
# … and the glossary's spellings of a field the forms print under another label (调整后预算 → 全年预算数)
ALIASES.update({sp: t.label for t in terms() if t.in_records for sp in t.spellings
                if sp not in ALIASES and sp not in t.label and t.label not in sp})
# labels that only matter when asked for
SIDE_LABELS = ("分值", "得分", "评分标准", "指标性质", "年初预算数")
# a synonym trigger holding a question word is a phrase (得了多少分, 满不满意), not content words
QUESTION_PHRASE = re.compile(r"多少|什么|为何|咋|怎么|好不好|满不满")
# words that show a sentence gives a reason
REASON_WORDS = ("原因", "由于", "因为", "导致", "所致", "影响", "滞后", "推迟", "延迟", "未能", "不到位", "偏差")
# words in a question that point at a field label
LABEL_HINTS: dict[str, tuple[str, ...]] = {
    "实际完成值": ("完成", "实际", "达到", "多少", "满意度", "达成"),
    "年度指标值": ("目标", "指标值", "计划"),
    "得分": ("得分", "分数", "打分", "几分", "多少分"),
    "偏差原因分析及改进措施": ("原因", "为什么", "为何", "偏差", "措施", "整改"),
}


@dataclass
class Piece:
    hit: Hit
    rank: int  # 0-based rank of the hit
    display: str  # the sentence shown (without citation)
    evidence: str  # the exact words of the chunk it rests on (citation snippet)
    score: float
    reason: str | None = None  # the reason words of a table piece (偏差原因 / 执行偏差原因), if any


Concept = tuple[str, ...]  # alternative spellings of one thing the question asks about


def focus_terms(question: str, names: Sequence[str] = ()) -> list[Concept]:
    """What ``question`` asks about, without the given names (units, projects) and years: one
    concept per content word, with the form terms it stands for as alternatives
    (``问题`` → ``("问题", "存在问题")``; ``预算执行率`` → ``("执行率",)``)."""
    q = without_names(question, names)
    q = re.sub(r"(?:19|20)\d{2}\s*年度?", " ", q)
    concepts: list[Concept] = []
    for alias in sorted(ALIASES, key=len, reverse=True):
        if alias in q:
            concepts.append((alias, ALIASES[alias]))
            q = q.replace(alias, " ")
    # colloquial phrases stand for their form term as a whole; cut into words they leave
    # fragments (自评得了多少分 → 评得) that no document holds
    for term, triggers in SYNONYMS.items():
        said = [t for t in triggers if QUESTION_PHRASE.search(t) and t in q]
        if said and term not in q:
            concepts.append((term, *said))
            for t in said:
                q = q.replace(t, " ")
    words = [w for w in query_tokens(q) if w not in GENERIC and len(w) >= 2 and not w.isdigit()]
    words = list(dict.fromkeys(words))
    words = [w for w in words if not any(w != o and w in o for o in words)]  # "满意度" covers "满意"
    for w in words:
        alts = [w] + [term for term, triggers in SYNONYMS.items() if term != w and any(t in w for t in triggers)]
        concepts.append(tuple(dict.fromkeys(alts)))
    for term, triggers in SYNONYMS.items():  # phrases jieba splits ("为什么", "花了多少")
        if any(t in q for t in triggers) and not any(term in c for c in concepts) \
                and not any(t in w for t in triggers for w in words) \
                and not any(term in a or a in term for c in concepts for a in c):
            concepts.append((term, *[t for t in triggers if len(t) >= 2 and t in q]))
    return concepts


def _coverage(terms: Sequence[Concept], text: str, heading: str = "") -> float:
    if not terms:
        return 0.0
    got = 0.0
    for alts in terms:
        if any(a in text for a in alts):
            got += 1.0
        elif heading and any(a in heading for a in alts):
            got += 0.75
        elif any(len(a) >= 3 and _part(a, text) for a in alts):
            got += 0.5
    return got / len(terms)


def _has(terms: Sequence[Concept], text: str) -> bool:
    return any(a in text for alts in terms for a in alts)


def _part(term: str, text: str) -> bool:
    """A long term whose longer half is in the text ("执行偏差原因" for "偏差原因")."""
    half = max(2, (len(term) + 1) // 2)
    return any(term[i:i + half] in text for i in range(len(term) - half + 1))


_SENT = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)]*|\n|$)")


def _sentences(text: str) -> list[str]:
    """Sentences, without the placeholders left where instruction-like text was cut out."""
    text = text.replace(PLACEHOLDER, "")
    return [m.group(0).strip() for m in _SENT.finditer(text) if m.group(0).strip()]


def _fields(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``title｜label：value｜…`` → (title, [(label, value)])."""
    parts = text.split(SEP)
    title = parts[0]
    fields: list[tuple[str, str]] = []
    for p in parts[1:]:
        label, sep, value = p.partition("：")
        if sep:
            fields.append((label.strip(), value.strip()))
        elif fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + SEP + p)
        else:
            title += p  # a context segment such as "项目资金（万元）"
    return title, fields


def _section_prefix(hit: Hit) -> tuple[str, str]:
    """(prefix the chunker put before a section's text, the text after it)."""
    text = hit.text
    section = str(hit.metadata.get("section") or "")
    if section:
        i = text.find(section + "：")
        if i >= 0:
            return text[: i + len(section) + 1], text[i + len(section) + 1:]
    unit = str(hit.metadata.get("unit") or "")
    if unit and text.startswith(unit) and "：" in text[: len(unit) + 40]:
        j = text.index("：")
        return text[: j + 1], text[j + 1:]
    return "", text


def _where(hit: Hit) -> str:
    meta = hit.metadata
    unit = meta.get("unit") or meta.get("department") or ""
    kind = meta.get("submission_kind")
    doc = {"report": "自评报告", "table": "自评表", "department": "部门整体自评表"}.get(str(kind), "材料")
    section = str(meta.get("section") or "")
    last = section.split(" > ")[-1].strip() if section else ""
    return f"{unit}{doc}" + (f"（{last}）" if last else "")


def _indicator_display(fields: list[tuple[str, str]], terms: Sequence[Concept], question: str) -> tuple[str, str]:
    d = dict(fields)
    name = d.get("三级指标") or d.get("二级指标") or "指标"
    bits = []
    for label in ("年度指标值", "实际完成值", "分值", "得分", "评分标准", "偏差原因分析及改进措施"):
        if label not in d:
            continue
        wanted = label in ("年度指标值", "实际完成值") or any(h in question for h in LABEL_HINTS.get(label, ())) \
            or _has(terms, label)
        if label == "分值" and "得分" not in question and "分值" not in question:
            wanted = False
        if wanted:
            bits.append(f"{label}{d[label]}" if label != "偏差原因分析及改进措施" else f"偏差原因：{d[label]}")
    if not bits:
        bits = [f"{label}{value}" for label, value in fields if label not in ("一级指标", "二级指标", "三级指标")][:3]
    display = f"三级指标「{name}」：" + "，".join(bits)
    evidence = SEP.join(f"{label}：{value}" for label, value in fields)
    return display, evidence


def pieces_of(hit: Hit, rank: int, terms: Sequence[Concept], question: str) -> list[Piece]:
    """Candidate pieces of one chunk, scored."""
    out: list[Piece] = []
    if hit.kind in ("table_row", "field") and SEP in hit.text:
        title, fields = _fields(hit.text)
        if hit.metadata.get("indicator") and any(label == "三级指标" for label, _ in fields):
            body = SEP.join(f"{label}：{value}" for label, value in fields)
            score = _coverage(terms, body)
            name = dict(fields).get("三级指标", "")
            if _has(terms, name) or _has(terms, dict(fields).get("一级指标", "")):
                score += 0.25  # the row *is* what the question names
            display, evidence = _indicator_display(fields, terms, question)
            reason = next((f"{label}：{value}" for label, value in fields if "原因" in label or "措施" in label), None)
            out.append(Piece(hit, rank, f"{title}中，{display}", evidence, score, reason))
            return out
        for label, value in fields:
            parts = _sentences(value) if len(value) > 60 else [value]
            for part in parts:
                text = f"{label}：{part}"
                score = _coverage(terms, text, heading=title)
                if _has(terms, label):
                    score += 0.1  # a label match is more specific than a mention in a long text
                if any(w in label for w in SIDE_LABELS) and not any(w in question for w in SIDE_LABELS):
                    score *= 0.6
                if "预期目标" in label and not any(w in question for w in ("目标", "计划", "预期")):
                    score *= 0.7  # the plan, not what was achieved
                reason = text if ("原因" in label or "措施" in label) else None
                out.append(Piece(hit, rank, f"{title}中，{label}：{part}", text, score, reason))
        return out
    prefix, body = _section_prefix(hit)
    heading = prefix
    for s in _sentences(body):
        score = _coverage(terms, s, heading=heading)
        out.append(Piece(hit, rank, f"{_where(hit)}：{s}", s, score))
    return out


DocFreqs = Callable[[Sequence[str]], tuple[int, dict[str, int]]]  # FullTextIndex.doc_freqs


def key_terms(terms: Sequence[Concept], doc_freqs: DocFreqs) -> list[Concept]:
    """The focus terms rare in the whole index (see the module docstring). A term's count is
    that of its most frequent spelling, a spelling's that of its rarest word (an upper bound)."""
    words = {a: tokenize(a) for alts in terms for a in alts}
    n, df = doc_freqs([w for ws in words.values() for w in ws])
    if not n:
        return []

    def count(alt: str) -> int:
        return min((df[w] for w in words[alt]), default=0)

    return [alts for alts in terms if max(count(a) for a in alts) <= KEY_SHARE * n]


def _holds(text: str, alts: Concept) -> bool:
    return any(a in text or (len(a) >= 3 and _part(a, text)) for a in alts)


def select_pieces(hits: Sequence[Hit], question: str, *, names: Sequence[str] = (), max_pieces: int = 3,
                  threshold: float = THRESHOLD, project: str | None = None, year: int | None = None,
                  required: Sequence[str] = (), prefer: dict[str, str] | None = None,
                  doc_freqs: DocFreqs | None = None) -> tuple[list[Piece], list[Concept]]:
    """The pieces that answer ``question`` (best first) and the focus terms used.

    ``required``: a piece must hold one of these words (reasons: 原因, 由于 …); ``prefer``:
    chunk metadata that earns a bonus (``{"indicator": "居民健康素养水平"}``); ``doc_freqs``:
    the index's word counts, for the key-term check (none without it).
    """
    terms = focus_terms(question, names)
    if not terms:
        # nothing to look for besides names: the best chunk's first piece, if any
        cands = [p for i, h in enumerate(hits[:1]) for p in pieces_of(h, i, [], question)]
        return cands[:1], terms
    keys = key_terms(terms, doc_freqs) if doc_freqs is not None else []
    cands: list[Piece] = []
    for i, h in enumerate(hits):
        if keys and not all(_holds(h.text, alts) for alts in keys):
            continue  # not about the specific thing asked
        for p in pieces_of(h, i, terms, question):
            if required and not any(w in (p.reason or p.evidence) for w in required):
                continue
            if project and h.metadata.get("project") not in (None, project) and project not in h.text:
                p.score *= 0.5
            if year and h.metadata.get("year") not in (None, year):
                p.score *= 0.5
            if prefer and all(h.metadata.get(k) == v for k, v in prefer.items()):
                p.score += 0.3
            p.score += 0.02 / (1 + i)  # retrieval order breaks ties
            cands.append(p)
    cands.sort(key=lambda p: -p.score)
    if not cands or cands[0].score < threshold:
        return [], terms
    best = cands[0].score
    chosen: list[Piece] = []
    seen_text: set[str] = set()
    per_chunk: dict[str, int] = {}
    for p in cands:
        if len({c.hit.chunk_id for c in chosen}) >= max_pieces or p.score < max(threshold, best * 0.85):
            break
        key = re.sub(r"\W+", "", p.evidence)
        limit = SECTION_SENTENCES if p.hit.kind == "section" else 1
        if per_chunk.get(p.hit.chunk_id, 0) >= limit or key in seen_text:
            continue
        if p.hit.chunk_id not in per_chunk and (len(per_chunk) >= max_pieces or not _adds(p, chosen, terms)):
            continue
        chosen.append(p)
        per_chunk[p.hit.chunk_id] = per_chunk.get(p.hit.chunk_id, 0) + 1
        seen_text.add(key)
    return _merge(chosen), terms


def _adds(piece: Piece, chosen: Sequence[Piece], terms: Sequence[Concept]) -> bool:
    """Whether citing ``piece``'s chunk adds something: another document, or a focus term the
    chosen pieces of its document do not hold."""
    same = [c for c in chosen if c.hit.submission_id == piece.hit.submission_id]
    if not same:
        return True
    return any(_holds(piece.evidence, alts) and not any(_holds(c.evidence, alts) for c in same) for alts in terms)


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Sentences of one section chunk become one piece, in reading order."""
    out: list[Piece] = []
    for p in pieces:
        same = next((o for o in out if o.hit.chunk_id == p.hit.chunk_id), None)
        if same is None:
            out.append(Piece(p.hit, p.rank, p.display, p.evidence, p.score, p.reason))
            continue
        body = same.hit.text
        first, second = sorted([same, p], key=lambda x: body.find(x.evidence))
        same.evidence = first.evidence + second.evidence
        same.display = f"{_where(same.hit)}：{same.evidence}"
    return out
