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
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.api.support import (
    XSS,
    Chromium,
    project_name,
    screenshot_dir,
    served,
    small_scan,
    with_text_replaced,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@dataclass
class Site:
    url: str
    token: str
    shots: Path
    files: dict[str, Path]
    events: list[str] = field(default_factory=list)
    sids: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    database_url: str = ""



@pytest.fixture(scope="module")
def site(tmp_path_factory, synth) -> Iterator[Site]:

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

    shots = screenshot_dir()
    shots.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {shots}")
    with served(settings) as url:
        yield Site(url, token, shots, files, database_url=settings.sqlalchemy_url)


@pytest.fixture(scope="module")
def browser(site, tmp_path_factory) -> Iterator[Chromium]:
    b = Chromium(tmp_path_factory.mktemp("chromium-profile"), events=site.events, requests=site.requests)
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


def test_ask_conversation_carries_its_subject_and_is_reopened_after_a_reload(site, page):
    page.goto(site.url + "/ask")
    page.click("#new-chat")
    for n, q in enumerate(["各单位的平均得分是多少？", "满意度调查是怎么开展的？", "它的满意度呢？"], start=1):
        page.fill("#question", q)
        page.press("#question", "Enter")
        page.locator(".msg.assistant:not(.streaming)").nth(n - 1).wait_for()
    follow = page.locator(".msg.assistant").nth(2)
    assert "已按上一轮问题理解为" in follow.inner_text()
    page.wait_for_selector("#subject-chips:not([hidden]) .chip")
    chips = page.locator("#subject-chips .chip")
    keys = [chips.nth(i).get_attribute("data-key") for i in range(chips.count())]
    assert "unit" in keys
    assert "c=" in page.url
    page.locator("#subject-chips .chip[data-key=unit] .chip-remove").click()
    page.locator("#subject-chips .chip[data-key=unit]").wait_for(state="detached")
    page.reload()
    page.locator(".msg.assistant").nth(2).wait_for()
    assert page.locator(".msg.assistant").count() == 3
    assert [page.locator(".msg.user").nth(i).inner_text() for i in range(3)] == [
        "各单位的平均得分是多少？", "满意度调查是怎么开展的？", "它的满意度呢？"]
    assert page.locator(".msg.assistant").first.locator("table.rows tbody tr").count() > 0
    assert page.locator(".msg.assistant").nth(1).locator("button.cite").count() > 0
    assert page.locator("#subject-chips .chip[data-key=unit]").count() == 0  # the removal was kept
    options = page.locator("#conversations option")
    assert any("各单位的平均得分是多少？" in options.nth(i).inner_text() for i in range(options.count()))
    no_script_ran(page)
    shot(site, page, "07b_ask_conversation")


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


def test_work_through_findings_decide_a_false_positive_change_state_and_see_the_log(site, page):
    page.goto(f"{site.url}/submissions/{site.sids['docx']}")
    page.wait_for_selector(".rule-group .finding")
    # grouped by rule: one group per rule code, the most severe first
    rules = page.eval_on_selector_all(".rule-group", "gs => gs.map(g => g.dataset.rule)")
    assert len(rules) == len(set(rules))
    ranks = page.eval_on_selector_all(".rule-group", "gs => gs.map(g => ({error: 3, warning: 2, info: 1})["
                                                     "[...g.classList].find(c => ['error','warning','info'].includes(c))])")
    assert ranks == sorted(ranks, reverse=True)
    counts = page.inner_text("#decision-counts")
    assert "误报 0" in counts
    total = page.locator("#finding-list .finding").count()
    errors_before = int(page.inner_text("#finding-counts").split("错误 ")[1].split(" ")[0])
    # keyboard: j moves to the first finding, f opens the reason box of 误报
    page.keyboard.press("j")
    active = page.locator(".finding.active")
    active.wait_for()
    fid, severity = active.get_attribute("data-id"), active.get_attribute("class")
    page.keyboard.press("f")
    reason = page.locator(f'.finding[data-id="{fid}"] .reason-input')
    reason.wait_for()
    reason.fill("合并单元格表头被读作指标行")
    reason.press("Enter")
    page.wait_for_selector("#decision-counts:has-text('误报 1')")
    # it left the counted list (the default filter) and the counts
    assert page.locator(f'#finding-list .finding[data-id="{fid}"]').count() == 0
    assert page.locator("#finding-list .finding").count() == total - 1
    if "error" in severity.split():
        assert f"错误 {errors_before - 1}" in page.inner_text("#finding-counts")
    page.select_option("#finding-filter", "false_positive")
    page.wait_for_selector(f'#finding-list .finding[data-id="{fid}"]')
    assert "合并单元格表头被读作指标行" in page.inner_text(f'.finding[data-id="{fid}"]')
    page.select_option("#finding-filter", "counted")
    page.evaluate("document.activeElement.blur()")  # keys act when no form field has the focus
    # confirm the next one with the c key
    page.keyboard.press("j")
    other = page.locator(".finding.active").get_attribute("data-id")
    page.keyboard.press("c")
    page.wait_for_selector(f'.finding[data-id="{other}"][data-decision="confirmed"]')
    # state: 待审 → 审核中 → 退回重报 (needs a reason)
    assert page.get_attribute("#state-badge", "data-state") == "pending"
    page.click("#state-moves button[data-to=in_review]")
    page.wait_for_selector("#state-badge[data-state=in_review]")
    page.click("#state-moves button[data-to=returned]")  # no reason yet: refused on the page
    page.wait_for_selector(".toast:has-text('须填写理由')")
    assert page.get_attribute("#state-badge", "data-state") == "in_review"
    page.fill("#state-reason", "绩效指标未量化，请修改后重报")
    page.click("#state-moves button[data-to=returned]")
    page.wait_for_selector("#state-badge[data-state=returned]")
    assert page.inner_text("#state-badge") == "退回重报"
    # the audit log names the user and each step, newest first
    page.wait_for_selector("#event-list .event[data-kind=transition]:has-text('审核中 → 退回重报')")
    log = page.inner_text("#event-list")
    for line in ("审核决定：待定 → 误报", "审核决定：待定 → 确认", "状态变更：待审 → 审核中", "状态变更：审核中 → 退回重报",
                 "合并单元格表头被读作指标行", "绩效指标未量化"):
        assert line in log, line
    assert log.count("审核员") == 4
    shot(site, page, "10_review", full=True)
    # the overview's queue of returned submissions lists it
    page.goto(site.url + "/")
    page.select_option("#f-queue", "returned")
    page.wait_for_selector(f"#subs tr[data-sid='{site.sids['docx']}'] [data-state=returned]")
    # batch: pick two submissions of all, assign them to the reviewer; the returned one stays out of 我的待办
    page.select_option("#f-queue", "")
    page.select_option("#year", "")
    page.wait_for_function("() => document.querySelectorAll('#subs tbody tr[data-sid]').length > 1")
    page.wait_for_selector(f"#subs tr[data-sid='{site.sids['docx']}']")
    others = [sid for sid in page.eval_on_selector_all("#subs tbody tr[data-sid]", "rs => rs.map(r => r.dataset.sid)")
              if sid != site.sids["docx"]]
    for sid in (site.sids["docx"], others[0]):
        page.check(f"#subs input.pick[data-sid='{sid}']")
    assert page.inner_text("#batch-count") == "已选 2 份"
    page.select_option("#batch-action", "assign")
    page.fill("#batch-assignee", "审核员")
    page.click("#batch-form button[type=submit]")
    page.wait_for_selector("#batch-result:has-text('已办理 2 份')")
    page.select_option("#f-queue", "mine")
    page.wait_for_selector(f"#subs tr[data-sid='{site.sids['docx']}']", state="detached")
    assert page.locator(f"#subs tr[data-sid='{others[0]}']").count() == 1
    shot(site, page, "11_queue_mine")
    no_script_ran(page)


def test_decide_every_finding_of_a_rule_at_once(site, page):
    from assistant.model import Finding, Location
    from assistant.stores.records import RecordStore
    from tests.support.samples import make_submission

    sid = "rulegroup0000001"
    records = RecordStore(site.database_url)
    try:
        records.save_submission(make_submission(sid, unit="规则组测试单位"), findings=[
            Finding(rule="CALC-IND-001", severity="error", message=f"第{n + 1}项得分超过分值", id=f"{sid}-e{n}",
                    location=Location(table=0, row=9 + n, col=6, field=f"evaluations[0].indicators[{n}].score"),
                    evidence=f"得分 {20 + n}") for n in range(3)] + [
            Finding(rule="WEAK-STR-001", severity="warning", message="指标值使用模糊用语", id=f"{sid}-w0",
                    location=Location(table=0, row=12, col=3, field="evaluations[0].indicators[0].target"),
                    evidence="较好")])
    finally:
        records.close()
    page.goto(f"{site.url}/submissions/{sid}")
    group = page.locator(".rule-group[data-rule='CALC-IND-001']")
    group.wait_for()
    assert page.eval_on_selector_all(".rule-group", "gs => gs.map(g => g.dataset.rule)") == ["CALC-IND-001",
                                                                                           "WEAK-STR-001"]
    assert group.locator(".finding").count() == 3
    assert "3 条" in group.locator(".group-head").inner_text()
    group.locator(".group-decide button[data-decision=false_positive]").click()
    group.locator(".group-decide .reason-input").fill("模板示例行，非填报内容")
    group.locator(".group-decide .reason-input").press("Enter")
    page.wait_for_selector("#decision-counts:has-text('误报 3')")
    assert "错误 0" in page.inner_text("#finding-counts")
    assert page.eval_on_selector_all(".rule-group", "gs => gs.map(g => g.dataset.rule)") == ["WEAK-STR-001"]
    page.wait_for_selector("#event-list .event[data-kind=decision]")
    assert page.locator("#event-list .event[data-kind=decision]").count() == 3


def test_a_late_answer_to_an_earlier_filter_does_not_replace_the_table(site, page):
    """Two filter changes in quick succession: the answer to the first, arriving after the second's,
    is not drawn — the table shows what the filters now say (the answer to the earlier request is
    held back here until the later one is drawn)."""
    page.goto(site.url + "/")
    page.select_option("#year", "")
    page.wait_for_selector("#subs tbody tr[data-sid]")
    row = f"#subs tr[data-sid='{page.get_attribute('#subs tbody tr[data-sid]', 'data-sid')}']"
    held = []

    def hold_the_search(route):
        if "q=" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/submissions?*", hold_the_search)
    try:
        page.fill("#f-q", "没有这份材料")
        page.click("#filters button[type=submit]")
        for _ in range(200):  # the first request is in the handler's hands before the second is sent
            if held:
                break
            page.wait_for_timeout(50)
        assert held
        page.fill("#f-q", "")
        with page.expect_response(lambda r: "/api/v1/submissions?" in r.url and "q=" not in r.url):
            page.click("#filters button[type=submit]")
        page.wait_for_selector(row)
        assert len(held) == 1
        with page.expect_response(lambda r: "q=" in r.url):
            held[0].continue_()
        page.wait_for_timeout(300)  # the late answer has been handed to the page's script
        assert page.locator(row).count() == 1
        assert "没有符合条件的材料" not in page.inner_text("#subs tbody")
    finally:
        page.unroute("**/api/v1/submissions?*")


def test_rules_page_and_no_script_errors(site, page):
    page.goto(site.url + "/rules")
    page.wait_for_selector("#rules tbody tr.rule-row")
    page.locator("#rules tbody tr.rule-row").first.click()
    page.wait_for_selector("#rules tbody tr.rule-more:not([hidden])")
    shot(site, page, "09_rules")
    assert not [e for e in site.events if e.startswith(("pageerror", "dialog"))], site.events
