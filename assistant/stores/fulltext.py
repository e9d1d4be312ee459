"""Full-text search over chunks: jieba-tokenised BM25 on SQLite FTS5.

SQLite's tokenisers do not segment Chinese, so chunks are segmented here with jieba's search
mode (``满意度指标`` → ``满意 满意度 指标 满意度指标``) and FTS5 indexes the space-joined words
(``unicode61`` then only splits on those spaces and on punctuation). Queries are segmented the
same way, a few question words are dropped, and each word becomes an FTS5 *string literal*
(``"满意度" OR "指标"``) — user text can never reach FTS5's query syntax (NEAR, AND, column
filters, ``*``). Ranking is ``bm25()``; :meth:`FullTextIndex.search` returns ``-bm25`` so that
higher is better.

A private :class:`jieba.Tokenizer` (the shared default dictionary plus the glossary's terms)
is built once per process on first use (about 1 s while jieba loads its cache). Changing the
word list changes tokens: re-index after editing :data:`EXTRA_WORDS`.

On large indexes a question's common words (项目, 执行率, 满意度 — in 60–70 % of 100k synthetic
chunks) make FTS5 score most of the index for almost no ranking signal (their IDF is near zero).
So from :data:`PRUNE_MIN_CHUNKS` chunks on, words found in more than :data:`PRUNE_MAX_DF` of the
chunks are left out of the query when rarer words remain (measured on 100k chunks: the same top
30, BM25 180–310 ms → 40–130 ms). Document frequencies come from an ``fts5vocab`` table in each
connection's *temp* schema (nothing is written to the index file) and are cached per index size;
:meth:`FullTextIndex.doc_freqs` also tells the answer engine which question words are rare.

FTS5 cannot restrict a search by submission before scoring: it ranks every match in the index,
then drops the other submissions. A filter leaving at most :data:`SCAN_MAX_CHUNKS` chunks (a
unit's submissions) is therefore scored here, with FTS5's BM25 formula and the index's document
frequencies, over just those chunks (100k chunks, a unit's 600: 150 ms → ~5 ms).

The index lives in its own SQLite file (``<data_dir>/fulltext.db``) next to the records
database, WAL-journaled; each call opens a short connection, so one index can be shared by
threads and processes (SQLite serialises writers; ``busy_timeout`` waits up to 30 s).
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.glossary import LEVEL1_NAMES, TERMS

__all__ = ["PRUNE_MAX_DF", "PRUNE_MIN_CHUNKS", "SCAN_MAX_CHUNKS", "FullTextIndex", "index_terms",
           "query_tokens", "terms_of", "tokenize"]

PRUNE_MIN_CHUNKS = 5000
PRUNE_MAX_DF = 0.3
SCAN_MAX_CHUNKS = 4000  # a submission filter leaving at most this many chunks is scored without FTS5
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's bm25() constants
_WORD = re.compile(r"[^\W_]+")  # what the unicode61 tokeniser keeps of the indexed text

# Domain words jieba does not know as one word; search mode still emits their parts.
EXTRA_WORDS: tuple[str, ...] = (
    *LEVEL1_NAMES, *[t for t in TERMS.values() if 2 <= len(t) <= 8],
    "数量指标", "质量指标", "时效指标", "经济效益指标", "社会效益指标", "生态效益指标",
    "可持续影响指标", "服务对象满意度指标", "预算执行率", "绩效目标", "绩效自评", "自评报告",
    "偏差原因", "改进措施", "财政拨款", "结转资金",
)

# Question words dropped from queries (kept if nothing else is left).
STOPWORDS = frozenset({
    "的", "了", "是", "在", "和", "与", "及", "或", "吗", "呢", "吧", "啊", "有", "多少", "什么", "哪些", "哪个", "如何",
    "怎么", "怎样", "为什么", "是否", "请问", "请", "一下", "情况", "一个", "这个", "那个", "其中", "中", "对", "把", "被",
    "给", "都", "也", "就", "还", "又",
})

_tokenizer: Any = None
_lock = threading.Lock()


def _jieba() -> Any:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                for word in EXTRA_WORDS:
                    tok.add_word(word)
                _tokenizer = tok
    return _tokenizer


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def tokenize(text: str) -> list[str]:
    """jieba search-mode words of ``text``, lower-cased, without whitespace/punctuation tokens."""
    return [t.strip().lower() for t in _jieba().lcut_for_search(text or "") if _is_word(t)]


def index_terms(text: str) -> str:
    """What the index holds for a chunk's text: its :func:`tokenize` words, space-joined."""
    return " ".join(tokenize(text))


