"""复核打分 on the submission page, in Debian's chromium (Playwright): the section shows the
self-score beside the review score; a score above the row's 分值 gets the API's Chinese message
and keeps the inputs; a valid adjustment saves and the review total and grade change."""

from __future__ import annotations

import pytest

from tests.api.support import chromium_session, screenshot_dir, served
from tests.support.samples import make_submission

pytestmark = [pytest.mark.browser, pytest.mark.slow]



def test_a_reviewer_scores_a_form_on_the_submission_page(tmp_path, chromium_path):
    from api.users import UserStore
    from assistant.settings import Settings
    from assistant.stores import open_stores

    settings = Settings(data_dir=tmp_path / "data")
    stores = open_stores(settings)
    try:
        stores.records.save_submission(make_submission("scoredsub0000001"))
        _, token = UserStore(stores.records.engine).add("复核员", "reviewer")
    finally:
        stores.close()
    shots = screenshot_dir()
    with served(settings) as url, chromium_session(tmp_path / "chromium", chromium_path, url, token,
                                                   height=900) as browser:
        page = browser.page(chromium_path)
        page.goto(url + "/submissions/scoredsub0000001")
        summary = page.locator("#review-scores .score-summary")
        summary.wait_for()
        assert "自评得分 95（优）" in summary.inner_text() and "尚未复核打分" in summary.inner_text()
        first = page.locator("#review-scores tr").nth(1)  # the first indicator row
        first.locator("input[type=number]").fill("25")
        first.locator("input[type=text]").fill("实际完成值无佐证")
        page.click("#review-scores button.btn.primary")
        notice = page.locator("#review-scores .score-form p.notice:not([hidden])")
        notice.wait_for()
        assert "超过该项分值20分" in notice.inner_text()
        assert first.locator("input[type=text]").input_value() == "实际完成值无佐证"  # nothing lost
        first.locator("input[type=number]").fill("12")
        page.click("#review-scores button.btn.primary")
        page.locator("#review-scores .score-summary", has_text="版本 1").wait_for()
        text = page.locator("#review-scores .score-summary").inner_text()
        assert "复核得分 87（良）" in text and "差值 -8" in text and "复核员" in text
        page.locator("#review-scores").screenshot(path=str(shots / "scores_section.png"))
    # the refused 25 points answer 422, which chromium logs as a console error: only script errors count
    assert not [e for e in browser.events if e.startswith("pageerror")], browser.events
    print(f"\nscreenshot: {shots / 'scores_section.png'}")
