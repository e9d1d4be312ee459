"""The reviewer web page in a real browser: Debian's chromium driven by Playwright (Python).

The app runs under uvicorn in a background thread on a free loopback port with a temporary data
directory; a few files are ingested beforehand (one of them with ``<script>`` in its project
name), the rest is done through the page: log in, upload a .docx and a scanned PDF and watch the
progress, open a submission and click a finding to its cell, ask a structured and a document
question and open a citation, edit a review draft and download it as Word.

Screenshots go to ``$ZIPING_SCREENSHOTS`` or a temporary folder (printed; never committed).
"""

from __future__ import annotations

import io
import os
import socket
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.api.support import XSS, project_name, small_scan, with_text_replaced

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@dataclass
class Site:
    url: str
    token: str
    shots: Path
    files: dict[str, Path]
    events: list[str] = field(default_factory=list)
    sids: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory, synth) -> Iterator[Site]:
    import uvicorn

    from api.app import create_app
    from api.users import UserStore
    from assistant.settings import Settings
    from assistant.stores import open_stores
    from ingest.pipeline import IngestOptions, ingest_paths

    work = tmp_path_factory.mktemp("browser")
    data_dir = work / "data"
    settings = Settings(data_dir=data_dir)
    xss = with_text_replaced(synth["xlsx_table"], work / "xss_table.xlsx", project_name(synth["xlsx_table"]),
                             XSS + project_name(synth["xlsx_table"]))
    stores = open_stores(settings)
    try:
        report = ingest_paths([xss, synth["report_docx"], synth["pdf_table"]], stores, IngestOptions(defer_vectors=True))
        assert all(f.status != "failed" for f in report.files), report.to_dict()
        _, token = UserStore(stores.records.engine).add("审核员", "admin")
    finally:
        stores.close()
    files = {"docx": synth["docx_table"], "scan": small_scan(work / "扫描件.pdf"), "xss": xss}

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    shots = Path(os.environ.get("ZIPING_SCREENSHOTS") or tempfile.mkdtemp(prefix="ziping-shots-"))
    shots.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {shots}")
    try:
        yield Site(f"http://127.0.0.1:{port}", token, shots, files)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


