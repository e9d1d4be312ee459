"""The review of what was read, in a real browser (Debian's chromium, Playwright): an uncertain read
is amber in the list and on its page, its findings say they come from an uncertain read, and a
reviewer confirms it; a misread score is corrected by double-clicking its cell (the original shown
beside it, the finding it caused gone); a resubmitted file shows its versions and the diff side by side.

Screenshots go to ``$ZIPING_SCREENSHOTS`` or a temporary folder (printed; never committed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.support import Chromium, screenshot_dir, served, with_text_replaced

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def planted(corpus: Path) -> tuple[Path, dict]:
    for labels in sorted(corpus.glob("*.labels.json")):
        data = json.loads(labels.read_text(encoding="utf-8"))
        if data["kind"] == "docx_table" and any(d["rule"] == "CALC-IND-001" for d in data["defects"]):
            return corpus / data["file"], data
    raise AssertionError("no .docx table with a planted CALC-IND-001")


@pytest.fixture(scope="module")
def site(tmp_path_factory, synth_corpus) -> Iterator[dict]:

    from api.users import UserStore
    from assistant.checker import check_submission
    from assistant.settings import Settings
    from assistant.stores import open_stores
    from ingest.pipeline import IngestOptions, ingest_paths
    from tests.support.samples import make_submission

    work = tmp_path_factory.mktemp("browser-review-b")
    settings = Settings(data_dir=work / "data")
    path, labels = planted(synth_corpus)
    raw = labels["expected"]["evaluations"][0]["indicators"][1]["actual"]["raw"]
    stores = open_stores(settings)
    try:
        (first,) = ingest_paths([path], stores, IngestOptions(defer_vectors=True)).files
        (second,) = ingest_paths([with_text_replaced(path, work / f"重报_{path.name}", raw, "100%")], stores,
                                 IngestOptions(defer_vectors=True)).files
        third = with_text_replaced(path, work / f"三报_{path.name}", raw, "99%")
        unsure = make_submission("unsure0000000001", unit="某县水利局")
        unsure.status, unsure.status_reason = "needs_review", "未找到指标表头，版式未知"
        unsure.evaluations[0].indicators[0].score = 25.0
        stores.save(unsure, [], check_submission(unsure))
        _, token = UserStore(stores.records.engine).add("审核员", "reviewer")
    finally:
        stores.close()
    shots = screenshot_dir()
    shots.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {shots}")
    with served(settings) as url:
        yield {"url": url, "token": token, "shots": shots, "first": first.submission_id,
               "second": second.submission_id, "unsure": unsure.id, "labels": labels, "raw": raw, "third": third}


@pytest.fixture(scope="module")
def session(site, tmp_path_factory) -> Iterator[Chromium]:
    """One chromium for the module, launched and logged in by the first test."""
    browser = Chromium(tmp_path_factory.mktemp("chromium-review-b"), height=900)
    yield browser
    browser.close()
    assert browser.events == [], browser.events


@pytest.fixture
def page(site, session, chromium_path):
    return session.page(chromium_path, site["url"], site["token"])


def test_an_uncertain_read_is_amber_and_a_reviewer_confirms_it(site, page):
    page.select_option("#year", "")
    badge = page.locator(f"#subs tr[data-sid='{site['unsure']}'] .certainty.uncertain")
    badge.wait_for()
    assert badge.inner_text() == "待核实"
    page.goto(f"{site['url']}/submissions/{site['unsure']}")
    page.wait_for_selector("#read-certainty.uncertain #certainty-badge.uncertain")
    page.wait_for_selector(".finding .uncertain-note")
    assert page.locator(".finding").count() == page.locator(".finding .uncertain-note").count() > 0
    assert page.inner_text(".finding .uncertain-note >> nth=0") == "来自待核实的识别结果"
    page.screenshot(path=str(site["shots"] / "review_b_01_uncertain.png"), full_page=True)
    page.click("#confirm-read")
    page.wait_for_selector("#read-certainty.recognised")
    assert page.inner_text("#certainty-badge") == "已识别" and "审核员" in page.inner_text("#certainty-note")
    assert page.locator(".finding .uncertain-note").count() == 0
    assert page.is_hidden("#confirm-read")


def test_a_misread_score_is_corrected_from_its_cell(site, page):
    defect = next(d for d in site["labels"]["defects"] if d["rule"] == "CALC-IND-001")
    field = defect["location"]["field"]
    right = re.search(r"应为([0-9.]+)", defect["note"]).group(1)
    page.goto(f"{site['url']}/submissions/{site['first']}")
    page.wait_for_selector(f".finding[data-rule='CALC-IND-001'][data-field='{field}']")
    page.wait_for_selector("#corrections-box:not([hidden])")
    cell = page.locator(f"td.field[data-field='{field}']")
    original = cell.inner_text()
    cell.dblclick()
    assert page.input_value("#correct-field") == field
    assert original in page.inner_text("#correct-original")
    page.fill("#correct-value", right)
    page.click("#correct-form button[type=submit]")
    page.wait_for_selector(f"td.field.corrected[data-field='{field}']")
    page.wait_for_selector("#correction-table:not([hidden])")
    row = page.inner_text("#correction-table tbody tr")
    assert field in row and original in row and right in row and "审核员" in row
    assert page.locator(f".finding[data-rule='CALC-IND-001'][data-field='{field}']").count() == 0
    assert "原识别值" in (page.get_attribute(f"td.field[data-field='{field}']", "title") or "")
    page.screenshot(path=str(site["shots"] / "review_b_02_corrected.png"), full_page=True)


def test_a_resubmitted_file_shows_its_versions_side_by_side(site, page):
    page.goto(f"{site['url']}/submissions/{site['second']}")
    page.wait_for_selector("#versions-box:not([hidden]) .diff-table")
    assert page.locator("#version-list li").count() == 2
    assert "（本版本）" in page.inner_text("#version-list li.current")
    changed = page.locator(".diff-table tbody tr", has_text="evaluations[0].indicators[1].actual")
    assert changed.locator("td.old").inner_text() == site["raw"] and changed.locator("td.new").inner_text() == "100%"
    assert "已消除的审核发现" in page.inner_text("#version-diff")
    page.screenshot(path=str(site["shots"] / "review_b_03_versions.png"), full_page=True)


def test_a_corrected_file_uploaded_on_the_page_becomes_the_next_version(site, page):
    page.goto(f"{site['url']}/submissions/{site['second']}")
    page.wait_for_selector("#versions-box:not([hidden]) .diff-table")
    page.set_input_files("#resubmit-file", str(site["third"]))
    page.click("#resubmit-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/submissions/(?!" + site["second"] + ")[0-9a-f]{16}$"))
    page.wait_for_selector("#versions-box:not([hidden]) .diff-table")
    assert page.locator("#version-list li").count() == 3
    assert page.inner_text("#version-list li.current").startswith("第3版")
    changed = page.locator(".diff-table tbody tr", has_text="evaluations[0].indicators[1].actual")
    assert (changed.locator("td.old").inner_text(), changed.locator("td.new").inner_text()) == ("100%", "99%")
