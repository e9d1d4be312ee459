"""复核打分 downstream (issue 15 item 8): the year statistics carry the 复核 grades beside the
self-assessed ones, the gap (mean difference, forms whose grade changed, forms capped by the
execution rate), and the annual draft states them citing those figures."""

from __future__ import annotations

import uuid

from assistant.drafting.annual import build_annual
from assistant.review.scores import Adjustment
from assistant.stats import year_statistics
from assistant.stores.scores import ScoreRequest, ScoreStore
from tests.support.samples import make_submission

YEAR = 2032  # a year no other test stores


def uid() -> str:
    return uuid.uuid4().hex[:16]


def test_statistics_and_annual_draft_carry_both_scores_and_the_gap(records):
    dept = f"复核局{uid()[:6]}"
    sids = []
    for rate in (98.5, 75.0, 98.5, 98.5):  # self total 95 (优) each
        sub = make_submission(uid(), unit=dept, year=YEAR)
        sub.evaluations[0].funds.rows[0].exec_amount = rate * 10_000  # of a 1,000,000 元 budget
        records.save_submission(sub)
        sids.append(sub.id)
    a, b, c, d = sids

    def score(sid: str, profile: str, *adjustments: tuple[str, float, str]) -> None:
        ScoreStore(records, profile).save(ScoreRequest(sid, 0, tuple(Adjustment(*x) for x in adjustments),
                                                       actor="张审核", expected_version=0))

    scope = f"department:{dept}"
    before = year_statistics(records, YEAR, scope).figures
    assert before["review.scored"].value == 0 and before["review.score.mean"].value is None

    score(a, "national", ("indicators[0]", 5, "数量指标未完成"))  # 95 − 15 = 80 → 良
    score(b, "exec_caps")  # 95, but 75% executed → capped at 89 → 良
    score(d, "national", ("indicators[2]", 8, "满意度样本不足"))  # 93 → 优
    # c is not scored: counted in the self-assessed figures only

    F = year_statistics(records, YEAR, scope).figures
    assert F["grade.优"].value == 4 and F["score.mean"].value == 95  # the self-assessment, unchanged
    assert F["review.scored"].value == 3 and set(F["review.scored"].submissions) == {a, b, d}
    assert (F["review.grade.优"].value, F["review.grade.良"].value, F["review.grade.中"].value) == (1, 2, 0)
    assert F["review.score.mean"].value == 87.33  # (80 + 89 + 93) / 3
    assert F["review.self.mean"].value == 95
    assert F["review.gap.mean"].value == -7.67  # (−15 − 6 − 2) / 3
    assert F["review.grade.changed"].value == 2 and set(F["review.grade.changed"].submissions) == {a, b}
    assert F["review.capped"].value == 1 and F["review.capped"].submissions == (b,)
    assert c not in F["review.scored"].submissions

    draft = build_annual(records, YEAR, scope, with_statistics=True)
    block = next(bl for bl in draft.blocks if bl.key == "stats.results")
    assert "经复核打分的自评表3个" in block.text and "平均复核得分87.33分" in block.text
    assert "平均差值-7.67分" in block.text and "复核等级与自评等级不同的2个" in block.text
    assert "因预算执行率限定复核总分的1个" in block.text
    assert {"review.scored", "review.score.mean", "review.gap.mean", "review.grade.changed"} <= set(block.cites)
