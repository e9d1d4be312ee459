"""Done-when of issue 19 in a real browser: a declaration, a monitoring form and a self-evaluation
of one project, ingested, show side by side on the self-evaluation's page with the comparison
findings; the declaration's own page says what it is linked to (Playwright + Debian chromium)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from api.users import UserStore
from assistant.settings import Settings
from assistant.stores import open_stores
from eval.synth.cycle import make_triple
from eval.synth.cycle_files import write_triple
from ingest.pipeline import IngestOptions, ingest_paths
from tests.api.support import chromium_session, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("cycle-browser")
    triple = make_triple(random.Random(21), 21, ["renamed", "lowered", "warning_ignored", "dropped"])
    paths = write_triple(triple, work / "files")
    settings = Settings(data_dir=work / "data")
    stores = open_stores(settings)
    try:
        report = ingest_paths(paths, stores, IngestOptions(defer_vectors=True))
        assert all(f.status != "failed" for f in report.files), report.to_dict()
        _, token = UserStore(stores.records.engine).add("审核员", "admin")
    finally:
        stores.close()
    ids = {k: f.submission_id for k, f in zip(("declaration", "monitoring", "evaluation"), report.files, strict=True)}
    with served(settings) as url:
        yield {"url": url, "token": token, "ids": ids, "triple": triple}


@pytest.fixture
def page(site, chromium_path, tmp_path_factory):
    with chromium_session(tmp_path_factory.mktemp("chromium"), chromium_path, site["url"], site["token"],
                          height=900) as browser:
        yield browser.page(chromium_path)
        assert browser.events == [], browser.events


def test_the_self_evaluation_shows_its_declaration_and_monitoring_side_by_side(site, page):
    triple = site["triple"]
    page.goto(f"{site['url']}/submissions/{site['ids']['evaluation']}")
    page.wait_for_selector("#cycle:not([hidden]) #cycle-table tbody tr")
    links = page.inner_text("#cycle-links")
    assert "绩效目标申报表" in links and f"1-{triple.cycle.monitoring.months}月" in links
    heads = [t.strip() for t in page.locator("#cycle-table thead th").all_inner_texts()]
    assert heads == ["项目", "绩效目标申报表", "绩效监控表", "自评表"]
    dec = triple.cycle.declaration
    rows = page.locator("#cycle-table tbody tr")
    first = rows.nth(2).locator("td").all_inner_texts()  # after the funds and goal rows
    assert first[0] == dec.indicators[0].target.raw
    dropped = next(p for p in triple.planted if p.kind == "dropped")
    k = int(dropped.field.rsplit("[", 1)[1].rstrip("]"))
    missing = page.locator("#cycle-table tbody tr.missing")
    assert dec.indicators[k].name in missing.first.inner_text() and "自评表无此指标" in missing.first.inner_text()
    renamed = next(p for p in triple.planted if p.kind == "renamed")
    j = int(renamed.field.split("indicators[", 1)[1].split("]")[0])
    new_name = triple.submission.evaluations[0].indicators[j].name
    assert new_name in page.inner_text("#cycle-table tbody tr.renamed")
    assert page.locator("#cycle-table tbody tr.added").count() == 0  # a renamed indicator is not "added"
    assert page.locator("#cycle-table tbody tr.warned").count() == 1  # the warning left without a reason
    findings = page.locator("#cycle-findings li.finding")
    rules = set(findings.evaluate_all("els => els.map(e => e.dataset.rule)"))
    assert rules == {p.rule for p in triple.planted}
    assert "目标被降低" in page.inner_text("#cycle-findings")


def test_the_declaration_page_says_what_it_is_linked_to(site, page):
    page.goto(f"{site['url']}/submissions/{site['ids']['declaration']}")
    page.wait_for_selector("#cycle:not([hidden])")
    page.wait_for_function("document.getElementById('cycle-note').textContent.length > 0")
    assert "自动关联" in page.inner_text("#cycle-note")
    assert page.input_value("#cycle-eval-id") == site["ids"]["evaluation"]
