"""The eval's faithfulness check recomputes facts from the records, so tampering is caught."""

from __future__ import annotations

from assistant.drafting import build_annual, build_review, check_draft
from eval.draft_eval import DraftEvalResult, RecordFacts, evaluate


def test_template_drafts_are_faithful_to_the_records(records, year, with_findings):
    facts = RecordFacts(records)
    for d in [build_annual(records, year), *(build_review(records, s) for s in with_findings)]:
        check = check_draft(d, allowed_for=facts.allowed_for(d))
        assert check.numbers and check.ok, (d.key, check)


def test_invented_and_changed_numbers_are_caught(records, year, with_findings):
    facts = RecordFacts(records)
    d = build_annual(records, year)
    theme = d.blocks_with("theme")[0]
    theme.text = theme.text.replace("占", "占比99999%，", 1)
    assert check_draft(d, allowed_for=facts.allowed_for(d)).unsupported == {theme.key: ["99999"]}

    r = build_review(records, with_findings[0])
    problem = r.blocks_with("problem")[0]
    fact = r.facts[problem.cites[0]]
    # a draft whose own fact was changed along with its text passes its own check, not the eval's
    problem.text += "另见第8888号文。"
    fact.text += "；第8888号文"
    assert check_draft(r).unsupported == {}
    assert check_draft(r, allowed_for=facts.allowed_for(r)).unsupported == {problem.key: ["8888"]}


def test_evaluate_reports_full_marks_on_the_corpus(records):
    result = evaluate(records, DraftEvalResult(corpus="test"))
    assert result.review_drafts > 0 and result.annual_drafts > 0 and result.numbers > 0
    assert result.faithfulness == 100.0 and result.ok, result.lines()
