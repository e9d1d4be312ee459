"""A review season walked through the reviewer page in a real browser (issue 15, first Done-when).

Debian's chromium driven by Playwright against the real app (uvicorn, a fresh data directory), as
one reviewer. Three synthetic forms are uploaded on the overview page, then:

1. a misread cell of one form (an amount of its funds block read as blank) is corrected from the form
   view: the correction is listed with the original beside it and the rules re-run (the "blank
   amount" finding is gone);
2. a finding of the second form is marked 误报 with a reason: before, it is in the review letter,
   the year's statistics, the findings export and the annual draft; after, in none of them;
3. the third form is returned with a reason, its corrected file is uploaded on its page as the next
   version, the diff shows the finding the correction resolved, and the new version is approved;
4. each submission's audit log shows its steps with the reviewer's name.

Screenshots (grouped findings, the version diff, the correction) go to ``$ZIPING_SCREENSHOTS`` or a
temporary folder (printed; never committed).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.support import chromium_session, screenshot_dir, served, with_text_replaced

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REVIEWER = "李审核"


@pytest.fixture(scope="module")
def season(tmp_path_factory, synth_corpus) -> Iterator[dict]:
    from api.users import UserStore
    from assistant.settings import Settings
    from assistant.stores import open_stores

    work = tmp_path_factory.mktemp("browser-season")
    settings = Settings(data_dir=work / "data")
    stores = open_stores(settings)
    try:
        _, token = UserStore(stores.records.engine).add(REVIEWER, "reviewer")
    finally:
        stores.close()
    # the three forms of the season, picked by their labels: one with a blank amount in its funds
    # block (read as missing: the reviewer knows the figure), one whose 执行率 is off (its unit sends a
    # corrected file), and another .docx form whose findings the reviewer judges
    tables = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(synth_corpus.glob("*.labels.json"))]
    tables = [t for t in tables if t["kind"] == "docx_table"]
    misread = next(t for t in tables if any(d["rule"] == "MISSING-FUND-001" for d in t["defects"]))
    returned = next(t for t in tables if any(d["rule"] == "CALC-FUND-001" and "应为" in d["note"]
                                             for d in t["defects"]) and t is not misread)
    judged = next(t for t in tables if t is not misread and t is not returned)
    blank = next(d for d in misread["defects"] if d["rule"] == "MISSING-FUND-001")["location"]["field"]
    row = misread["expected"]["evaluations"][0]["funds"]["rows"][0]
    known = next(row[k] for k in ("budget_full_year", "budget_initial", "exec_amount") if row.get(k) is not None)
    rate = re.search(r"执行率([0-9.]+%)应为([0-9.]+%)", next(
        d["note"] for d in returned["defects"] if d["rule"] == "CALC-FUND-001"))
    corrected = with_text_replaced(synth_corpus / returned["file"], work / f"更正_{returned['file']}",
                                   rate.group(1), rate.group(2))
    shots = screenshot_dir()
    shots.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {shots}")
    with served(settings) as url:
        yield {"url": url, "token": token, "shots": shots, "misread": synth_corpus / misread["file"],
               "judged": synth_corpus / judged["file"], "returned": synth_corpus / returned["file"],
               "corrected": corrected, "blank": blank, "known": known}


@pytest.fixture
def page(season, chromium_path, tmp_path_factory) -> Iterator:
    with chromium_session(tmp_path_factory.mktemp("chromium-season"), chromium_path, season["url"], season["token"],
                          height=900, timeout_ms=60_000) as browser:
        yield browser.page(chromium_path)
    assert browser.events == [], browser.events


def test_a_review_season_from_upload_to_approval(season, page):
    url, shots = season["url"], season["shots"]

    # -- upload the three forms on the overview page and wait for the job ---------------------
    names = [season[k].name for k in ("misread", "judged", "returned")]
    page.set_input_files("#files", [str(season[k]) for k in ("misread", "judged", "returned")])
    page.check("#defer")
    page.click("#upload-btn")
    page.wait_for_selector("#job-state[data-state=done]")
    rows = page.locator("#job-files li")
    assert rows.count() == 3 and {rows.nth(i).get_attribute("data-stage") for i in range(3)} == {"indexed"}
    sids = {}
    for name in names:
        href = page.get_attribute(f"#job-files a:has-text('{name}')", "href")
        sids[name] = href.rstrip("/").split("/")[-1]
    misread, judged, returned = (sids[n] for n in names)

    # -- 1. a misread cell corrected from the form view: the rules re-run ----------------------
    field = season["blank"]
    page.goto(f"{url}/submissions/{misread}")
    page.wait_for_selector(f".finding[data-rule='MISSING-FUND-001'][data-field='{field}']")
    page.wait_for_selector("#corrections-box:not([hidden])")
    page.locator(f"td.field[data-field='{field}']").dblclick()
    assert page.input_value("#correct-field") == field
    page.fill("#correct-value", str(season["known"]))
    page.click("#correct-form button[type=submit]")
    page.wait_for_selector(f"td.field.corrected[data-field='{field}']")
    assert page.locator(f".finding[data-rule='MISSING-FUND-001'][data-field='{field}']").count() == 0
    row = page.inner_text("#correction-table tbody tr")
    assert field in row and REVIEWER in row
    page.screenshot(path=str(shots / "season_01_corrected.png"), full_page=True)

    # -- 2. a finding marked 误报 leaves the letter, the statistics, the export and the annual draft
    page.goto(f"{url}/submissions/{judged}")
    page.wait_for_selector(".rule-group .finding")
    page.screenshot(path=str(shots / "season_02_grouped_findings.png"), full_page=True)
    fid = page.locator(".rule-group .finding").first.get_attribute("data-id")
    year = page.evaluate(f"() => fetch('/api/v1/submissions/{judged}', {{credentials: 'same-origin'}})"
                         ".then(r => r.json()).then(d => d.submission.year)")
    before = _downstream(page, url, judged, year, fid)
    assert before == {"letter": True, "statistics": True, "export": True, "annual": True}, before

    page.goto(f"{url}/submissions/{judged}")
    target = page.locator(f".finding[data-id='{fid}']")
    target.locator("button[data-decision=false_positive]").click()
    reason = target.locator(".reason-input")
    reason.fill("该项已有验收单佐证，不属问题")
    reason.press("Enter")
    page.wait_for_selector("#decision-counts:has-text('误报 1')")
    after = _downstream(page, url, judged, year, fid)
    assert after == {"letter": False, "statistics": False, "export": False, "annual": False}, after

    # -- 3. return → the corrected file as the next version → the diff → approve -------------
    page.goto(f"{url}/submissions/{returned}")
    page.wait_for_selector(".finding[data-rule='CALC-FUND-001']")
    page.click("#state-moves button[data-to=in_review]")
    page.wait_for_selector("#state-badge[data-state=in_review]")
    page.fill("#state-reason", "执行率计算有误，请更正后重报")
    page.click("#state-moves button[data-to=returned]")
    page.wait_for_selector("#state-badge[data-state=returned]")
    page.set_input_files("#resubmit-file", str(season["corrected"]))
    page.click("#resubmit-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/submissions/(?!" + returned + ")[0-9a-f]{16}$"))
    page.wait_for_selector("#versions-box:not([hidden]) .diff-table")
    assert page.locator("#version-list li").count() == 2
    diff = page.inner_text("#version-diff")
    assert "已消除的审核发现" in diff and "执行率" in diff
    assert page.locator(".diff-table tbody tr", has_text="evaluations[0].funds.rate").count() == 1
    page.screenshot(path=str(shots / "season_03_version_diff.png"), full_page=True)
    assert page.get_attribute("#state-badge", "data-state") == "pending"  # the new version waits; v1 is 已重报
    page.click("#state-moves button[data-to=in_review]")
    page.wait_for_selector("#state-badge[data-state=in_review]")
    page.fill("#state-reason", "执行率已更正；其余扣分问题在审核意见中提示")  # 错误 findings still open
    page.click("#state-moves button[data-to=approved]")
    page.wait_for_selector("#state-badge[data-state=approved]")
    assert page.inner_text("#state-badge") == "通过"

    # -- 4. each step in the audit logs, with the reviewer --------------------------------------
    page.wait_for_selector("#event-list .event[data-kind=transition]:has-text('审核中 → 通过')")
    log = page.inner_text("#event-list")
    for line in ("重报版本：登记为第2版", "待审 → 审核中", "审核中 → 通过", "执行率已更正"):
        assert line in log, (line, log)
    assert REVIEWER in log and "ziping" not in log  # every step by the reviewer, the new version too
    page.goto(f"{url}/submissions/{returned}")
    page.wait_for_selector("#state-badge[data-state=resubmitted]")
    page.wait_for_selector("#event-list .event[data-kind=transition]:has-text('审核中 → 退回重报')")
    log = page.inner_text("#event-list")
    for line in ("待审 → 审核中", "审核中 → 退回重报", "执行率计算有误", "退回重报 → 已重报"):
        assert line in log, (line, log)
    page.goto(f"{url}/submissions/{judged}")
    page.wait_for_selector("#event-list .event:has-text('待定 → 误报')")
    assert REVIEWER in page.inner_text("#event-list") and "已有验收单佐证" in page.inner_text("#event-list")
    page.goto(f"{url}/submissions/{misread}")
    page.wait_for_selector("#event-list .event")
    log = page.inner_text("#event-list")
    assert REVIEWER in log and "更正识别值：项目资金" in log, log


def _downstream(page, url: str, sid: str, year: int, fid: str) -> dict[str, bool]:
    """Whether finding ``fid`` is in each of the four things made from the review, each made the
    way a reviewer makes it on the page: the review letter, the year's statistics, the findings
    export and the annual draft."""
    import openpyxl

    seen: dict[str, bool] = {}
    # the review letter, generated on the drafts page: one problem block per finding
    page.goto(f"{url}/drafts?submission={sid}")
    page.wait_for_selector("#draft-blocks .block")
    seen["letter"] = page.locator(f"#draft-blocks .block[data-key='problem:{fid}']").count() == 1
    # the statistics of the year: the findings its 审核发现 figure counts (the overview shows the same call)
    stats = page.evaluate(f"() => fetch('/api/v1/stats/{year}', {{credentials: 'same-origin'}}).then(r => r.json())")
    assert "figures" in stats, stats
    seen["statistics"] = fid in stats["figures"]["findings.total"]["findings"]
    # the findings export, downloaded from the overview page
    page.goto(url + "/")
    page.select_option("#year", str(year))
    page.wait_for_selector("#subs tbody tr[data-sid]")
    with page.expect_download() as info:
        page.click("#export")
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    seen["export"] = fid in cells  # the 发现编号 column
    # the annual draft, generated on the drafts page; its facts name the findings they rest on
    page.goto(f"{url}/drafts?tab=annual")
    page.select_option("#annual-year", str(year))
    with page.expect_response(lambda r: r.url.endswith("/api/v1/drafts/annual") and r.ok):
        page.click("#annual-generate")
    drafts = page.evaluate("() => fetch('/api/v1/drafts', {credentials: 'same-origin'}).then(r => r.json())")
    key = next(d["key"] for d in drafts if d["kind"] == "annual")
    annual = page.evaluate(f"() => fetch('/api/v1/drafts/{key}', {{credentials: 'same-origin'}}).then(r => r.json())")
    seen["annual"] = fid in json.dumps(annual["draft"]["facts"], ensure_ascii=False)
    return seen
