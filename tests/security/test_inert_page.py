"""Markup in a submission is shown, never run, in a real browser (Debian's chromium via Playwright).

The hostile 自评表 (tests/security/conftest.py) names its unit ``=HYPERLINK(…)<img src=x
onerror="alert(2)">…`` and its first indicator ``<script>alert(1)</script>…``. On the overview, the
submission page, an answer and a review draft: no dialog opens, no script error, no ``<img>`` or
``<script>`` element comes from the text, and the text is on the page literally.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.settings import Settings
from tests.api.support import Chromium, served
from tests.security.conftest import IMG, SCRIPT, seed

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def page_site(tmp_path_factory, hostile) -> Iterator[tuple[str, str, str]]:
    data_dir = tmp_path_factory.mktemp("inert-page")
    tokens, by_name = seed(data_dir, [hostile.path], defer_vectors=True)
    with served(Settings(data_dir=data_dir)) as url:
        yield url, tokens["li"], by_name[hostile.path.name]


@pytest.fixture(scope="module")
def chromium(tmp_path_factory) -> Iterator[Chromium]:
    holder = Chromium(tmp_path_factory.mktemp("chromium"))
    try:
        yield holder
    finally:
        holder.close()


@pytest.fixture
def browser_page(page_site, chromium, chromium_path):
    """One logged-in page for the module (launched by the first test) and the events it collected."""
    url, token, _ = page_site
    return chromium.page(chromium_path, url, token), chromium.events


def _no_markup_ran(page, events: list[str]) -> None:
    page.wait_for_timeout(300)  # an onerror fires once the broken image has failed to load
    assert not [e for e in events if e.startswith("dialog")], events
    assert not [e for e in events if e.startswith("pageerror")], events
    assert page.locator("img[src=x], img[onerror]").count() == 0
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('alert(')).length") == 0


def test_the_overview_shows_the_unit_as_text(page_site, browser_page):
    page, events = browser_page
    page.select_option("#year", "")
    page.locator("#subs td", has_text=IMG).first.wait_for()
    _no_markup_ran(page, events)


def test_the_submission_page_shows_unit_and_indicator_as_text(page_site, browser_page):
    url, _, sid = page_site
    page, events = browser_page
    page.goto(f"{url}/submissions/{sid}")
    page.wait_for_selector(".finding")
    page.locator("td", has_text=SCRIPT).first.wait_for()
    body = page.inner_text("body")
    assert IMG in body and SCRIPT in body
    _no_markup_ran(page, events)


def test_an_answer_and_a_draft_show_the_text_as_text(page_site, browser_page, hostile):
    url, _, sid = page_site
    page, events = browser_page
    page.goto(url + "/ask")
    page.fill("#question", f"{hostile.project}的执行率是多少？")
    page.press("#question", "Enter")
    page.wait_for_selector(".msg.assistant:not(.streaming)")
    assert IMG in page.inner_text(".msg.assistant")
    _no_markup_ran(page, events)
    page.goto(f"{url}/drafts?submission={sid}")
    page.wait_for_load_state("networkidle")
    _no_markup_ran(page, events)
