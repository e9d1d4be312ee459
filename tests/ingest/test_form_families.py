"""Form families (issue 21): the evaluation-framework table and the table without score columns are
layouts of their own, and level-1 names with a prefix, a synonym or a weight note read as the
canonical level with its block weight kept."""

from __future__ import annotations

import pytest

from ingest.document import Document, Paragraph
from ingest.forms.recognise import recognise_forms
from tests.ingest.test_recognise import MOF, SICHUAN, M, U, grid

HEADER = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
NO_SCORE_HEADER = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施"]

# Level-1 rows of the evaluation framework, as real tables word them (issue 21).
FRAMEWORK = [
    *MOF[:8],
    HEADER,
    [U, "项目决策(20分)", "项目立项", "项目目标完整性", "目标明确、内容细化、目标量化", "目标明确", "10", "10", ""],
    [U, U, "资金投入", "预算编制科学性", "科学", "科学", "10", "10", ""],
    [U, "项目管理(20分)", "资金管理", "财务管理制度有效性", "持续有效", "有效", "10", "10", ""],
    [U, U, "资金管理", "预算执行率", "100%", "95%", "10", "9.5", "部分资金次年拨付"],
    [U, "项目产出(40分)", "数量指标", "资助人数", "≥500人", "520人", "40", "40", ""],
    [U, "项目效益(20分)", "社会效益", "辍学率", "≤1%", "0.5%", "20", "20", ""],
    ["总分", M, M, M, M, M, "100", "99.5", M],
]

NO_SCORE = [
    *MOF[:8],
    NO_SCORE_HEADER,
    [U, "产出指标", "数量指标", "资助人数", "≥500人", "520人", ""],
    [U, U, "质量指标", "资助准确率", "100%", "98%", "信息核对滞后，下一步加强比对"],
    [U, "效益指标", "社会效益", "辍学率", "≤1%", "0.5%", ""],
    [U, "满意度指标", "服务对象满意度", "学生满意度", "≥90%", "95%", ""],
]


def _read(rows: list[list[object]]):
    doc = Document(name="f.docx", format="docx", blocks=[Paragraph("项目支出绩效自评表", 0), grid(rows)])
    (ev,) = recognise_forms(doc).evaluations
    return ev


def _with_level1(names: list[str]) -> list[list[object]]:
    rows = [list(r) for r in MOF]
    for row, name in zip(rows[9:13], names, strict=True):
        row[1] = name
    return rows


@pytest.mark.parametrize(("names", "weights"), [
    (["项目产出", U, "项目效益", "服务对象满意度"], {}),
    (["项目绩效-产出指标(40分)", U, "项目绩效-效益指标(40分)", "项目绩效-满意度指标(10分)"],
     {"产出指标": 40.0, "效益指标": 40.0, "满意度指标": 10.0}),
    (["产出指标（50分）", U, "效益指标（30分）", "满意度指标（10分）"],
     {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}),
    (["一、产出指标", U, "二、效益指标", "三、满意度指标"], {}),
])
def test_level1_synonyms_and_prefixes_read_as_the_canonical_level_with_their_weight(names, weights):
    ev = _read(_with_level1(names))
    assert [i.level1 for i in ev.indicators] == ["产出指标", "产出指标", "效益指标", "满意度指标"]
    assert ev.block_weights == weights
    assert ev.layout == "mof"


def test_evaluation_framework_table_is_its_own_layout():
    ev = _read(FRAMEWORK)
    assert ev.layout == "framework"
    assert [i.level1 for i in ev.indicators] == ["项目决策", "项目决策", "项目管理", "项目管理", "产出指标", "效益指标"]
    assert ev.block_weights == {"项目决策": 20.0, "项目管理": 20.0, "产出指标": 40.0, "效益指标": 20.0}


def test_framework_detected_on_a_sichuan_header_too():
    rows = [list(r) for r in SICHUAN]
    first = next(i for i, r in enumerate(rows) if "产出指标" in {c for c in r if isinstance(c, str)})
    rows[first] = ["项目决策" if c == "产出指标" else c for c in rows[first]]
    assert _read(SICHUAN).layout == "sichuan"
    assert _read(rows).layout == "framework"


def test_table_without_score_columns_is_its_own_layout():
    ev = _read(NO_SCORE)
    assert ev.layout == "noscore"
    assert [(i.weight, i.score) for i in ev.indicators] == [(None, None)] * 4
    assert "weight" not in ev.indicators[0].cells and "score" not in ev.indicators[0].cells
    assert ev.indicators[1].deviation_reason == "信息核对滞后，下一步加强比对"


def test_the_self_evaluation_layouts_stay_as_they_were():
    assert _read(MOF).layout == "mof"
    assert _read(SICHUAN).layout == "sichuan"