class Browser:
    """One chromium for the module, launched on first use with the path ``chromium_path`` gives."""

    def __init__(self, site: Site, profile: Path) -> None:
        self.site, self.profile = site, profile
        self._pw = self._context = self._page = None

    def page(self, executable: str):
        if self._page is None:
            from playwright.sync_api import sync_playwright

            self._pw = sync_playwright().start()
            self._context = self._pw.chromium.launch_persistent_context(
                str(self.profile), executable_path=executable, args=CHROMIUM_ARGS, headless=True,
                viewport={"width": 1366, "height": 800}, locale="zh-CN", accept_downloads=True)
            self._context.set_default_timeout(30_000)
            pg = self._context.pages[0] if self._context.pages else self._context.new_page()
            events = self.site.events
            pg.on("pageerror", lambda e: events.append(f"pageerror: {e}"))
            pg.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
            pg.on("console", lambda m: events.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
            pg.on("request", lambda r: self.site.requests.append(r.url))
            self._page = pg
        return self._page

    def close(self) -> None:
        if self._context is not None:
            self._context.close()
        if self._pw is not None:
            self._pw.stop()


@pytest.fixture(scope="module")
def browser(site, tmp_path_factory) -> Iterator[Browser]:
    b = Browser(site, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def page(browser, chromium_path):
    return browser.page(chromium_path)


def shot(site: Site, page, name: str, full: bool = False) -> None:
    page.screenshot(path=str(site.shots / f"{name}.png"), full_page=full)


def no_script_ran(page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined", "text from a submission ran as script"


# The tests below run in order and share one browser session.


def test_login(site, page):
    page.goto(site.url + "/")
    page.wait_for_url("**/login**")
    page.fill("#token", "zp_wrong")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:not([hidden])")
    assert "令牌" in page.inner_text("#login-error")
    page.fill("#token", site.token)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(site.url + "/")
    page.wait_for_selector("#subs tbody tr[data-sid]")
    page.wait_for_selector("#chart-exec svg")
    page.wait_for_selector("#chart-grade svg")
    assert "审核员" in page.inner_text("#who")
    # the login is a session cookie, HttpOnly and SameSite=Strict: a second tab is logged in too
    cookie = next(c for c in page.context.cookies() if c["name"] == "ziping_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("ziping_session") < 0
    second = page.context.new_page()
    try:
        second.goto(site.url + "/")
        second.wait_for_selector("#subs tbody tr[data-sid]")
        assert second.url == site.url + "/" and "审核员" in second.inner_text("#who")
    finally:
        second.close()
    shot(site, page, "01_overview")
    # all years: the project name with markup is shown as text in the table, and nothing ran
    page.select_option("#year", "")
    page.locator("#subs td", has_text="<script>window.__xss=1</script>").wait_for()
    no_script_ran(page)


def test_upload_docx_and_scanned_pdf_with_live_progress(site, page):
    page.set_input_files("#files", [str(site.files["docx"]), str(site.files["scan"])])
    page.check("#defer")
    page.click("#upload-btn")
    page.wait_for_selector("#job-files li")
    shot(site, page, "02_upload_progress")
    seen = page.evaluate("""() => new Promise(resolve => {
        const stages = new Set();
        const box = document.getElementById('job-files');
        const note = () => box.querySelectorAll('li').forEach(li => stages.add(li.dataset.stage));
        note();
        new MutationObserver(note).observe(box, {childList: true, subtree: true});
        const head = document.getElementById('job-state');
        const done = () => { if (head.dataset.state === 'done') { note(); resolve([...stages]); return true; } };
        if (!done()) new MutationObserver(done).observe(head, {attributes: true});
    })""")
    rows = page.locator("#job-files li")
    assert rows.count() == 2
    assert {rows.nth(i).get_attribute("data-stage") for i in range(2)} == {"indexed"}
    assert {"queued", "indexed"} <= set(seen) or len(set(seen)) >= 2, seen
    assert "扫描件.pdf" in page.inner_text("#job-files")
    assert any(u.endswith("/events") and "/api/v1/jobs/" in u for u in site.requests), "progress comes by SSE"
    page.wait_for_selector(f"#subs a:has-text('{site.files['docx'].name}')")
    shot(site, page, "03_upload_done")


def test_open_submission_and_click_a_finding_to_its_cell(site, page):
    page.click(f"#job-files a:has-text('{site.files['docx'].name}')")
    page.wait_for_selector(".finding")
    page.wait_for_selector("td[data-field].flagged")
    site.sids["docx"] = page.url.rsplit("/", 1)[1].split("#")[0]
    shot(site, page, "04_detail")
    findings = page.locator(".finding")
    target = page.locator('.finding[data-field*="indicators["]')
    finding = target.first if target.count() else page.locator('.finding[data-field^="evaluations"]').first
    field = finding.get_attribute("data-field")
    finding.click()
    focused = page.locator(".focus")
    focused.wait_for()
    assert field.startswith(focused.get_attribute("data-field"))
    assert "flagged" in focused.get_attribute("class")
    page.wait_for_timeout(600)  # smooth scroll
    box = focused.bounding_box()
    assert box is not None and 0 <= box["y"] <= 800 - box["height"] / 2, box
    assert findings.count() >= 1
    shot(site, page, "05_finding_clicked")


def test_submission_text_renders_as_text(site, page):
    page.goto(site.url + "/")
    page.fill("#f-q", "xss_table")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#subs a:has-text('xss_table.xlsx')")
    page.click("#subs a:has-text('xss_table.xlsx')")
    page.wait_for_selector(".evaluation h2")
    heading = page.inner_text(".evaluation h2")
    assert "<script>window.__xss=1</script>" in heading and "<img src=x" in heading
    assert page.locator(".evaluation img").count() == 0
    no_script_ran(page)
    shot(site, page, "06_script_as_text")


def test_ask_structured_and_document_questions_and_open_a_citation(site, page):
    page.goto(site.url + "/ask")
    page.fill("#question", "各单位的平均得分是多少？")
    page.press("#question", "Enter")
    page.wait_for_selector(".msg.assistant:not(.streaming) table.rows tbody tr")
    first = page.locator(".msg.assistant").first
    assert "查询：" in first.inner_text()
    page.fill("#question", "满意度调查是怎么开展的？")
    page.press("#question", "Enter")
    answer = page.locator(".msg.assistant").nth(1)
    answer.locator("button.cite").first.wait_for()
    assert answer.get_attribute("data-kind") == "document"
    answer.locator("button.cite").first.click()
    page.wait_for_selector("#passage:not([hidden]) #passage-text mark")
    assert page.inner_text("#passage-text mark").strip()
    assert page.get_attribute("#passage-open", "href").startswith("/submissions/")
    no_script_ran(page)
    shot(site, page, "07_ask")


def test_edit_and_download_a_review_draft(site, page):
    page.goto(f"{site.url}/drafts?submission={site.sids['docx']}")
    intro = page.locator("textarea[data-key=intro]")
    intro.wait_for()
    assert "第 1 版" in page.inner_text("#draft-meta")
    edited = intro.input_value() + "（浏览器中修改：请于五个工作日内补正。）"
    intro.fill(edited)
    page.click("#draft-save")
    page.wait_for_selector("#draft-meta:has-text('第 2 版')")
    assert page.locator("textarea[data-key=intro]").input_value() == edited
    with page.expect_download() as info:
        page.click("#draft-docx")
    download = info.value
    assert download.suggested_filename.endswith(".docx") and "审核意见" in download.suggested_filename
    path = site.shots / download.suggested_filename
    download.save_as(str(path))
    xml = zipfile.ZipFile(io.BytesIO(path.read_bytes())).read("word/document.xml").decode("utf-8")
    assert "请于五个工作日内补正" in xml
    shot(site, page, "08_draft")


def test_rules_page_and_no_script_errors(site, page):
    page.goto(site.url + "/rules")
    page.wait_for_selector("#rules tbody tr.rule-row")
    page.locator("#rules tbody tr.rule-row").first.click()
    page.wait_for_selector("#rules tbody tr.rule-more:not([hidden])")
    shot(site, page, "09_rules")
    assert not [e for e in site.events if e.startswith(("pageerror", "dialog"))], site.events
