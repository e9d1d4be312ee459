"""The rules page shows the selected pack, its 依据 and its difference from the national pack
(与全国口径的差异), in Debian's chromium (Playwright)."""

from __future__ import annotations

import pytest

from tests.api.support import chromium_session, screenshot_dir, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_rules_page_shows_a_packs_diff_from_national(tmp_path, chromium_path):
    from api.users import UserStore
    from assistant.settings import Settings
    from assistant.stores import open_stores

    settings = Settings(data_dir=tmp_path / "data")
    stores = open_stores(settings)
    try:
        _, token = UserStore(stores.records.engine).add("审核员", "reviewer")
    finally:
        stores.close()
    shots = screenshot_dir()
    with served(settings) as url, chromium_session(tmp_path / "chromium", chromium_path, url, token,
                                                   height=900) as browser:
        page = browser.page(chromium_path)
        page.goto(url + "/rules")
        page.wait_for_selector("#rules tbody tr.rule-row")
        page.wait_for_selector("#pack-same:not([hidden])")
        assert "全国口径本身" in page.inner_text("#pack-same")  # national: nothing to compare
        page.select_option("#profile", "sichuan")
        page.wait_for_selector("#pack-diff:not([hidden]) tr[data-key='execution_reason_below']")
        assert "版本 2026.1" in page.inner_text("#pack-meta") and "官方网站" in page.inner_text("#pack-basis")
        row = page.locator("#pack-diff tr[data-key='execution_reason_below']").inner_text()
        assert "100" in row and "90" in row and "官方网站 https://www.scqs.gov.cn" in row
        assert "错误" in page.locator("#pack-diff tr[data-key='rules.MISSING-FUND-003']").inner_text()
        page.select_option("#profile", "municipal")
        page.wait_for_selector("#pack-diff tr[data-key='qualitative_bands']")
        assert "转载" in page.inner_text("#pack-meta") and "转载，非官方网站" in page.inner_text("#pack-diff")
        page.locator("#pack").screenshot(path=str(shots / "rules_pack_diff.png"))
    assert not [e for e in browser.events if e.startswith("pageerror")], browser.events
    print(f"\nscreenshot: {shots / 'rules_pack_diff.png'}")
