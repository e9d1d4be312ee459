"""Review comments: structure, the deciding rule, evidence per problem, numbers, exclusions."""

from __future__ import annotations

import re

import pytest

from assistant.drafting import build_review, check_draft, decide, load_library
from assistant.drafting.document import tidy
from assistant.drafting.places import unit_place
from assistant.drafting.review import review_from
from assistant.model import Finding, Location, Submission

CONCLUSIONS = ("通过", "修改后通过", "退回重报")


def f(rule: str, severity: str, n: int = 0) -> Finding:
    return Finding(rule=rule, severity=severity, message=f"{rule} 第{n}项", id=f"{rule}-{n}",  # type: ignore[arg-type]
                   location=Location(table=0, row=n, col=2, field=f"evaluations[0].indicators[{n}].score"))


@pytest.fixture(scope="module")
def config():
    return load_library().review_config()


def test_decision_rules(config):
    assert decide([], config).code == "pass"
    assert decide([f("MISSING-IND-005", "info")], config).code == "pass"
    assert decide([f("WEAK-VAL-001", "warning")], config).code == "modify"
    two_errors = [f("CALC-IND-001", "error", i) for i in range(2)]
    assert decide(two_errors, config).code == "modify"
    three = [f("CALC-IND-001", "error", i) for i in range(3)]
    d = decide(three, config)
    assert (d.code, d.basis, d.errors, d.threshold) == ("return", "return_errors", 3, 3)
    d = decide([f("MISSING-FUND-001", "error")], config)
    assert (d.code, d.basis, d.deciding) == ("return", "return_rule", ("MISSING-FUND-001-0",))


def test_structure_of_every_review(records, with_findings):
    for sid in with_findings:
        d = build_review(records, sid)
        texts = [b.text for b in d.blocks]
        assert d.title.startswith("关于") and d.title.endswith("的审核意见")
        heads = [b.text for b in d.blocks if b.kind == "heading1"]
        assert heads == ["一、审核结论", "二、存在的问题", "三、整改要求"]
        conclusion = d.block("conclusion").text
        assert conclusion.startswith("审核结论：") and d.meta["conclusion"] in CONCLUSIONS
        assert "依据审核规则“" in conclusion and f"审核结论为{d.meta['conclusion']}" in conclusion
        problems = d.blocks_with("problem")
        assert [p.text.split(".", 1)[0] for p in problems] == [str(i) for i in range(1, len(problems) + 1)]
        findings = {x.id: x for x in records.get_findings(sid)}
        assert {p.cites[0] for p in problems} == set(findings)  # one problem per finding
        sub = records.get_submission(sid)
        for p in problems:
            fd = findings[p.cites[0]]
            # the place as the unit knows it, the basis in words and the action; no rule code
            assert p.text.startswith(f"{p.text.split('.', 1)[0]}.{unit_place(sub, fd)}：")
            assert "依据" in p.text and p.text.endswith("。")
            assert fd.rule not in p.text and fd.location.describe() not in p.text
        assert re.search(r"（[一二三四五六七八九十]+）", "".join(b.text for b in d.blocks if b.kind == "heading2"))
        assert "　　年　　月　　日前" in d.block("requirements").text
        assert texts[-3:] == ["特此函告。", "××市财政局", "××××年××月××日"]
        assert d.block("addressee").text == f"{d.meta['unit']}：" and sub.file.name not in d.text()


def test_numbers_come_from_the_findings(records, with_findings):
    for sid in with_findings:
        check = check_draft(build_review(records, sid))
        assert check.numbers > 0
        assert check.unsupported == {}, check.unsupported
        assert check.problems == check.problems_citing


def test_conclusion_cites_its_counts(records, with_findings):
    d = build_review(records, with_findings[0])
    counts = d.facts["review:counts"].text
    n = len(records.get_findings(with_findings[0]))
    assert f"审核发现问题{n}项" in counts
    assert "review:counts" in d.block("conclusion").cites and "rule:review" in d.block("conclusion").cites


def test_excluded_findings_disappear(records, with_findings):
    sid = max(with_findings, key=lambda s: len(records.get_findings(s)))
    findings = records.get_findings(sid)
    gone = findings[0]
    d = build_review(records, sid, excluded=[gone.id])
    assert f"problem:{gone.id}" not in {b.key for b in d.blocks}
    assert tidy(gone.message) not in d.text() and gone.id not in d.facts
    assert tidy(gone.message) in build_review(records, sid).text()
    assert len(d.blocks_with("problem")) == len(findings) - 1
    assert f"审核发现问题{len(findings) - 1}项" in d.facts["review:counts"].text
    assert d.meta["excluded"] == [gone.id]
    everything = build_review(records, sid, excluded=[x.id for x in findings])
    assert everything.meta["conclusion"] == "通过"
    assert "未发现需要修改的问题" in everything.text()


def test_reviewer_edit_is_applied(records, with_findings):
    d = build_review(records, with_findings[0], edits={"closing": "此复。"}, editor="张三")
    block = d.block("closing")
    assert (block.text, block.edited, block.edited_by) == ("此复。", True, "张三")


def test_submission_without_findings_passes():
    sub = Submission(id="x", kind="table", unit="某县教育局", year=2023)
    d = review_from(sub, [])
    assert d.meta["conclusion"] == "通过" and "未发现需要修改的问题" in d.text()
    assert "继续按规定做好绩效自评工作" in d.block("requirements").text
