"""Document type at reading time: 自评表, 自评报告, 绩效目标申报表, 绩效监控表 or 其他."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as new_docx

from assistant.model import Submission
from assistant.settings import Settings
from assistant.stores import open_stores
from eval.extraction import label_files
from ingest.classify import is_checked, type_name
from ingest.extract import extract_file
from ingest.pipeline import IngestOptions, ingest_paths

GOAL_ROWS = [("一级指标", "二级指标", "三级指标", "指标值"),
             ("产出指标", "数量指标", "资助学生人数", "≥500人"),
             ("产出指标", "时效指标", "资金发放及时率", "100%"),
             ("满意度指标", "服务对象满意度指标", "受助学生满意度", "≥90%")]
MONITOR_ROWS = [("一级指标", "二级指标", "三级指标", "年度指标值", "1-6月执行情况", "全年预计完成情况", "偏差原因分析"),
                ("产出指标", "数量指标", "资助学生人数", "≥500人", "260人", "520人", ""),
                ("效益指标", "社会效益指标", "因贫辍学率", "0%", "0%", "0%", "")]


def _docx(path: Path, title: str, rows: list[tuple[str, ...]]) -> Path:
    doc = new_docx()
    doc.add_paragraph(title)
    doc.add_paragraph("项目名称：学生资助补助经费    主管部门：某县教育局")
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(path)
    return path


def test_hello_text_is_other_and_is_stored_searchable_but_not_checked(tmp_path: Path):
    path = tmp_path / "hello.txt"
    path.write_text("hello\n", "utf-8")
    sub = extract_file(path)
    assert sub.doc_type.code == "other" and sub.doc_type.name == "其他"
    assert sub.doc_type.confidence >= 0.8 and not sub.doc_type.checked
    assert sub.kind == "unknown" and sub.status == "needs_review" and "其他" in sub.status_reason

    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    try:
        report = ingest_paths([path], stores, IngestOptions(defer_vectors=True))
        (result,) = report.files
        assert result.status == "needs_review" and result.findings == 0 and result.chunks >= 1
        stored = stores.records.get_submission(result.submission_id)
        assert stored.doc_type.code == "other" and not stored.doc_type.checked
        assert stores.fulltext.search("hello")  # searchable
    finally:
        stores.close()


def test_goal_and_monitoring_forms_are_not_self_evaluations(tmp_path: Path):
    goal = extract_file(_docx(tmp_path / "申报.docx", "2024年度项目支出绩效目标申报表", GOAL_ROWS))
    assert goal.doc_type.code == "goal_form" and goal.doc_type.name == "绩效目标申报表"
    assert goal.doc_type.confidence >= 0.8 and not goal.doc_type.checked
    assert goal.evaluations == [] and any("资助学生人数" in s.text for s in goal.sections)

    monitor = extract_file(_docx(tmp_path / "监控.docx", "2024年度项目支出绩效监控表", MONITOR_ROWS))
    assert monitor.doc_type.code == "monitoring_form" and monitor.doc_type.name == "绩效监控表"
    assert monitor.doc_type.confidence >= 0.8 and monitor.evaluations == []


def test_every_synthetic_self_evaluation_is_classified_as_one(synth_corpus: Path):
    want = {"report_docx": "evaluation_report", "report_pdf": "evaluation_report"}
    for path, labels in label_files(synth_corpus):
        if labels["kind"] == "scanned_pdf":
            continue
        sub = extract_file(path)
        assert sub.doc_type.code == want.get(labels["kind"], "evaluation_table"), (path.name, sub.doc_type)
        assert sub.doc_type.checked and sub.doc_type.confidence >= 0.7 and sub.doc_type.reason


def test_report_with_headings_is_a_report_and_a_letter_is_other(tmp_path: Path):
    report = tmp_path / "报告.md"
    report.write_text("某县教育局2023年度学生资助项目绩效自评报告\n\n一、基本情况\n项目预算资金100万元，执行率98.5%。\n"
                      "二、绩效目标完成情况\n产出指标全部完成，受助学生满意度96%。\n三、存在的问题及原因\n个别学校报送滞后。\n"
                      "四、改进措施\n加强预算执行监控。\n", "utf-8")
    sub = extract_file(report)
    assert sub.doc_type.code == "evaluation_report" and sub.doc_type.confidence >= 0.9
    letter = tmp_path / "通知.txt"
    letter.write_text("关于召开会议的通知\n各单位：\n定于下周一上午九点在三楼会议室召开工作会议，请准时参加。\n办公室\n", "utf-8")
    sub = extract_file(letter)
    assert sub.doc_type.code == "other" and not sub.doc_type.checked


def test_old_json_without_a_type_loads_as_unclassified_and_checked(tmp_path: Path):
    data = extract_file(_docx(tmp_path / "申报.docx", "项目支出绩效目标申报表", GOAL_ROWS)).to_dict()
    assert data["doc_type"]["code"] == "goal_form"
    assert Submission.from_dict(data).doc_type.code == "goal_form"
    del data["doc_type"]
    old = Submission.from_dict(data)
    assert old.doc_type.code is None and old.doc_type.checked


@pytest.mark.parametrize(("code", "name", "checked"), [("evaluation_table", "自评表", True),
                                                        ("evaluation_report", "自评报告", True),
                                                        ("goal_form", "绩效目标申报表", False),
                                                        ("monitoring_form", "绩效监控表", False),
                                                        ("other", "其他", False), (None, "未分类", True)])
def test_type_names_and_which_are_checked(code, name, checked):
    assert type_name(code) == name and is_checked(code) is checked
