"""Section-aware Chinese chunking: a :class:`~assistant.model.Submission` → retrievable :class:`Chunk` s.

A chunk is what the full-text index and the vector store hold and what an answer cites, so
each one must make sense alone and point back to its place in the file:

* **narrative sections** (kind ``section``): the text under one heading, prefixed with
  ``{unit}「{project}」｜{heading path}：`` and split on Chinese sentence boundaries
  (。！？； and line breaks) into pieces of at most :data:`MAX_CHARS` characters, prefix
  included, with a one-sentence overlap. A sentence is cut only when it alone is longer than
  the limit (then at a comma first, hard as a last resort).
* **evaluation tables**: one chunk per indicator row (kind ``table_row``) repeating the table
  context — ``{unit}「{project}」项目支出绩效自评表（{year}年度）｜一级指标：产出指标｜…｜实际完成值：
  520人｜…`` — so a row alone answers "X项目的满意度指标完成了多少"; one chunk for the funds block
  (``table_row``), one for header + goals and one for the conclusion / score / problems /
  measures (``field``). A piece too long for one chunk is split the same way as a section,
  the context prefix repeated on every part.

Values are written as the form has them: cells by their raw text, amounts, points and scores by
:func:`assistant.numbers.exact` (387664.62 stays 387664.62, 1234567.5 never becomes 1.23457e+06),
so an answer quoting a chunk quotes the form.

Chunk ids are deterministic, ``f"{submission_id}:{kind}:{n}"`` (n counts per kind in reading
order), and one chunk keeps its id in all three stores (records, full text, vectors). Because
ids only depend on the submission's content, re-indexing a submission means *replacing* all
its chunks (the stores have ``delete_submission`` + ``add``).

Chunking is pure: no I/O, no model. The limit of 300 CJK characters keeps a chunk well under
the 512 tokens of multilingual-e5-small (about one token per CJK character plus the prefix).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.glossary import term
from assistant.model import Evaluation, Indicator, Location, Section, Submission, field_path
from assistant.numbers import exact

__all__ = ["MAX_CHARS", "Chunk", "ChunkKind", "ChunkMeta", "chunk_submission", "split_sentences"]

MAX_CHARS = 300
SEP = "｜"
PATH_SEP = " > "

ChunkKind = Literal["section", "table_row", "field"]


@dataclass
class ChunkMeta:
    """Where a chunk comes from; :meth:`to_flat` is its Chroma / records metadata."""

    unit: str | None = None
    department: str | None = None
    year: int | None = None
    project: str | None = None
    section: str | None = None  # heading path joined with " > " (tables: "表名 > 产出指标 > 数量指标")
    file: str | None = None
    page: int | None = None
    sheet: str | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    paragraph: int | None = None
    evaluation: int | None = None  # index into submission.evaluations
    field: str | None = None  # field path: evaluations[0].indicators[3], sections[2]
    level1: str | None = None  # indicator rows: 一级指标 (filter "满意度指标" chunks)
    indicator: str | None = None  # indicator rows: 三级指标 name
    submission_kind: str | None = None

    def to_flat(self) -> dict[str, str | int | float | bool]:
        """Only scalar, non-None values (what Chroma metadata accepts). Every field is a scalar, so
        no ``dataclasses.asdict`` (it deep-copies: 15 % of the single writer's time per chunk)."""
        return {f.name: v for f in _META_FIELDS if (v := getattr(self, f.name)) is not None and v != ""}

    @classmethod
    def from_flat(cls, data: dict[str, Any]) -> ChunkMeta:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def location(self) -> Location:
        return Location(file=self.file, page=self.page, table=self.table, row=self.row, col=self.col,
                        paragraph=self.paragraph, sheet=self.sheet, field=self.field)


_META_FIELDS = dataclasses.fields(ChunkMeta)


@dataclass
class Chunk:
    id: str
    submission_id: str
    text: str
    kind: ChunkKind
    metadata: ChunkMeta = field(default_factory=ChunkMeta)
    # the full-text index's words for ``text``, when made beside the reading (ingest.prepare); the
    # index makes them itself when None
    terms: str | None = None


# --- sentences ---------------------------------------------------------------------------------

_CLOSERS = "”’」』）)】》\"'"
# A sentence: anything up to and including a run of terminators (plus closing quotes/brackets),
# or up to a line break. Line breaks are kept on the sentence so joining restores them.
_SENTENCE = re.compile(rf"[^。！？；!?;\n]*(?:[。！？；!?;]+[{re.escape(_CLOSERS)}]*|\n+|$)")
_CLAUSE = re.compile(r"[^，、：,:]*(?:[，、：,:]+|$)")


def split_sentences(text: str) -> list[str]:
    """Chinese sentences of ``text``, terminators kept; a line break ends a sentence too.

    Joining the result with ``""`` gives back the text (minus blank-only lines' surplus).
    """
    out: list[str] = []
    for m in _SENTENCE.finditer(text or ""):
        s = m.group(0)
        if s.strip():
            out.append(s)
        elif out and s:
            out[-1] += s  # keep the line break on the previous sentence
    return out


def _hard_split(sentence: str, limit: int) -> list[str]:
    """Split one over-long sentence: at clause marks (，、：) where possible, else every ``limit``."""
    parts: list[str] = []
    cur = ""
    for m in _CLAUSE.finditer(sentence):
        clause = m.group(0)
        if not clause:
            continue
        while len(clause) > limit:
            if cur:
                parts.append(cur)
                cur = ""
            parts.append(clause[:limit])
            clause = clause[limit:]
        if len(cur) + len(clause) > limit:
            parts.append(cur)
            cur = clause
        else:
            cur += clause
    if cur:
        parts.append(cur)
    return [p for p in parts if p.strip()]


def _pack(sentences: list[str], budget: int, overlap: bool = True) -> list[str]:
    """Greedy packing of sentences into pieces of ≤ ``budget`` chars, one-sentence overlap."""
    units: list[str] = []
    for s in sentences:
        units.extend(_hard_split(s, budget) if len(s) > budget else [s])
    pieces: list[str] = []
    cur: list[str] = []
    size = 0
    for u in units:
        if cur and size + len(u) > budget:
            pieces.append("".join(cur))
            last = cur[-1]
            # carry the last sentence over unless it would crowd out the new one
            if overlap and len(cur) > 1 and len(last) + len(u) <= budget and len(last) <= budget // 2:
                cur, size = [last], len(last)
            else:
                cur, size = [], 0
        cur.append(u)
        size += len(u)
    if cur:
        pieces.append("".join(cur))
    return [p.strip() for p in pieces if p.strip()]


def _with_prefix(prefix: str, body: str, limit: int, overlap: bool = True, units: list[str] | None = None
                 ) -> list[str]:
    """``prefix + piece`` for each piece of ``body``, every result ≤ ``limit`` characters."""
    max_prefix = limit // 2
    if len(prefix) > max_prefix:
        prefix = prefix[: max_prefix - 2] + "…："
    body = body.strip()
    if len(prefix) + len(body) <= limit and units is None:
        return [prefix + body]
    parts = units if units is not None else split_sentences(body)
    return [prefix + p for p in _pack(parts, limit - len(prefix), overlap=overlap)]


# --- formatting helpers ------------------------------------------------------------------------

def _clean(s: str | None) -> str | None:
    if s is None:
        return None
    s = re.sub(r"\s+", " ", s).strip()
    return s or None


def _fields(pairs: list[tuple[str, str | None]]) -> str:
    return SEP.join(f"{label}：{value}" for label, value in pairs if value)


def _first_cell(cells: dict[str, Location], *prefer: str) -> Location | None:
    for key in prefer:
        if key in cells:
            return cells[key]
    return next(iter(cells.values()), None)


class _Builder:
    def __init__(self, sub: Submission, limit: int) -> None:
        self.sub = sub
        self.limit = limit
        self.chunks: list[Chunk] = []
        self.counts: dict[str, int] = {}

    def add(self, kind: ChunkKind, text: str, meta: ChunkMeta) -> None:
        n = self.counts.get(kind, 0)
        self.counts[kind] = n + 1
        self.chunks.append(Chunk(id=f"{self.sub.id}:{kind}:{n}", submission_id=self.sub.id, text=text,
                                 kind=kind, metadata=meta))

    def meta(self, loc: Location | None, **kw: Any) -> ChunkMeta:
        loc = loc or Location()
        sub = self.sub
        base = dict(unit=sub.unit, department=sub.department, year=sub.year, file=loc.file or sub.file.name or None,
                    page=loc.page, sheet=loc.sheet, table=loc.table, row=loc.row, col=loc.col,
                    paragraph=loc.paragraph, field=loc.field, submission_kind=sub.kind)
        base.update({k: v for k, v in kw.items() if v is not None})
        return ChunkMeta(**base)


def _report_project(sub: Submission) -> str | None:
    names = {e.project_name for e in sub.evaluations if e.kind == "project" and e.project_name}
    return names.pop() if len(names) == 1 else None


def _section_chunks(b: _Builder, i: int, sec: Section) -> None:
    sub = b.sub
    text = (sec.text or "").strip()
    if not text:
        return
    project = _report_project(sub)
    head = sub.unit or sub.department or ""
    if project:
        head += f"「{project}」"
    path = PATH_SEP.join(p.strip() for p in sec.path if p and p.strip())
    prefix = SEP.join(x for x in (head, path) if x)
    prefix = f"{prefix}：" if prefix else ""
    loc = sec.location
    meta_kw = dict(project=project, section=path or None, field=loc.field or f"sections[{i}]")
    for piece in _with_prefix(prefix, text, b.limit):
        b.add("section", piece, b.meta(loc, **meta_kw))


def _evaluation_title(sub: Submission, ev: Evaluation) -> str:
    unit = ev.impl_unit or sub.unit or ev.department or sub.department or ""
    year = ev.year or sub.year
    year_s = f"（{year}年度）" if year else ""
    if ev.kind == "department":
        return f"{unit}{term('department_evaluation')}{year_s}"
    project = f"「{ev.project_name}」" if ev.project_name else ""
    return f"{unit}{project}{term('evaluation')}{year_s}"


def _value(raw: str | None, unit: str | None = None) -> str | None:
    raw = _clean(raw)
    if raw and unit and unit not in raw:
        return f"{raw}（{unit}）"
    return raw


LONG_FIELD = 40  # a field value longer than this is split by sentences instead of kept in the prefix


def _fielded(context: str, pairs: list[tuple[str, str | None]], limit: int) -> list[str]:
    """``context｜label：value｜…`` in as few chunks of ≤ ``limit`` characters as needed.

    Short fields stay together (and are repeated) in every chunk's prefix; long ones (goals,
    reasons, conclusions) are split by sentences under that prefix. Without long fields the
    short ones are packed under ``context`` alone.
    """
    pairs = [(label, v) for label, v in pairs if v]
    whole = SEP.join([context] + [f"{label}：{_clean(v)}" for label, v in pairs])
    if len(whole) <= limit:
        return [whole]
    short = [(label, v) for label, v in pairs if len(v) <= LONG_FIELD]
    long_ = [(label, v) for label, v in pairs if len(v) > LONG_FIELD]
    if not long_:
        units = [f"{label}：{_clean(v)}{SEP}" for label, v in short]
        return [t.rstrip(SEP) for t in _with_prefix(context + SEP, "", limit, overlap=False, units=units)]
    head = SEP.join([context] + [f"{label}：{_clean(v)}" for label, v in short])
    longest_label = max(len(label) for label, _ in long_)
    if len(head) + len(SEP) + longest_label + 1 > limit // 2:
        # Too many short fields to repeat before every piece (a funds block of four rows): the
        # prefix would be cut and the 执行率 after the rows lost. They get chunks of their own.
        out = _fielded(context, short, limit)
        head = context
    else:
        out = []
    for label, v in long_:
        out.extend(_with_prefix(f"{head}{SEP}{label}：", v, limit))
    return out


def _indicator_chunks(b: _Builder, i: int, j: int, ev: Evaluation, ind: Indicator, title: str) -> None:
    pairs = [
        (term("level1"), _clean(ind.level1)),
        (term("level2"), _clean(ind.level2)),
        (term("name"), _clean(ind.name)),
        (term("nature"), _clean(ind.nature)),
        (term("target"), _value(ind.target.raw, _clean(ind.unit))),
        (term("actual"), _value(ind.actual.raw, _clean(ind.unit))),
        (term("weight"), exact(ind.weight)),
        (term("score"), exact(ind.score)),
        (term("criteria"), _clean(ind.criteria)),
        (term("deviation_reason"), (ind.deviation_reason or "").strip() or None),
    ]
    form = term("evaluation") if ev.kind == "project" else term("department_evaluation")
    section = PATH_SEP.join(x for x in (form, _clean(ind.level1), _clean(ind.level2)) if x)
    loc = _first_cell(ind.cells, "name", "score", "actual")
    meta = b.meta(loc, project=ev.project_name, evaluation=i, section=section, level1=_clean(ind.level1),
                  indicator=_clean(ind.name), field=field_path(i, "indicators", j),
                  year=ev.year or b.sub.year)
    for t in _fielded(title, pairs, b.limit):
        b.add("table_row", t, dataclasses.replace(meta))


def _funds_chunk(b: _Builder, i: int, ev: Evaluation, title: str) -> None:
    f = ev.funds
    pairs: list[tuple[str, str | None]] = []
    for r in f.rows:
        amounts = "、".join(f"{term(k)}{exact(v)}" for k, v in (
            ("budget_initial", r.budget_initial), ("budget_full_year", r.budget_full_year),
            ("exec_amount", r.exec_amount)) if v is not None)
        if amounts:
            pairs.append((r.name or term("funds"), amounts))
    pairs += [
        (term("execution_rate"), _clean(f.rate.raw)),
        (term("exec_weight"), exact(f.weight)),
        (term("exec_score"), exact(f.score)),
        (term("exec_reason"), (f.reason or "").strip() or None),
        (term("adjust_reason"), (f.adjust_reason or "").strip() or None),
    ]
    if not any(v for _, v in pairs):
        return
    loc = _first_cell(f.cells) or next((_first_cell(r.cells) for r in f.rows if r.cells), None)
    meta = b.meta(loc, project=ev.project_name, evaluation=i, field=field_path(i, "funds"),
                  section=f"{title}{PATH_SEP}{term('funds')}", year=ev.year or b.sub.year)
    context = f"{title}{SEP}{term('funds')}（{f.unit or '万元'}）"
    for t in _fielded(context, pairs, b.limit):
        b.add("table_row", t, dataclasses.replace(meta))


def _header_chunk(b: _Builder, i: int, ev: Evaluation, title: str) -> None:
    pairs = [
        (term("project_name"), _clean(ev.project_name)),
        (term("project_code"), _clean(ev.project_code)),
        (term("department"), _clean(ev.department)),
        (term("impl_unit"), _clean(ev.impl_unit)),
        (term("goal_planned"), (ev.goal_planned or "").strip() or None),
        (term("goal_achieved"), (ev.goal_achieved or "").strip() or None),
    ]
    if not any(v for _, v in pairs):
        return
    loc = _first_cell(ev.cells, "project_name", "title", "department", "goal_planned")
    meta = b.meta(loc, project=ev.project_name, evaluation=i, field=field_path(i),
                  section=title, year=ev.year or b.sub.year)
    for t in _fielded(title, pairs, b.limit):
        b.add("field", t, dataclasses.replace(meta))


def _result_chunk(b: _Builder, i: int, ev: Evaluation, title: str) -> None:
    pairs = [
        (term("total_score"), exact(ev.total_score)),
        (term("grade"), _clean(ev.grade)),
        (term("conclusion"), (ev.conclusion or "").strip() or None),
        (term("problems"), (ev.problems or "").strip() or None),
        (term("measures"), (ev.measures or "").strip() or None),
    ]
    if not any(v for _, v in pairs):
        return
    loc = _first_cell(ev.cells, "total_score", "conclusion", "problems", "measures", "grade")
    meta = b.meta(loc, project=ev.project_name, evaluation=i, field=field_path(i, "total_score"),
                  section=title, year=ev.year or b.sub.year)
    for t in _fielded(title, pairs, b.limit):
        b.add("field", t, dataclasses.replace(meta))


def chunk_submission(sub: Submission, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """All chunks of a submission in reading order: evaluations first, then the report's sections."""
    b = _Builder(sub, max_chars)
    for i, ev in enumerate(sub.evaluations):
        title = _evaluation_title(sub, ev)
        _header_chunk(b, i, ev, title)
        _funds_chunk(b, i, ev, title)
        for j, ind in enumerate(ev.indicators):
            _indicator_chunks(b, i, j, ev, ind, title)
        _result_chunk(b, i, ev, title)
    for i, sec in enumerate(sub.sections):
        _section_chunks(b, i, sec)
    return b.chunks
