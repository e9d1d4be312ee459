"""The ask page in a real browser (issue 18): a three-turn conversation — a structured question, a
follow-up that carries its subject, and a question about the review itself (退回的有哪些) — is
reopened after a reload, and an answer is rated 👎 with a reason, which is stored.

Debian's chromium driven by Playwright, the app under uvicorn (``tests.api.support.served``) on a
temporary data directory with two synthetic files stored and one of them returned to its unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.api.support import chromium_session, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@dataclass
class Site:
    url: str
    token: str
    database_url: str
    returned: str  # the submission returned to its unit
    unit: str
    events: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(tmp_path_factory, synth) -> Iterator[Site]:
    from assistant.review.roles import Actor
    from assistant.settings import Settings
    from assistant.stores import open_stores
    from assistant.stores.users import UserStore
    from ingest.extract import file_sha256
    from ingest.pipeline import IngestOptions, ingest_paths

    settings = Settings(data_dir=tmp_path_factory.mktemp("ask-browser") / "data")
    stores = open_stores(settings)
    try:
        report = ingest_paths([synth["docx_table"], synth["report_docx"]], stores, IngestOptions(defer_vectors=True))
        assert all(f.status != "failed" for f in report.files), report.to_dict()
        table = stores.records.find_by_sha256(file_sha256(synth["docx_table"])).id
        _, token = UserStore(stores.records.engine).add("审核员", "admin")
        admin = Actor("审核员", admin=True)
        stores.review.transition(table, "in_review", admin)
        stores.review.transition(table, "returned", admin, reason="指标值不完整")
        unit = stores.records.get_submission(table).unit
    finally:
        stores.close()
    with served(settings) as url:
        yield Site(url, token, settings.sqlalchemy_url, table, unit)


@pytest.fixture
def page(site, chromium_path, tmp_path):
    with chromium_session(tmp_path / "chromium-ask", chromium_path, site.url, site.token, events=site.events) as browser:
        yield browser.page(chromium_path)


def _ask(page, question: str, n: int) -> None:
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.locator(".msg.assistant:not(.streaming)").nth(n).wait_for()
    page.locator(".msg.assistant").nth(n).locator(".feedback").wait_for()


def test_three_turns_reopened_after_a_reload_and_an_answer_rated_down(site, page):
    from assistant.stores.feedback import list_feedback
    from assistant.stores.records import RecordStore

    page.goto(site.url + "/ask")
    page.click("#new-chat")
    _ask(page, f"{site.unit}的项目预算执行率是多少？", 0)
    _ask(page, "它的满意度指标呢？", 1)
    assert "已按上一轮问题理解为" in page.locator(".msg.assistant").nth(1).inner_text()
    _ask(page, "退回的有哪些？", 2)
    third = page.locator(".msg.assistant").nth(2)
    assert "退回重报" in third.inner_text()
    assert third.locator("table.rows tbody tr").count() == 1
    assert "c=" in page.url

    page.reload()
    page.locator(".msg.assistant").nth(2).locator(".feedback").wait_for()
    assert [page.locator(".msg.user").nth(i).inner_text() for i in range(3)] == [
        f"{site.unit}的项目预算执行率是多少？", "它的满意度指标呢？", "退回的有哪些？"]
    reopened = page.locator(".msg.assistant").nth(2)
    assert reopened.locator("table.rows tbody tr").count() == 1

    # 👎 on the follow-up: the reason is asked for first, then stored
    second = page.locator(".msg.assistant").nth(1)
    second.locator(".feedback-down").click()
    second.locator(".feedback-send").click()
    assert "理由" in second.locator(".feedback-status").inner_text()
    second.locator(".feedback-reason").fill("应说明满意度指标的实际完成值")
    second.locator(".feedback-send").click()
    second.locator(".feedback-status", has_text="已记录").wait_for()
    cid = page.url.split("c=")[1].split("&")[0]
    stored = list_feedback(RecordStore(site.database_url), conversation_id=cid)
    assert [(f.turn, f.rating, f.reason, f.question) for f in stored] == [
        (1, -1, "应说明满意度指标的实际完成值", "它的满意度指标呢？")]
    assert not [e for e in site.events if e.startswith("pageerror")], site.events
