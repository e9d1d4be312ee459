"""What a serving process loads before it answers its first request.

Left to the first question, a process would load jieba's dictionary (about 1 s here, several on a
busy machine), the rule modules (a submission's findings name their rules), the question parser,
the query embedder's model and its connection to Chroma — holding the GIL meanwhile, so every
request that process had in hand waited behind it. Profiled under 32 reviewers (``eval.load``,
with ``py-spy``): a quarter of one serving process's samples were jieba's
``Tokenizer.initialize``. ``ziping serve`` therefore runs :func:`warm_up` in each serving process
before uvicorn lets it accept connections, and :func:`warm_worker` in the one that runs the jobs:
the first upload would otherwise start the reading processes' ``forkserver`` (which imports the
reading stack) and the embedding child (which loads its model) while reviewers wait. Measured on
the first 20 s of 32 reviewers after a start: without them, a document question's p95 was 3.9 s
and list/open 225/312 ms; with them, 114–130 ms and 72–80/75–78 ms.
"""

from __future__ import annotations

import gc
import logging
import time

from assistant.embeddings import BackgroundEmbeddings
from assistant.stores import Stores

log = logging.getLogger(__name__)

WARM_QUESTION = "项目预算执行率偏差的原因是什么？"


def warm_up(stores: Stores) -> list[str]:
    """Run the read-only steps of a question once: tokenise it, load the rules, parse it with the
    records' names and search the passages (keywords and vectors: the embedder's model and
    Chroma); make the overview's list and one submission's page. Nothing is written. What failed
    is returned (and logged): a warm-up never stops a server from starting, the first real
    question then loads what is missing."""
    failed: list[str] = []
    started = time.perf_counter()
    steps = (("分词词典", _tokenizer), ("审核规则", _rules), ("材料列表与详情", lambda: _reads(stores)),
             ("问题解析", lambda: _parser(stores)), ("检索", lambda: _search(stores)))
    for step, run in steps:
        try:
            run()
        except Exception as exc:  # noqa: BLE001 — reported, and the server starts anyway
            log.warning("预热失败（%s） / warm-up step failed: %s: %s", step, type(exc).__name__, exc)
            failed.append(step)
    # What is loaded now stays for the process's life: the collector need not walk it again (its
    # full collections took 150–280 ms each in a warmed serving process, a pause for every request)
    gc.collect()
    gc.freeze()
    log.info("预热完成 / warmed up in %.1f s", time.perf_counter() - started)
    return failed


def _tokenizer() -> None:
    from assistant.stores.fulltext import tokenize

    tokenize(WARM_QUESTION)


def _rules() -> None:
    from assistant.checker.registry import rule_classes

    rule_classes()  # imports every rule module: a submission's findings name their rules


def _reads(stores: Stores) -> None:
    """The overview's list, a submission's page and its findings, as their routes make them (the
    database statements compiled and cached, the answer models built): the first of each in a
    process took 150–400 ms of CPU."""
    from api.routes.findings import list_findings
    from api.routes.submissions import detail, list_submissions
    from assistant.stores.browse import FindingQuery

    listed = list_submissions(stores, None)  # type: ignore[arg-type] — the user only gates the route
    listed.model_dump_json()
    if listed.items:
        sid = listed.items[0].id
        detail(sid, stores, None).model_dump_json()  # type: ignore[arg-type]
        list_findings(stores, None, FindingQuery(submission_id=sid)).model_dump_json()  # type: ignore[arg-type]


def _parser(stores: Stores) -> None:
    from assistant.answer.parser import parse_question
    from assistant.retrieval.gazetteer import gazetteer

    parse_question(WARM_QUESTION, gazetteer(stores.records))


def _search(stores: Stores) -> None:
    from assistant.retrieval import HybridRetriever

    HybridRetriever(stores=stores, k=1).search(WARM_QUESTION)


def warm_worker(stores: Stores) -> None:
    """Start what a job worker's first upload would start: the ``forkserver`` of the reading
    processes and, on the embedded default, the embedding child with its model loaded. A failure
    is logged; the first job starts them then."""
    from ingest.pool import start_reading_server

    started = time.perf_counter()
    try:
        start_reading_server()
        if isinstance(stores.embeddings, BackgroundEmbeddings):
            stores.embeddings.start()
    except Exception as exc:  # noqa: BLE001 — reported, and the worker runs anyway
        log.warning("任务进程预热失败 / worker warm-up failed: %s: %s", type(exc).__name__, exc)
        return
    log.info("任务进程预热完成 / worker warmed up in %.1f s", time.perf_counter() - started)