def terms_of(chunk: Any) -> str:
    """A chunk's index words: made beside the reading when it carries them (``terms``, see
    :mod:`ingest.prepare`: the single writer then only writes), else made here."""
    terms = getattr(chunk, "terms", None)
    return terms if terms is not None else index_terms(chunk.text)


def query_tokens(query: str) -> list[str]:
    """Distinct query words in order, question words removed unless nothing else is left."""
    words = list(dict.fromkeys(tokenize(query)))
    content = [w for w in words if w not in STOPWORDS]
    return content or words


def _literal(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    id UNINDEXED, submission_id UNINDEXED, tokens, tokenize = 'unicode61'
);
-- rowid map, so that replacing or deleting by chunk / submission id needs no table scan
CREATE TABLE IF NOT EXISTS chunks_fts_ids (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, submission_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_fts_ids_sub ON chunks_fts_ids (submission_id);
"""


class FullTextIndex:
    """BM25 over chunk text; chunk ids are the same as in the records and vector stores."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        self._df: tuple[int, dict[str, int]] = (-1, {})  # (chunks when cached, word → chunks holding it)
        self._df_lock = threading.Lock()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA busy_timeout=30000")
            # as the records store: with WAL a commit waits for no fsync and a crash of the process
            # loses nothing; a power cut may lose the last commits, which a rerun re-indexes from
            # the records (Stores.complete_fulltext, ziping doctor)
            db.execute("PRAGMA synchronous=NORMAL")
            with db:  # one transaction
                yield db
        finally:
            db.close()

    @staticmethod
    def _delete_rowids(db: sqlite3.Connection, rowids: list[int]) -> None:
        for start in range(0, len(rowids), 500):
            part = rowids[start:start + 500]
            marks = ",".join("?" * len(part))
            db.execute(f"DELETE FROM chunks_fts WHERE rowid IN ({marks})", part)
            db.execute(f"DELETE FROM chunks_fts_ids WHERE rowid IN ({marks})", part)

    def add(self, chunks: Iterable[Any]) -> int:
        """Index chunks (anything with ``id``, ``submission_id``, ``text``), replacing by id."""
        rows = [(c.id, c.submission_id, terms_of(c)) for c in chunks]
        if not rows:
            return 0
        with self._connect() as db:
            self._add(db, rows)
        return len(rows)

    def _add(self, db: sqlite3.Connection, rows: list[tuple[str, str, str]]) -> None:
        ids = [r[0] for r in rows]
        old: list[int] = []
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            old += [r[0] for r in db.execute(
                f"SELECT rowid FROM chunks_fts_ids WHERE id IN ({','.join('?' * len(part))})", part)]
        self._delete_rowids(db, old)
        for cid, sid, tokens in rows:
            rowid = db.execute("INSERT INTO chunks_fts_ids (id, submission_id) VALUES (?, ?)",
                               (cid, sid)).lastrowid
            db.execute("INSERT INTO chunks_fts (rowid, id, submission_id, tokens) VALUES (?, ?, ?, ?)",
                       (rowid, cid, sid, tokens))

    def replace_submission(self, submission_id: str, chunks: Iterable[Any]) -> int:
        """Drop a submission's chunks and index the given ones (for re-ingest), in one transaction:
        one commit per stored file for the single writer, and never a file half indexed."""
        return self.replace_submissions([(submission_id, chunks)])

    def replace_submissions(self, items: Sequence[tuple[str, Iterable[Any]]]) -> int:
        """:meth:`replace_submission` for several submissions (id, chunks) in one transaction and
        one connection: a batch's writer commits once, and closing the last connection to the
        file (which checkpoints the WAL into it, with an fsync) happens once per batch, not per file."""
        done = 0
        with self._connect() as db:
            for submission_id, chunks in items:
                rows = [(c.id, c.submission_id, terms_of(c)) for c in chunks]
                self._delete_submission(db, submission_id)
                self._add(db, rows)
                done += len(rows)
        return done

    def delete_submission(self, submission_id: str) -> int:
        with self._connect() as db:
            return self._delete_submission(db, submission_id)

    def _delete_submission(self, db: sqlite3.Connection, submission_id: str) -> int:
        rowids = [r[0] for r in db.execute(
            "SELECT rowid FROM chunks_fts_ids WHERE submission_id = ?", (submission_id,))]
        self._delete_rowids(db, rowids)
        return len(rowids)

    def terms(self, submission_ids: Sequence[str]) -> dict[str, str]:
        """What the index holds of these submissions' chunks: chunk id → its indexed words."""
        sids = list(dict.fromkeys(submission_ids))
        if not sids:
            return {}
        with self._connect() as db:
            return {r[0]: r[1] for r in db.execute(
                "SELECT i.id, f.tokens FROM chunks_fts_ids i JOIN chunks_fts f ON f.rowid = i.rowid"
                f" WHERE i.submission_id IN ({','.join('?' * len(sids))})", sids)}

    def delete(self, ids: Sequence[str]) -> None:
        with self._connect() as db:
            rowids: list[int] = []
            for start in range(0, len(ids), 500):
                part = list(ids[start:start + 500])
                rowids += [r[0] for r in db.execute(
                    f"SELECT rowid FROM chunks_fts_ids WHERE id IN ({','.join('?' * len(part))})", part)]
            self._delete_rowids(db, rowids)

    def count(self) -> int:
        with self._connect() as db:
            return self._count(db)

    def chunk_ids(self, submission_ids: Sequence[str], limit: int | None = None) -> list[str]:
        """Ids of the chunks of these submissions (at most ``limit``), from the indexed rowid map."""
        sids = list(dict.fromkeys(submission_ids))
        if not sids:
            return []
        sql = f"SELECT id FROM chunks_fts_ids WHERE submission_id IN ({','.join('?' * len(sids))})"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._connect() as db:
            return [r[0] for r in db.execute(sql, sids)]

    def chunk_index(self) -> list[tuple[str, str]]:
        """Every indexed chunk as ``(chunk id, submission id)``."""
        with self._connect() as db:
            return [(r[0], r[1]) for r in db.execute("SELECT id, submission_id FROM chunks_fts_ids")]

    @staticmethod
    def _count(db: sqlite3.Connection) -> int:
        return db.execute("SELECT count(*) FROM chunks_fts_ids").fetchone()[0]

    def doc_freqs(self, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        """(chunks in the index, how many of them hold each of ``words``) — index tokens, as
        :func:`tokenize` makes them."""
        with self._connect() as db:
            n = self._count(db)
            return n, self._doc_freqs(db, n, list(dict.fromkeys(words)))

    def _doc_freqs(self, db: sqlite3.Connection, n: int, words: list[str]) -> dict[str, int]:
        with self._df_lock:
            if self._df[0] != n:  # the index changed since: counts are stale
                self._df = (n, {})
            cached = self._df[1]
            missing = [w for w in words if w not in cached]
        if missing:
            db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.ziping_vocab USING fts5vocab(main, chunks_fts, 'row')")
            # one seek per word: fts5vocab scans its whole vocabulary for an IN list
            found = {w: row[0] for w in missing
                     for row in db.execute("SELECT doc FROM temp.ziping_vocab WHERE term = ?", (w,))}
            with self._df_lock:
                for w in missing:
                    cached[w] = int(found.get(w, 0))
        return {w: cached[w] for w in words}

    def search(self, query: str, k: int = 20, submission_ids: Sequence[str] | None = None
               ) -> list[tuple[str, float]]:
        """Best ``k`` chunks for ``query`` as ``(chunk_id, score)``, score = −bm25 (higher is better).

        Words are OR-ed, so a chunk needs only one of them; BM25 ranks chunks with more and
        rarer words first. ``submission_ids`` restricts the search to those submissions. On
        large indexes near-ubiquitous words are left out (see the module docstring).
        """
        tokens = query_tokens(query)
        if not tokens or k <= 0:
            return []
        if submission_ids is not None and not submission_ids:
            return []
        sids = list(dict.fromkeys(submission_ids)) if submission_ids is not None else None
        marks = ",".join("?" * len(sids)) if sids is not None else ""
        with self._connect() as db:
            n = self._count(db)
            if sids is not None and db.execute(f"SELECT count(*) FROM chunks_fts_ids WHERE submission_id IN ({marks})",
                                               sids).fetchone()[0] <= SCAN_MAX_CHUNKS:
                # FTS5 would score every match in the whole index before dropping the other
                # submissions (150 ms at 100k chunks); a few thousand chunks are scored here in ~5 ms
                docs = db.execute("SELECT i.id, f.tokens FROM chunks_fts_ids i JOIN chunks_fts f ON f.rowid = i.rowid"
                                  f" WHERE i.submission_id IN ({marks})", sids).fetchall()
                parts = {t: _WORD.findall(t) for t in tokens}
                df = self._doc_freqs(db, n, list({w for ws in parts.values() for w in ws}))
                return _bm25(docs, parts, df, n)[:k]
            if len(tokens) > 1 and n >= PRUNE_MIN_CHUNKS:
                df = self._doc_freqs(db, n, tokens)
                tokens = [t for t in tokens if 0 < df[t] <= PRUNE_MAX_DF * n] or tokens
            # bm25() rather than the rank column: the same order, 1.6x faster on 100k chunks
            sql = "SELECT id, bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ?"
            params: list[Any] = [" OR ".join(_literal(t) for t in tokens)]
            if sids is not None:
                sql += f" AND submission_id IN ({marks})"
                params += sids
            sql += " ORDER BY score LIMIT ?"
            params.append(k)
            return [(cid, -float(score)) for cid, score in db.execute(sql, params)]


def _bm25(docs: Sequence[tuple[str, str]], phrases: dict[str, list[str]], df: dict[str, int], n: int
          ) -> list[tuple[str, float]]:
    """FTS5's ``bm25()`` (k1 1.2, b 0.75, the same IDF) of ``docs`` (chunk id, indexed words) for
    the query words in ``phrases`` (each with the index tokens FTS5 makes of it), best first,
    without the chunks that hold none. Both sides are jieba words, so a word is counted whole
    (``100.00%`` as one); a word FTS5 splits takes its rarest part's document frequency, and
    lengths are relative to these docs' average rather than the whole index's."""
    if not docs:
        return []
    words = [(cid, text.split()) for cid, text in docs]
    avg = max(sum(len(ws) for _, ws in words) / len(words), 1.0)
    idf = {}
    for phrase, parts in phrases.items():
        hits = min((df.get(w, 0) for w in parts), default=0)
        idf[phrase] = max(math.log((n - hits + 0.5) / (hits + 0.5)), 1e-6)
    out: list[tuple[str, float]] = []
    for cid, ws in words:
        counts = Counter(ws)
        norm = BM25_K1 * (1 - BM25_B + BM25_B * len(ws) / avg)
        score = sum(idf[p] * counts[p] * (BM25_K1 + 1) / (counts[p] + norm) for p in phrases if counts[p])
        if score > 0:
            out.append((cid, score))
    out.sort(key=lambda item: -item[1])
    return out
