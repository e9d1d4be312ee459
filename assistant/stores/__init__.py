"""The three stores behind ziping, opened together by :func:`open_stores`.

===========  ==========================================  ======================================
store        embedded default                            scale-out (configuration only)
===========  ==========================================  ======================================
records      SQLite ``<data_dir>/ziping.db``             ``ZIPING_DATABASE_URL`` (PostgreSQL)
fulltext     SQLite FTS5 ``<data_dir>/fulltext.db``      PostgreSQL ``tsvector`` (with the records)
vectors      Chroma ``<data_dir>/chroma``                ``ZIPING_CHROMA_URL`` (Chroma server)
===========  ==========================================  ======================================

A chunk has one id in all three. The records store is the source of truth: it holds every
chunk with an ``embedded`` flag, the full-text index is written with it (cheap), and vectors
follow by :meth:`Stores.sync_vectors` (embedding is the slow step), so an interrupted run
resumes where it stopped. The vector store is opened lazily: importing chromadb and loading
the embedder only happen when vectors are first needed.

Every table and query of ziping lives in this package: the records tables (``records``), users
(``users``), conversation turns (``conversations``), draft versions (``drafts``), the review's
decisions and audit log (``review``), the reviewers' scores (``scores``), the answer
engine's structured queries (``queries``) and the reviewer's lists (``browse``). The records
database's schema is made by the Alembic migrations in ``migrations/``, run when a
:class:`RecordStore` opens (:mod:`assistant.stores.migrate`, ``ziping db upgrade``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.settings import Settings
from assistant.stores.fulltext import FullTextIndex
from assistant.stores.records import ChunkLike, RecordStore, StoredChunk, SubmissionSummary
from assistant.stores.review import ReviewStore
from assistant.stores.versions import SYSTEM_ACTOR, link_in

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.model import Finding, Submission
    from assistant.stores.fulltext_pg import PostgresFullTextIndex
    from assistant.stores.vectors import VectorStore

    FullText = FullTextIndex | PostgresFullTextIndex

__all__ = ["ChunkLike", "FullTextIndex", "RecordStore", "StoredChunk", "Stores", "SubmissionSummary", "ToStore",
           "VectorStoreUnavailable", "open_stores"]


class VectorStoreUnavailable(RuntimeError):
    """The vector store cannot be reached (a Chroma server down or unreachable). The records and
    the full text do not depend on it: chunks wait, flagged as not embedded, until it is back."""


@dataclass
class ToStore:
    """One submission for :meth:`Stores.save_many`, with what :meth:`Stores.save` takes beside it."""

    submission: Submission
    chunks: Sequence[ChunkLike]
    findings: Sequence[Finding] | None = None
    rules_version: str | None = None
    replaces: str | None = None  # the id of the submission this file is a new version of
    actor: str | None = None  # who stored it (the audit log's name); None: the program


@dataclass
class Stores:
    settings: Settings
    records: RecordStore
    fulltext: FullText
    embeddings: Embeddings | None = None  # None: made from settings on first use
    _vectors: VectorStore | None = field(default=None, repr=False)
    _root: Stores | None = field(default=None, repr=False)  # the stores a bureau's view was made from

    def within(self, bureau: str | None, home: str | None = None) -> Stores:
        """The same stores seen by one bureau (None: every bureau): the records' reads keep that
        bureau's rows (:meth:`RecordStore.within`), and through them every search, statistic,
        export and answer; the full text and vectors are shared (searches resolve the bureau's
        submissions first, see :mod:`assistant.retrieval.filters`)."""
        root = self._root or self
        return Stores(settings=self.settings, records=root.records.within(bureau, home), fulltext=self.fulltext,
                      embeddings=self.embeddings, _root=root)

    @property
    def vectors(self) -> VectorStore:
        if self._root is not None:  # one vector store (and embedder) per process, not one per view
            return self._root.vectors
        if self._vectors is None:
            from assistant.embeddings import make_embeddings
            from assistant.stores.vectors import VectorStore

            if self.embeddings is None:
                self.embeddings = make_embeddings(self.settings)
            self._vectors = VectorStore(self.settings, self.embeddings)
        return self._vectors

    @property
    def review(self) -> ReviewStore:
        """Decisions on findings and the audit log (no state of its own: cheap to make)."""
        return ReviewStore(self.records)

    def save(self, sub: Submission, chunks: Sequence[ChunkLike],
             findings: Sequence[Finding] | None = None, rules_version: str | None = None,
             replaces: str | None = None, actor: str | None = None) -> str:
        """Store a submission with its chunks and findings (records + full text, the records in
        one transaction); vectors follow on :meth:`sync_vectors`. Old chunks of the same
        submission are replaced everywhere. A new file for a stored submission (``replaces``, or
        the same unit + project + year) becomes its next version (:mod:`assistant.stores.versions`)."""
        return self.save_many([ToStore(sub, chunks, findings, rules_version, replaces, actor)])[0]

    def save_many(self, items: Sequence[ToStore]) -> list[str]:
        """:meth:`save` for a batch, in order, as if one by one: the same rows, versions, full text
        and findings. The records (with the version links) are one transaction and the full text
        another, so a writer handed a batch commits twice for all of it instead of three times per
        file: whole or not at all (a refused one — another bureau's file — stores none of the
        batch). A crash between the two commits leaves full text to complete, as for one file
        (:meth:`complete_fulltext`, ``ziping doctor``). Returns the ids."""
        if not items:
            return []
        sids = []
        with self.records.session() as s:
            for it in items:  # each linked before the next is stored: a version links to what came before it
                sids.append(self.records.save_in(s, it.submission, it.chunks, it.findings, it.rules_version))
                link_in(s, it.submission, replaces=it.replaces, actor=it.actor or SYSTEM_ACTOR)
        self.fulltext.replace_submissions([(sid, it.chunks) for sid, it in zip(sids, items, strict=True)])
        if self._vectors_open() or self.settings.chroma_dir.exists() or self.settings.chroma_url:
            # a server down: stored all the same, its chunks wait for vectors; old vectors of ids
            # no longer used stay behind until `ziping doctor --repair` removes them
            with suppress(VectorStoreUnavailable):
                self.vectors.delete_submissions(sids)
        return sids

    def sync_vectors(self, batch: int = 64, progress: Callable[[int], Any] | None = None,
                     submission_ids: Sequence[str] | None = None) -> int:
        """Embed every chunk not yet in the vector store (of ``submission_ids`` only, when given:
        an embedding job embeds its own ingest's chunks, so two workers never embed the same
        chunk); returns how many were embedded."""
        done = 0
        while True:
            pending = self.records.chunks_pending_embedding(limit=batch, submission_ids=submission_ids)
            if not pending:
                return done
            self.vectors.add(pending)
            self.records.mark_embedded([c.id for c in pending])
            done += len(pending)
            if progress is not None:
                progress(done)

    def complete_fulltext(self, submission_id: str) -> int:
        """Re-index a submission's full text from its stored chunks when the index does not hold
        exactly those chunks (a run killed between the records commit and the full-text write);
        returns how many chunks were indexed (0: nothing was missing)."""
        chunks = self.records.chunks_for_submission(submission_id)
        if {c.id for c in chunks} == set(self.fulltext.chunk_ids([submission_id])):
            return 0
        self.fulltext.replace_submission(submission_id, chunks)
        return len(chunks)

    def delete_submission(self, submission_id: str) -> bool:
        """Remove a submission from all three stores."""
        found = self.records.delete_submission(submission_id)
        self.fulltext.delete_submission(submission_id)
        if self._vectors_open() or self.settings.chroma_dir.exists() or self.settings.chroma_url:
            self.vectors.delete_submission(submission_id)
        return found

    def _vectors_open(self) -> bool:
        return (self._root or self)._vectors is not None

    def close(self) -> None:
        self.records.close()


def open_stores(settings: Settings, embeddings: Embeddings | None = None) -> Stores:
    """Open (and create when missing) the data directory and the stores it configures: the full
    text goes where the records are (PostgreSQL's ``tsvector``, else the SQLite FTS5 file)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    records = RecordStore(settings.sqlalchemy_url)
    fulltext: FullText
    if records.engine.dialect.name == "postgresql":
        from assistant.stores.fulltext_pg import PostgresFullTextIndex

        fulltext = PostgresFullTextIndex(records.engine)
    else:
        fulltext = FullTextIndex(settings.data_dir / "fulltext.db")
    return Stores(settings=settings, records=records, fulltext=fulltext, embeddings=embeddings)
