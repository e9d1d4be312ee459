"""The vector store: chunk embeddings in Chroma, cosine distance, one collection ``ziping_chunks``.

Embedded default: ``chromadb.PersistentClient`` under ``<data_dir>/chroma``. A persistent
client is not process-safe, so every write holds a file lock (``<data_dir>/chroma.lock``);
embedding happens *before* the lock is taken, so a slow embedder does not block other writers.
With ``ZIPING_CHROMA_URL`` set (``http://host:8000``) an ``HttpClient`` talks to a Chroma server,
which serialises writes itself. ``ziping serve`` on the embedded default runs such a server on
``<data_dir>/chroma`` (:mod:`assistant.stores.chroma_server`) and sets that URL for its processes;
a command run meanwhile finds it in ``<data_dir>/chroma-server.json`` and uses it too.

We always pass our own embeddings (Chroma's default embedding function would download a
model) and switch Chroma's telemetry off, both by setting and by ``ANONYMIZED_TELEMETRY``
before chromadb is imported.

Every chunk's metadata is its flat :class:`~ingest.chunking.ChunkMeta` plus ``submission_id``
and ``kind``, so ``where`` filters such as ``{"year": 2023}`` or ``{"submission_id": sid}`` work.

Chunk text is not written to Chroma (no ``documents``): it lives in the records and the full-text
index, and Chroma would keep a full-text index of its own for it that nothing here searches
(upserts were 2.5× slower with it: 513 → 1,298 vectors/s, 384-d, batches of 500). Collections
written before still hold their texts; nothing reads them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb  # noqa: E402  (after the telemetry switch)
import chromadb.config  # noqa: E402
import httpx  # noqa: E402
from filelock import FileLock  # noqa: E402
from langchain_chroma import Chroma  # noqa: E402
from langchain_core.embeddings import Embeddings  # noqa: E402

from assistant.stores import VectorStoreUnavailable  # noqa: E402
from assistant.stores.chroma_server import running_url  # noqa: E402
from assistant.stores.records import flat_metadata  # noqa: E402

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = ["COLLECTION", "VectorStore", "normalise_where"]

COLLECTION = "ziping_chunks"
ADD_BATCH = 512  # chunks embedded and written per request and lock hold (at most the client's max_batch_size)


def normalise_where(where: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{"year": 2023, "unit": "X"}`` → ``{"$and": [{"year": 2023}, {"unit": "X"}]}`` (Chroma
    wants one key per filter dict); operator dicts and single keys pass through."""
    if not where:
        return None
    if len(where) == 1 or any(k.startswith("$") for k in where):
        return where
    return {"$and": [{k: v} for k, v in where.items()]}


def _client(settings: Settings) -> tuple[Any, bool]:
    """(chromadb client, is_persistent)."""
    chroma_settings = chromadb.config.Settings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}")
        ssl = url.scheme == "https"
        client = chromadb.HttpClient(host=url.hostname or "localhost", port=url.port or (443 if ssl else 8000),
                                     ssl=ssl, settings=chroma_settings)
        return client, False
    # a running ``ziping serve`` keeps a Chroma server on the directory: use it, never open the
    # directory a second time beside it (a persistent client is not process-safe)
    running = running_url(settings) if settings.embedded_chroma_server else None
    if running:
        url = urlparse(running)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   settings=chroma_settings), False
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings), True


@contextmanager
def _reaching(settings: Settings) -> Iterator[None]:
    """Turn a Chroma server that does not answer into :class:`VectorStoreUnavailable` (Chinese)."""
    try:
        yield
    except httpx.TransportError as exc:
        raise VectorStoreUnavailable(f"无法连接向量库（Chroma 服务 {settings.chroma_url}）：{exc} / "
                                     "vector store unreachable") from exc
    except ValueError as exc:  # what HttpClient raises when it cannot connect at all
        if "connect" not in str(exc).lower():
            raise
        raise VectorStoreUnavailable(f"无法连接向量库（Chroma 服务 {settings.chroma_url}），请确认服务已启动 / "
                                     "vector store unreachable") from exc


