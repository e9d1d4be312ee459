"""The figures the evaluations print: hit@k / MRR and the extraction tallies, on hand-counted cases."""

from __future__ import annotations

import pytest

from eval.ask_eval import RetrievalScore
from eval.extraction import ExtractionReport, Tally


def test_hit_at_k_and_mrr():
    s = RetrievalScore()
    for rank in (1, 3, 6, None):  # first relevant text at rank 1, 3, 6, and not in the top 10
        s.add(rank, 0.01)
    d = s.to_dict()
    assert (d["hit@1"], d["hit@5"], d["n"]) == (0.25, 0.5, 4)
    assert d["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 6 + 0) / 4)
    assert d["mrr"] != pytest.approx((1 + 1 / 3 + 1 / 6 + 1 / 10) / 4)  # a miss scores nothing


def test_no_question_is_no_score():
    assert RetrievalScore().to_dict()["hit@1"] == 0


def test_tallies():
    t = Tally()
    for ok in (True, True, False):
        t.add(ok)
    assert (t.right, t.total) == (2, 3) and t.rate == pytest.approx(2 / 3)
    r = ExtractionReport()
    r.overall.add(False)
    r.by_field["funds.rate"].add(False)
    d = r.to_dict()
    assert d["overall"] == {"accuracy": 0.0, "fields": 1} and d["by_field"]["funds.rate"]["accuracy"] == 0.0
