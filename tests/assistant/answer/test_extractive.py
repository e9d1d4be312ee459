"""The offline generator on hand-made hits: which pieces answer, which are cited, when it refuses."""

from __future__ import annotations

from assistant.answer import ask
from assistant.answer.extractive import focus_terms, key_terms, select_pieces
from assistant.retrieval import Hit

TITLE = "某县教育局「学生资助」项目支出绩效自评表（2022年度）"


def hit(cid: str, sid: str, text: str, kind: str = "field", **meta: object) -> Hit:
    return Hit(cid, sid, text, kind, {"unit": "某县教育局", "submission_kind": "table", **meta}, 0.0)


FUNDS = hit("a:table_row:0", "a", f"{TITLE}｜项目资金（万元）｜年度资金总额：年初预算数100、全年执行数55｜执行率：55%",
            kind="table_row")
PROBLEMS = hit("a:field:1", "a", f"{TITLE}｜总分：92｜存在问题：资金下达较晚，预算执行率未达到100%。")
REPORT = hit("r:section:3", "r", "某县教育局｜一、基本情况：全年执行55万元，预算执行率55%。", kind="section",
             section="一、基本情况", submission_kind="report")


def test_a_second_chunk_of_the_same_document_is_cited_only_when_it_adds_something():
    pieces, _ = select_pieces([FUNDS, PROBLEMS, REPORT], "学生资助的预算执行率是多少？", names=["某县教育局", "学生资助"])
    cited = [p.hit.chunk_id for p in pieces]
    assert cited[0] == "a:table_row:0"  # the 执行率 field answers
    assert "a:field:1" not in cited  # repeats 执行率 from the same table, adds nothing
    assert "r:section:3" in cited  # another document saying the same is corroboration


def test_pieces_about_another_year_count_half():
    other = hit("b:table_row:0", "b", FUNDS.text.replace("2022", "2021").replace("55%", "80%"), kind="table_row",
                year=2021)
    pieces, _ = select_pieces([other, FUNDS], "2022年学生资助的执行率是多少？", names=["学生资助"], year=2022)
    assert [p.hit.chunk_id for p in pieces] == ["a:table_row:0"]


def test_colloquial_phrases_and_particles_leave_no_word_fragments():
    assert focus_terms("学生资助自评得了多少分？", ["学生资助"]) == [("总分", "得了多少分"), ("自评",)]
    terms = focus_terms("学生资助项目中亩均投资偏差的原因", ["学生资助项目"])
    assert all("中亩" not in alts for alts in terms) and ("投资",) in terms


def doc_freqs_of(counts: dict[str, int], n: int = 1000):
    return lambda words: (n, {w: counts.get(w, 0) for w in words})


def test_key_terms_are_the_rare_focus_terms():
    terms = focus_terms("第三方评价机构收费标准是多少？")
    keys = key_terms(terms, doc_freqs_of({"第三方": 5, "评价": 300, "机构": 50, "收费": 0, "标准": 400}))
    assert keys == [("第三方",), ("收费",)]
    assert key_terms(terms, doc_freqs_of({}, n=0)) == []  # an empty index knows no words


def test_evidence_without_the_key_terms_is_no_answer():
    third_party = hit("s:section:1", "s", "某市｜五、下一步措施：加强第三方评估机构规范管理，确保第三方机构客观评价。",
                      kind="section", section="五、下一步措施")
    freqs = doc_freqs_of({"第三方": 2, "评价": 300, "机构": 50, "标准": 400})
    pieces, _ = select_pieces([third_party], "第三方评价机构收费标准是多少？", doc_freqs=freqs)
    assert pieces == []
    pieces, _ = select_pieces([third_party], "第三方评价机构如何管理？", doc_freqs=freqs)
    assert [p.hit.chunk_id for p in pieces] == ["s:section:1"]


def test_ask_refuses_what_the_documents_do_not_mention(small):
    a = ask("某县卫生健康局疫苗接种的收费标准是多少？", small)
    assert not a.found and a.citations == []
    assert ask("某县卫生健康局疫苗接种的预算执行率是多少？", small).found