class VectorStore:
    """Chunk vectors; ids are the chunk ids shared with the records store and the full-text index.

    A Chroma server that does not answer raises :class:`~assistant.stores.VectorStoreUnavailable`."""

    def __init__(self, settings: Settings, embeddings: Embeddings, collection: str | None = None) -> None:
        collection = collection or settings.chroma_collection
        self.settings = settings
        self.embeddings = embeddings
        self._lock: FileLock | None = None
        with _reaching(settings):
            self.client, persistent = _client(settings)
            if persistent:
                settings.data_dir.mkdir(parents=True, exist_ok=True)
                self._lock = FileLock(str(settings.data_dir / "chroma.lock"), timeout=600)
            with self._write_lock():
                self.store = Chroma(
                    collection_name=collection,
                    embedding_function=embeddings,
                    client=self.client,
                    collection_configuration={"hnsw": {"space": "cosine"}},
                )
            self.collection = self.client.get_collection(collection)
            # a Chroma server caps the rows of one request (an embedded client's cap is SQLite's)
            self.batch = max(1, min(ADD_BATCH, self.client.get_max_batch_size()))

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        lock: AbstractContextManager[Any] = self._lock if self._lock is not None else nullcontext()
        with _reaching(self.settings), lock:
            yield

    def add(self, chunks: Iterable[Any]) -> int:
        """Embed and upsert chunks (anything with ``id``, ``submission_id``, ``kind``, ``text``,
        ``metadata``) by id; returns how many were written."""
        chunks = list(chunks)
        for start in range(0, len(chunks), self.batch):
            batch = chunks[start:start + self.batch]
            vectors = self.embeddings.embed_documents([c.text for c in batch])
            with self._write_lock():
                self.collection.upsert(ids=[c.id for c in batch], embeddings=vectors,
                                       metadatas=[flat_metadata(c) for c in batch])
        return len(chunks)

    def replace_submission(self, submission_id: str, chunks: Iterable[Any]) -> int:
        """Drop a submission's vectors and add the given chunks (for re-ingest)."""
        chunks = list(chunks)
        vectors = self.embeddings.embed_documents([c.text for c in chunks]) if chunks else []
        with self._write_lock():
            self.collection.delete(where={"submission_id": submission_id})
            for start in range(0, len(chunks), self.batch):  # a server caps the rows of one request
                batch = chunks[start:start + self.batch]
                self.collection.upsert(ids=[c.id for c in batch], embeddings=vectors[start:start + self.batch],
                                       metadatas=[flat_metadata(c) for c in batch])
        return len(chunks)

    def delete_submission(self, submission_id: str) -> None:
        self.delete_submissions([submission_id])

    def delete_submissions(self, submission_ids: Sequence[str]) -> None:
        """Drop the vectors of these submissions: one request and one lock hold per
        :attr:`batch` of them (a batch's writer used to take the lock once per file)."""
        sids = list(dict.fromkeys(submission_ids))
        for start in range(0, len(sids), self.batch):
            part = sids[start:start + self.batch]
            with self._write_lock():
                self.collection.delete(where={"submission_id": part[0] if len(part) == 1 else {"$in": part}})

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with self._write_lock():
                self.collection.delete(ids=list(ids))

    def count(self) -> int:
        with _reaching(self.settings):
            return self.collection.count()

    def chunk_index(self, page: int = 5000) -> list[tuple[str, str]]:
        """Every stored vector as ``(chunk id, submission id)``, read in pages (a Chroma server
        caps the rows of one request)."""
        out: list[tuple[str, str]] = []
        offset = 0
        while True:
            with _reaching(self.settings):
                got = self.collection.get(include=["metadatas"], limit=page, offset=offset)
            ids = got["ids"]
            metas = got.get("metadatas") or [None] * len(ids)
            out += [(cid, str((meta or {}).get("submission_id", ""))) for cid, meta in zip(ids, metas, strict=True)]
            if len(ids) < page:
                return out
            offset += page

    def search(self, query: str, k: int = 20, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Nearest ``k`` chunks as ``(chunk_id, cosine similarity)``, best first."""
        return self.search_by_vector(self.embeddings.embed_query(query), k, where)

    def search_by_vector(self, vector: Sequence[float], k: int = 20, where: dict[str, Any] | None = None
                         ) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        with _reaching(self.settings):
            result = self.collection.query(query_embeddings=[list(vector)], n_results=k,
                                           where=normalise_where(where), include=["distances"])
        ids = result["ids"][0] if result["ids"] else []
        distances = (result.get("distances") or [[]])[0] or []
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=False)]
