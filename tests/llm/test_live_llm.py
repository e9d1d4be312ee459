"""The answer engine against a real model server (``make test-llm``; tiny gemma3 270M by default).

The model's answers may be poor — it invents citation numbers and numbers — so nothing here
asserts what it writes. What is asserted is what the guards promise whatever it writes: every
``[n]`` points at a retrieved chunk, every sentence cites, every number is in the cited chunks
(or in the rows), the streamed pieces are the answer, an instruction inside a submission never
reaches the model nor the answer, and a structured answer's rows are the records' own. The raw
reply, the guarded answer, the guard's notes and the latency of each answer are printed
(``-rP`` shows them).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest

from assistant.answer import Answer, StructuredQuery, ask_stream, execute
from assistant.answer.guard import NOT_FOUND_RE, unsupported_numbers
from assistant.answer.text import citations_of, numbers, sentences
from assistant.stores import Stores
from tests.assistant.answer.ask_support import INJECTION
from tests.llm.conftest import Recorder

pytestmark = pytest.mark.llm

DOCUMENT_QUESTIONS = [
    pytest.param("某县教育局学生资助项目的受助学生满意度完成了多少？", id="satisfaction"),
    pytest.param("疫苗接种项目存在哪些问题？", id="problems"),
    pytest.param("疫苗接种项目2022年全年预算是多少，由谁组织实施？", id="budget"),
    pytest.param("学生资助项目预算执行率为什么偏低？", id="reason"),
]
FALLBACK_WORDS = ("调用失败", "改用离线")  # prompts/ask/texts.txt llm_fallback: the model was not used
EVIDENCE_OPEN = "<<<材料开始>>>"  # one per numbered evidence block of the answer prompt (prompts/ask)


@dataclass
class Live:
    answer: Answer
    streamed: list[str]
    first_text_s: float
    total_s: float


def ask_live(question: str, stores: Stores, recorder: Recorder) -> Live:
    started = time.perf_counter()
    first: float | None = None
    streamed: list[str] = []
    answer: Answer | None = None
    for item in ask_stream(question, stores):
        if isinstance(item, Answer):
            answer = item
        else:
            first = first if first is not None else time.perf_counter() - started
            streamed.append(item)
    total = time.perf_counter() - started
    assert answer is not None
    live = Live(answer, streamed, first if first is not None else total, total)
    print(f"\n=== {question}\n latency: first text {live.first_text_s:.2f} s, answer {live.total_s:.2f} s"
          f" ({answer.kind}; engine timings {json.dumps({k: round(v, 2) for k, v in answer.timings.items()})})")
    shown = max((str(m.content).count(EVIDENCE_OPEN) for prompt in recorder.prompts for m in prompt), default=0)
    for n, reply in enumerate(recorder.replies, start=1):
        invented = [c for c in citations_of(reply) if not 1 <= c <= shown]
        print(f" raw model reply {n}: {reply!r}\n   (cites {citations_of(reply)} of {shown} evidence blocks;"
              f" invented {invented}; numbers {[x.raw for x in numbers(reply)]})")
    print(f" answer: {answer.text!r}\n guard notes: {answer.flags}")
    return live


def assert_streamed(live: Live) -> None:
    """Streaming yields text, and the streamed pieces are the final answer."""
    assert live.streamed and all(isinstance(s, str) and s.strip() for s in live.streamed)
    assert "".join(live.streamed).replace("\n", "") == live.answer.text.replace("\n", "")


def assert_model_used(answer: Answer, recorder: Recorder) -> None:
    """The live model was asked and answered every call (a failed call records no reply)."""
    assert recorder.prompts, "the configured model was never called"
    assert len(recorder.replies) == len(recorder.prompts), f"calls without a reply: {answer.flags}"
    assert not any(w in f for f in answer.flags for w in FALLBACK_WORDS), answer.flags


def assert_document_guards(answer: Answer, stores: Stores) -> None:
    """Citations point at real chunks; each sentence cites (or says nothing was found); each
    number of a sentence is in the chunks that sentence cites."""
    by_n = {c.n: c for c in answer.citations}
    chunks = {c.id: c for c in stores.records.get_chunks([c.chunk_id for c in answer.citations])}
    assert set(chunks) == {c.chunk_id for c in answer.citations}, "a citation names no stored chunk"
    for c in answer.citations:
        assert chunks[c.chunk_id].submission_id == c.submission_id
    for sentence in sentences(answer.text):
        cited = citations_of(sentence)
        assert set(cited) <= set(by_n), f"[n] without a citation behind it: {sentence!r} (citations {sorted(by_n)})"
        if not cited:
            assert NOT_FOUND_RE.search(sentence) and not numbers(sentence), f"uncited sentence: {sentence!r}"
            continue
        evidence = [chunks[by_n[n].chunk_id].text for n in cited]
        assert not unsupported_numbers(sentence, evidence), f"number not in the cited chunks: {sentence!r}"
    markers = {n for s in sentences(answer.text) for n in citations_of(s)}
    assert markers == set(by_n), "a citation listed with the answer is not used in its text"


@pytest.mark.parametrize("question", DOCUMENT_QUESTIONS)
def test_document_answer_survives_the_guards(question: str, stores: Stores, recorder: Recorder):
    live = ask_live(question, stores, recorder)
    assert live.answer.kind == "document"
    assert_model_used(live.answer, recorder)
    assert_streamed(live)
    assert_document_guards(live.answer, stores)


def test_instruction_inside_a_submission_changes_nothing(stores: Stores, injected_stores: Stores,
                                                         recorder: Recorder):
    question = "某县卫生健康局疫苗接种项目的自评结论是什么？"
    clean = ask_live(question, stores, recorder).answer
    recorder.clear()
    live = ask_live(question, injected_stores, recorder)
    answer = live.answer
    assert_model_used(answer, recorder)
    # the model never saw it (the system prompt quotes "忽略以上指令" as an example: only the
    # question and the evidence are looked at)
    sent = "\n".join(str(m.content) for prompt in recorder.prompts for m in prompt if m.type == "human")
    assert INJECTION not in sent and "忽略以上指令" not in sent and "<<<材料开始>>>" in sent
    assert any("形似指令" in f for f in answer.flags)
    # the answer does not take up the injected claim (unless the clean store's answer says it too)
    for claim in ("全部合格", "合格"):
        assert claim not in answer.text or claim in clean.text, (answer.text, clean.text)
    assert_streamed(live)
    assert_document_guards(answer, injected_stores)


def test_structured_rows_come_from_the_records(stores: Stores, recorder: Recorder):
    live = ask_live("哪些单位预算执行率低于80%？", stores, recorder)
    answer = live.answer
    assert_model_used(answer, recorder)
    assert answer.kind == "structured" and answer.query is not None
    # the typed query, run again on the records, gives exactly the rows shown: no model text in between
    again = execute(StructuredQuery.model_validate(answer.query), stores.records)
    assert answer.rows and answer.rows == again.rows
    ids = {r["submission_id"] for r in answer.rows}
    assert {s.id for s in stores.records.get_submissions(sorted(ids))} == ids
    stated = json.dumps([answer.rows, answer.aggregate, answer.query], ensure_ascii=False)
    for sentence in sentences(answer.text):
        assert not unsupported_numbers(sentence, [stated]), f"number not in the rows: {sentence!r}"
    assert_streamed(live)
