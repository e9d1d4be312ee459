"""Chunking: heading prefixes, the size limit, sentence boundaries, table context, stable ids."""

from __future__ import annotations

import re

import pytest

from assistant.model import (
    Evaluation,
    FileInfo,
    FundRow,
    Funds,
    Indicator,
    Location,
    Section,
    Submission,
    Value,
)
from ingest.chunking import MAX_CHARS, Chunk, ChunkMeta, chunk_submission, split_sentences

SENTENCES = [
    "2023年度，我局严格按照预算绩效管理要求组织开展项目支出绩效自评工作。",
    "全年共资助家庭经济困难学生520人，完成年度目标的104%。",
    "资助资金全部通过“一卡通”系统直接发放到学生账户！",
    "项目实施过程中，部分学校信息报送不及时，影响了资金拨付进度；",
    "我局已建立月度调度机制，督促学校按时报送受助学生信息。",
    "受助学生及家长满意度调查显示，满意度达到96%，较上年提高2个百分点。",
    "同时，学校资助工作人员业务培训覆盖率达到100%，培训场次共计12场。",
    "下一步，我局将进一步完善资助对象动态调整机制，提高资助精准度？",
]


def long_text(repeat: int = 3) -> str:
    return "".join(SENTENCES * repeat)


def make_submission() -> Submission:
    ev = Evaluation(
        project_name="学生资助补助经费", department="某县教育局", impl_unit="某县教育局", year=2023,
        layout="mof",
        funds=Funds(unit="万元", weight=10.0, rate=Value(raw="98.5%", op=None, number=98.5, unit="%", blank=False),
                    score=9.85, rows=[FundRow(name="年度资金总额", category="total", budget_initial=100.0,
                                              budget_full_year=100.0, exec_amount=98.5,
                                              cells={"exec_amount": Location(table=0, row=3, col=5)})]),
        goal_planned="资助家庭经济困难学生不少于500人，保障其顺利完成学业。",
        goal_achieved="全年资助家庭经济困难学生520人，资金按时足额发放。",
        indicators=[
            Indicator(level1="产出指标", level2="数量指标", name="资助学生人数",
                      target=Value(raw="≥500人", op=">=", number=500, unit="人", blank=False),
                      actual=Value(raw="520人", op=None, number=520, unit="人", blank=False),
                      weight=20.0, score=20.0,
                      cells={"name": Location(table=0, row=9, col=2), "score": Location(table=0, row=9, col=6)}),
            Indicator(level1="满意度指标", level2="服务对象满意度指标", name="受助学生满意度",
                      target=Value(raw="≥90%", op=">=", number=90, unit="%", blank=False),
                      actual=Value(raw="96%", number=96, unit="%", blank=False), weight=10.0, score=10.0,
                      deviation_reason=long_text(2),
                      cells={"score": Location(table=0, row=14, col=6)}),
        ],
        total_score=95.0, grade="优", problems="个别学校资助信息报送滞后。", measures="建立月度调度机制。",
        cells={"project_name": Location(table=0, row=1, col=1)},
    )
    return Submission(
        id="abc123", kind="mixed", unit="某县教育局", department="某县教育局", year=2023,
        file=FileInfo(name="自评.docx", sha256="f" * 64, format="docx"),
        evaluations=[ev],
        sections=[
            Section(path=["一、基本情况"], level=1, text="某县教育局是县政府工作部门。",
                    location=Location(paragraph=3)),
            Section(path=["二、绩效目标完成情况", "（一）产出指标完成情况"], level=2, text=long_text(),
                    location=Location(paragraph=7, page=2)),
            Section(path=["三、存在的问题"], level=1, text="", location=Location(paragraph=20)),
        ],
    )


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return chunk_submission(make_submission())


def test_split_sentences_keeps_terminators_and_text():
    text = "第一句。第二句！“引号句。”第三句；\n没有标点的行\n最后？"
    parts = split_sentences(text)
    assert parts == ["第一句。", "第二句！", "“引号句。”", "第三句；\n", "没有标点的行\n", "最后？"]
    assert "".join(parts) == text


def test_no_chunk_over_the_limit(chunks):
    assert chunks
    assert all(len(c.text) <= MAX_CHARS for c in chunks), max(len(c.text) for c in chunks)


def test_section_chunks_have_heading_path_and_unit(chunks):
    sec = [c for c in chunks if c.kind == "section" and "产出指标完成情况" in (c.metadata.section or "")]
    assert len(sec) >= 2  # the long section was split
    for c in sec:
        assert c.text.startswith("某县教育局「学生资助补助经费」｜二、绩效目标完成情况 > （一）产出指标完成情况：")
        assert c.metadata.section == "二、绩效目标完成情况 > （一）产出指标完成情况"
        assert c.metadata.paragraph == 7 and c.metadata.page == 2 and c.metadata.field == "sections[1]"
    # the empty section makes no chunk
    assert not [c for c in chunks if c.metadata.section == "三、存在的问题"]


def test_sections_split_on_sentence_boundaries_with_overlap(chunks):
    sec = [c for c in chunks if c.kind == "section" and "产出指标完成情况" in (c.metadata.section or "")]
    bodies = [c.text.split("：", 1)[1] for c in sec]
    for body in bodies:
        # every body is a run of whole sentences
        assert all(s in SENTENCES for s in split_sentences(body)), body
    # one-sentence overlap: each piece starts with the sentence the previous one ended with
    for prev, nxt in zip(bodies, bodies[1:], strict=False):
        assert nxt.startswith(split_sentences(prev)[-1])
    # nothing lost
    covered = {s for b in bodies for s in split_sentences(b)}
    assert covered == set(SENTENCES)


