"""Full-text search on PostgreSQL: jieba-pre-tokenised ``tsvector`` with the ``simple`` configuration.

With the records on PostgreSQL (``ZIPING_DATABASE_URL``) the full text lives there too, so several
servers and workers share one index (the SQLite FTS5 file of :mod:`assistant.stores.fulltext` is
local to one machine). PostgreSQL's parsers do not segment Chinese either, and no extension is
needed: chunks are segmented by the same jieba words as for FTS5 (:func:`tokenize`) and stored
space-joined in ``chunk_terms.tokens``; the ``simple`` configuration then only splits on those
spaces and lower-cases, and a GIN index on ``to_tsvector('simple', tokens)`` finds the chunks
holding a word. Queries are the same words (:func:`query_tokens`), each one passed as a bound
parameter to ``plainto_tsquery`` and OR-ed, so user text never reaches tsquery syntax. Ranking is
``ts_rank`` (PostgreSQL has no BM25; rare words still weigh more through the normalisation by
document length, and the hybrid retriever fuses by rank, not by score).

The ``chunk_terms`` table is part of the records schema (migration ``0005_pg_fulltext``) on both
databases, so the two schemas stay one; on SQLite it stays empty (FTS5 is faster there) and the
GIN index is made on PostgreSQL only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Column, Index, String, Table, Text, delete, func, insert, literal, select, text
from sqlalchemy.engine import Engine

from assistant.stores.fulltext import query_tokens, terms_of
from assistant.stores.records import Base

__all__ = ["PostgresFullTextIndex", "chunk_terms"]

_BATCH = 500

chunk_terms = Table(
    "chunk_terms", Base.metadata,
    Column("id", String(200), primary_key=True),
    Column("submission_id", String(64), nullable=False, index=True),
    Column("tokens", Text, nullable=False),
)



def _config() -> Any:
    # written into the SQL, not bound: the GIN index is used only when a query's expression is
    # the index's expression, constant included
    return text("'simple'::regconfig")


def _tsv() -> Any:
    return func.to_tsvector(_config(), chunk_terms.c.tokens)


TSV_INDEX = Index("ix_chunk_terms_tsv", _tsv(), postgresql_using="gin").ddl_if(dialect="postgresql")


class PostgresFullTextIndex:
    """:class:`~assistant.stores.fulltext.FullTextIndex`'s interface on the records' PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, chunks: Iterable[Any]) -> int:
        """Index chunks (anything with ``id``, ``submission_id``, ``text``), replacing by id."""
        rows = [{"id": c.id, "submission_id": c.submission_id, "tokens": terms_of(c)} for c in chunks]
        if not rows:
            return 0
        with self.engine.begin() as conn:
            for start in range(0, len(rows), _BATCH):
                part = rows[start:start + _BATCH]
                conn.execute(delete(chunk_terms).where(chunk_terms.c.id.in_([r["id"] for r in part])))
                conn.execute(insert(chunk_terms), part)
        return len(rows)

    def replace_submission(self, submission_id: str, chunks: Iterable[Any]) -> int:
        """Drop a submission's chunks and index the given ones, in one transaction."""
        return self.replace_submissions([(submission_id, chunks)])

    def replace_submissions(self, items: Sequence[tuple[str, Iterable[Any]]]) -> int:
        """:meth:`replace_submission` for several submissions (id, chunks), in one transaction."""
        done = 0
        with self.engine.begin() as conn:
            for submission_id, chunks in items:
                rows = [{"id": c.id, "submission_id": c.submission_id, "tokens": terms_of(c)} for c in chunks]
                conn.execute(delete(chunk_terms).where(chunk_terms.c.submission_id == submission_id))
                if rows:
                    conn.execute(delete(chunk_terms).where(chunk_terms.c.id.in_([r["id"] for r in rows])))
                    conn.execute(insert(chunk_terms), rows)
                done += len(rows)
        return done

    def terms(self, submission_ids: Sequence[str]) -> dict[str, str]:
        """What the index holds of these submissions' chunks: chunk id → its indexed words."""
        sids = list(dict.fromkeys(submission_ids))
        if not sids:
            return {}
        with self.engine.connect() as conn:
            return {r[0]: r[1] for r in conn.execute(select(chunk_terms.c.id, chunk_terms.c.tokens)
                                                     .where(chunk_terms.c.submission_id.in_(sids)))}

    def delete_submission(self, submission_id: str) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(chunk_terms).where(chunk_terms.c.submission_id == submission_id)).rowcount

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        with self.engine.begin() as conn:
            for start in range(0, len(ids), _BATCH):
                conn.execute(delete(chunk_terms).where(chunk_terms.c.id.in_(ids[start:start + _BATCH])))

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(chunk_terms)) or 0

    def chunk_ids(self, submission_ids: Sequence[str], limit: int | None = None) -> list[str]:
        sids = list(dict.fromkeys(submission_ids))
        if not sids:
            return []
        q = select(chunk_terms.c.id).where(chunk_terms.c.submission_id.in_(sids))
        if limit is not None:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return list(conn.scalars(q))

    def chunk_index(self) -> list[tuple[str, str]]:
        with self.engine.connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(select(chunk_terms.c.id, chunk_terms.c.submission_id))]

    def doc_freqs(self, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        """(chunks in the index, how many of them hold each of ``words``)."""
        words = list(dict.fromkeys(words))
        with self.engine.connect() as conn:
            n = conn.scalar(select(func.count()).select_from(chunk_terms)) or 0
            out = {w: conn.scalar(select(func.count()).select_from(chunk_terms).where(_tsv().op("@@")(_query([w]))))
                   or 0 for w in words}
        return n, out

    def search(self, query: str, k: int = 20, submission_ids: Sequence[str] | None = None
               ) -> list[tuple[str, float]]:
        """Best ``k`` chunks for ``query`` as ``(chunk_id, ts_rank)``, higher is better; words are
        OR-ed as in the FTS5 index; ``submission_ids`` restricts the search to those submissions."""
        tokens = query_tokens(query)
        if not tokens or k <= 0:
            return []
        if submission_ids is not None and not submission_ids:
            return []
        q = _query(tokens)
        score = func.ts_rank(_tsv(), q, 1)  # 1: divided by 1 + log(length), as BM25 favours short chunks
        stmt = select(chunk_terms.c.id, score.label("score")).where(_tsv().op("@@")(q))
        if submission_ids is not None:
            stmt = stmt.where(chunk_terms.c.submission_id.in_(list(dict.fromkeys(submission_ids))))
        stmt = stmt.order_by(score.desc(), chunk_terms.c.id).limit(k)
        with self.engine.connect() as conn:
            return [(cid, float(s)) for cid, s in conn.execute(stmt)]


def _query(tokens: Sequence[str]) -> Any:
    """``plainto_tsquery('simple', :w1) || plainto_tsquery('simple', :w2) …``: every word a bound
    parameter, never tsquery syntax."""
    parts = [func.plainto_tsquery(_config(), literal(t, String)) for t in tokens]
    out = parts[0]
    for part in parts[1:]:
        out = out.op("||")(part)
    return out
