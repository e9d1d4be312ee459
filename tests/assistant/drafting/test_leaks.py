"""What goes out under the bureau's name carries no internal marks: a scan of every exported letter
and annual draft (Markdown and the .docx text) for rule codes, cell coordinates, internal ids,
file names, and — when anonymised — every unit and person name the year's material carries."""

from __future__ import annotations

import re
from pathlib import Path

import docx

from assistant.drafting import build_annual, build_review, export
from assistant.drafting.annual import known_names
from assistant.drafting.review import review_from
from assistant.model import Evaluation, FileInfo, Finding, Indicator, Location, Submission

RULE_CODE = re.compile(r"[A-Z]+-[A-Z]+-\d{3}")
COORDINATE = re.compile(r"第\d+页|表\d+\s*第\d+行|第\d+列|工作表“|evaluations\[|\.indicators\[")
HEX_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{16}(?![0-9a-f])")


def texts(draft, tmp: Path, name: str) -> dict[str, str]:
    md = export(draft, tmp / f"{name}.md").read_text(encoding="utf-8")
    doc = docx.Document(str(export(draft, tmp / f"{name}.docx")))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return {"md": md, "docx": "\n".join(parts)}


def body(draft) -> set[str]:
    """Block keys outside the trace appendix (which may give 表/页/行 for the reviewer)."""
    return {b.key for b in draft.blocks if b.role != "trace"}


def test_no_letter_carries_codes_coordinates_ids_or_file_names(records, with_findings, tmp_path):
    assert with_findings
    for sid in with_findings:
        draft = build_review(records, sid)
        sub = records.get_submission(sid)
        for fmt, text in texts(draft, tmp_path, sid).items():
            assert not RULE_CODE.search(text), (sid, fmt, RULE_CODE.search(text).group(0))
            assert not COORDINATE.search(text), (sid, fmt, COORDINATE.search(text).group(0))
            assert not HEX_ID.search(text), (sid, fmt, HEX_ID.search(text).group(0))
            assert sub.file.name not in text, (sid, fmt)


def test_the_annex_lists_them_for_reviewers_when_asked(records, with_findings, tmp_path):
    sid = with_findings[0]
    draft = build_review(records, sid, annex=True)
    annex = draft.block("annex.findings")
    assert annex.role == "trace" and annex.rows[0][2] == "规则编号"
    assert {r[2] for r in annex.rows[1:]} == {f.rule for f in records.get_findings(sid) if f.outstanding}
    outside = "\n".join(b.text for b in draft.blocks if b.key in body(draft))
    assert not RULE_CODE.search(outside) and not COORDINATE.search(outside)


def test_anonymised_annual_drafts_name_nobody(records, year, tmp_path):
    for y in sorted({year, *records.years()}):
        draft = build_annual(records, y)
        ids = {o for o in draft.meta["findings"]}
        known = known_names(records, records.submission_ids_where(year=y))
        assert known.units
        for fmt, text in texts(draft, tmp_path, f"annual{y}").items():
            assert not RULE_CODE.search(text), (y, fmt, RULE_CODE.search(text).group(0))
            assert not HEX_ID.search(text), (y, fmt, HEX_ID.search(text).group(0))
            for name in (*known.units, *known.persons):
                assert name not in text, (y, fmt, name)
            for fid in ids:
                assert fid not in text
        # outside the trace appendix no coordinates either
        outside = "\n".join(b.text for b in draft.blocks if b.key in body(draft))
        assert not COORDINATE.search(outside), COORDINATE.search(outside).group(0)


def test_names_inside_messages_and_projects_are_replaced_consistently():
    """A unit named inside another name, and a person in a signature, are replaced everywhere by the
    same alias — checked on a hand-made year so the names are known to occur in the text."""
    from assistant.drafting.annual import KnownNames, _Aliases

    alias = _Aliases(True, KnownNames(units=("松涛县教育局", "松涛县教育局第一中学"), persons=("王小明",)))
    a = alias.scrub("松涛县教育局第一中学报送的表由王小明填写，松涛县教育局审核；王小明签字。")
    assert "松涛" not in a and "王小明" not in a
    first, second = alias.names["松涛县教育局第一中学"], alias.names["松涛县教育局"]
    assert first != second and a.count(alias.names["王小明"]) == 2
    assert alias.scrub("松涛县教育局") == second  # the same alias every time


def test_a_year_without_material_says_so(records, tmp_path):
    empty = max(records.years()) + 5
    draft = build_annual(records, empty)
    text = draft.text()
    assert "尚无已审核的绩效自评材料" in text and f"{empty}年度" in text
    assert not draft.blocks_with("theme") and not draft.blocks_with("measure")
    assert not draft.blocks_with("standing_measure") and not draft.blocks_with("statistics")
    assert not draft.unsupported()


def test_too_little_material_says_so(records, year):
    """A department with one or two submissions in the year: the draft says the sample is small."""
    from assistant.stats import Scope

    depts: dict[str, int] = {}
    for sid in records.submission_ids_where(year=year):
        dept = records.get_summary(sid).department
        if dept:
            depts[dept] = depts.get(dept, 0) + 1
    small = sorted(d for d, n in depts.items() if n < 3)
    assert small, depts
    draft = build_annual(records, year, Scope("department", small[0]))
    note = draft.block("too_little").text
    assert "样本较少" in note and not draft.unsupported()
    assert [b.key for b in draft.blocks].index("too_little") < [b.key for b in draft.blocks].index("h.problems")
    everyone = build_annual(records, year)
    assert "too_little" not in {b.key for b in everyone.blocks}


def test_letter_place_as_the_unit_knows_it():
    sub = Submission(id="s", kind="table", unit="某县教育局", year=2023, file=FileInfo(name="教育局.docx"),
                     evaluations=[Evaluation(project_name="校舍维修", indicators=[
                         Indicator(name=n)
                         for n in ("完成率", "覆盖人数", "学生满意度")])])
    f = Finding(rule="WEAK-VAL-001", severity="warning", message="指标值为定性表述", id="0123456789abcdef",
                location=Location(file="教育局.docx", page=2, table=0, row=9, col=3,
                                  field="evaluations[0].indicators[2].target"),
                suggestion="改为可衡量的数值", source="财政部《项目支出绩效评价管理办法》（财预〔2020〕10号） http://x.invalid")
    text = review_from(sub, [f]).block("problem:0123456789abcdef").text
    assert text.startswith("1.自评表绩效指标第3行“学生满意度”的年度指标值：指标值为定性表述。")
    assert "依据财政部《项目支出绩效评价管理办法》（财预〔2020〕10号），改为可衡量的数值。" in text
    assert "http" not in text and "第10行" not in text and "教育局.docx" not in text
