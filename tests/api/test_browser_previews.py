"""Page comfort in a real browser (Debian chromium, Playwright): the original's preview opened from a
finding with its cell highlighted (.docx and .xlsx), and the overview's charts (label size, values
on bars, PNG export).

Screenshots go to ``$ZIPING_SCREENSHOTS`` or a temporary folder (printed; never committed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.api.support import Chromium, screenshot_dir, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@dataclass
class Target:
    """A finding on one cell and the text a fresh read of the file finds in that cell."""

    sid: str
    finding: str
    text: str


@dataclass
class Site:
    url: str
    token: str
    shots: Path
    targets: dict[str, Target] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def _target(stores, sid: str, path: Path) -> Target:
    from ingest.readers import read_document

    finding = next(f for f in stores.records.get_findings(sid)
                   if f.location.table is not None and f.location.row is not None)
    loc = finding.location
    cell = read_document(path).tables[loc.table].rows[loc.row][loc.col or 0]
    return Target(sid, finding.id, cell.text)


@pytest.fixture(scope="module")
def site(tmp_path_factory, synth) -> Iterator[Site]:
    from api.users import UserStore
    from assistant.settings import Settings
    from assistant.stores import open_stores
    from ingest.pipeline import IngestOptions, ingest_paths

    settings = Settings(data_dir=tmp_path_factory.mktemp("previews") / "data")
    paths = {"docx": synth["docx_table"], "xlsx": synth["xlsx_table"], "pdf": synth["pdf_table"]}
    stores = open_stores(settings)
    try:
        report = ingest_paths(list(paths.values()), stores, IngestOptions(defer_vectors=True))
        assert all(f.status != "failed" for f in report.files), report.to_dict()
        sids = {Path(f.name).suffix.lstrip("."): f.submission_id for f in report.files}
        targets = {fmt: _target(stores, sids[fmt], path) for fmt, path in paths.items()}
        _, token = UserStore(stores.records.engine).add("审核员", "admin")
    finally:
        stores.close()
    shots = screenshot_dir()
    shots.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {shots}")
    with served(settings) as url:
        yield Site(url, token, shots, targets)


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


def test_login(site, page):
    page.goto(site.url + "/login")
    page.fill("#token", site.token)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(site.url + "/")
    page.wait_for_selector("#subs tbody tr[data-sid]")


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_findings_original_opens_at_its_cell_highlighted(site, page, fmt):
    target = site.targets[fmt]
    page.goto(f"{site.url}/submissions/{target.sid}")
    finding = page.locator(f'.finding[data-id="{target.finding}"]')
    link = finding.locator(".preview-link")
    assert link.inner_text() == "原件"
    finding.click()  # the active finding: what the list's shortcuts act on
    link.click()
    page.wait_for_selector("#preview[open]")
    frame = page.frame_locator("#preview-frame")
    hit = frame.locator(".hit")
    hit.wait_for()
    assert hit.count() == 1
    assert hit.inner_text().strip() == target.text.strip()
    assert hit.evaluate("n => n.tagName") == "TD"
    # the frame opened at the cell: it is inside the frame's viewport
    rect = hit.evaluate("n => { const r = n.getBoundingClientRect();"
                        " return [r.top, r.bottom, window.innerHeight, window.scrollY]; }")
    assert rect[0] >= 0 and rect[1] <= rect[2], rect
    page.screenshot(path=str(site.shots / f"preview_{fmt}.png"))
    # the findings list's shortcuts do not act behind the preview: "c" confirms nothing
    page.keyboard.press("c")
    page.wait_for_timeout(500)
    assert page.locator(f'.finding[data-id="{target.finding}"]').get_attribute("data-decision") == "open"
    page.click("#preview-close")
    page.wait_for_selector("#preview:not([open])", state="attached")
    assert not site.events, site.events


def test_a_pdf_findings_original_opens_at_its_page_with_the_cell_outlined(site, page):
    target = site.targets["pdf"]
    page.goto(f"{site.url}/submissions/{target.sid}")
    link = page.locator(f'.finding[data-id="{target.finding}"] .preview-link')
    assert link.inner_text().startswith("原件")
    link.click()
    frame = page.frame_locator("#preview-frame")
    frame.locator("img.page").wait_for()
    assert "红框处为所指单元格" in frame.locator("header").inner_text()
    # opened at the cell: the anchor placed at the outlined box is in the frame's viewport
    anchor = frame.locator("#hit")
    top, height = anchor.evaluate("n => [n.getBoundingClientRect().top, window.innerHeight]")
    assert 0 <= top <= height, (top, height)
    page.screenshot(path=str(site.shots / "preview_pdf.png"))
    page.click("#preview-close")
    assert not site.events, site.events


def test_chart_labels_are_at_least_12px_with_values_on_bars_and_export_as_png(site, page):
    page.goto(site.url + "/")
    page.wait_for_selector("#chart-exec svg .value")
    page.wait_for_selector("#chart-grade svg .value")
    year = page.input_value("#year")
    # every text of both charts, at the size it is drawn on the screen
    sizes = page.evaluate("""() => [...document.querySelectorAll('.chart-box svg text')].map(t =>
        parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
    assert len(sizes) >= 2 * 4 and min(sizes) >= 12, sizes
    # the values printed on the bars are the year's figures
    stats = page.evaluate("y => fetch('/api/v1/stats/' + y).then(r => r.json())", year)
    for name in ("exec", "grade"):
        shown = [int(t) for t in page.locator(f"#chart-{name} svg .value").all_text_contents()]
        assert shown == [b["value"] for b in stats["charts"][name]], name
    page.locator("#chart-grade").screenshot(path=str(site.shots / "chart_grade.png"))
    with page.expect_download() as info:
        page.click(".chart-png[data-chart=grade]")
    download = info.value
    assert download.suggested_filename == f"自评等级分布_{year}年度.png"
    path = site.shots / "chart_grade_export.png"
    download.save_as(str(path))
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG"
        box = page.evaluate("() => { const b = document.querySelector('#chart-grade svg').viewBox.baseVal;"
                            " return [b.width, b.height]; }")
        assert image.size == (box[0] * 2, box[1] * 2)
        # not blank: the bars are drawn (more than the white ground and one colour)
        assert len(image.convert("RGB").getcolors(1 << 16) or []) > 3
    assert not site.events, site.events