def test_over_long_sentence_is_cut_at_commas():
    sentence = "，".join(f"第{i}项工作按计划推进完成" for i in range(60)) + "。"
    sub = Submission(id="s1", unit="某单位", sections=[Section(path=["一、概况"], text=sentence)])
    out = chunk_submission(sub)
    assert len(out) > 1 and all(len(c.text) <= MAX_CHARS for c in out)
    for c in out[:-1]:
        assert c.text.endswith("，")
    assert "".join(c.text.split("：", 1)[1] for c in out) == sentence


def test_indicator_row_chunk_holds_table_context(chunks):
    rows = [c for c in chunks if c.kind == "table_row" and c.metadata.indicator == "资助学生人数"]
    assert len(rows) == 1
    text = rows[0].text
    assert text == ("某县教育局「学生资助补助经费」项目支出绩效自评表（2023年度）｜一级指标：产出指标｜"
                    "二级指标：数量指标｜三级指标：资助学生人数｜年度指标值：≥500人｜实际完成值：520人｜分值：20｜得分：20")
    meta = rows[0].metadata
    assert (meta.table, meta.row, meta.col) == (0, 9, 2)  # the name cell
    assert meta.field == "evaluations[0].indicators[0]" and meta.evaluation == 0
    assert meta.project == "学生资助补助经费" and meta.level1 == "产出指标"


def test_long_deviation_reason_repeats_the_row_context(chunks):
    rows = [c for c in chunks if c.metadata.indicator == "受助学生满意度"]
    assert len(rows) >= 2
    for c in rows:
        assert "学生资助补助经费" in c.text and "受助学生满意度" in c.text and "实际完成值：96%" in c.text
        assert "偏差原因分析及改进措施：" in c.text
        assert (c.metadata.table, c.metadata.row) == (0, 14)  # falls back to the score cell


def test_funds_header_and_result_chunks(chunks):
    funds = [c for c in chunks if c.metadata.field == "evaluations[0].funds"]
    assert len(funds) == 1
    assert "年度资金总额：年初预算数100、全年预算数100、全年执行数98.5" in funds[0].text
    assert "执行率：98.5%" in funds[0].text and "预算执行率得分：9.85" in funds[0].text
    assert (funds[0].metadata.row, funds[0].metadata.col) == (3, 5)
    header = [c for c in chunks if c.metadata.field == "evaluations[0]"]
    assert len(header) == 1 and header[0].kind == "field"
    assert "主管部门：某县教育局" in header[0].text and "预期目标" in header[0].text
    assert "实际完成情况）：全年资助家庭经济困难学生520人" in header[0].text
    result = [c for c in chunks if c.metadata.field == "evaluations[0].total_score"]
    assert len(result) == 1 and "总分：95｜评价等级：优" in result[0].text and "存在问题：" in result[0].text


def test_every_funds_value_survives_four_rows_and_a_long_reason():
    """Four money rows are too long to repeat before each piece of a long 偏差原因: the rows and
    the rate must still be in some chunk, not cut off behind "…"."""
    sub = make_submission()
    funds = sub.evaluations[0].funds
    funds.rows += [FundRow(name=name, category=cat, budget_initial=b, budget_full_year=b, exec_amount=e)
                   for name, cat, b, e in (("其中：当年财政拨款", "current_fiscal", 80.0, 79.5),
                                           ("上年结转资金", "carryover", 15.0, 14.0),
                                           ("其他资金", "other", 5.0, 5.0))]
    funds.reason = long_text(2)
    texts = [c.text for c in chunk_submission(sub) if c.metadata.field == "evaluations[0].funds"]
    joined = "".join(texts)
    for fact in ("执行率：98.5%", "预算执行率得分：9.85", "其他资金：年初预算数5", "上年结转资金：年初预算数15"):
        assert fact in joined, fact
    assert all(len(t) <= MAX_CHARS for t in texts)
    assert all(t.startswith("某县教育局「学生资助补助经费」") for t in texts)  # each says whose it is


def test_ids_deterministic_and_unique(chunks):
    again = chunk_submission(make_submission())
    assert [c.id for c in chunks] == [c.id for c in again]
    assert [c.text for c in chunks] == [c.text for c in again]
    assert len({c.id for c in chunks}) == len(chunks)
    assert all(re.fullmatch(r"abc123:(section|table_row|field):\d+", c.id) for c in chunks)
    assert {c.kind for c in chunks} == {"section", "table_row", "field"}


def test_flat_metadata_is_scalar_and_round_trips(chunks):
    for c in chunks:
        flat = c.metadata.to_flat()
        assert flat and all(isinstance(v, (str, int, float, bool)) for v in flat.values())
        assert None not in flat.values()
        assert ChunkMeta.from_flat(flat) == c.metadata
    assert chunks[0].metadata.to_flat()["year"] == 2023
    assert chunks[0].metadata.submission_kind == "mixed"


def test_department_form_and_empty_submission():
    assert chunk_submission(Submission(id="e")) == []
    sub = Submission(id="d", unit="某县财政局", year=2022, evaluations=[Evaluation(
        kind="department", indicators=[Indicator(level1="产出指标", name="政策落实率",
                                                 actual=Value(raw="100%", number=100, unit="%", blank=False))])])
    (row,) = chunk_submission(sub)
    assert row.text.startswith("某县财政局部门整体支出绩效自评表（2022年度）｜一级指标：产出指标")
