"""The load test's clients (eval/load.py) against a real served app: a short level counts every
request of the mix, and a refused request counts as an error (so a level with errors cannot pass)."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from eval.load import MIX, Level, OpStats, _level, _one, mix_of, pct, verdict, warm
from tests.api.support import served
from tests.support.jobs import report_text


@pytest.fixture
def app_with_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from assistant.settings import Settings
    from assistant.stores import open_stores
    from assistant.stores.users import UserStore
    from ingest.pipeline import IngestOptions, ingest_paths

    # the per-user question limit would dominate a load test (eval/load.py raises it the same way)
    monkeypatch.setenv("ZIPING_API_ASK_PER_MINUTE", "1e9")
    monkeypatch.setenv("ZIPING_API_ASK_BURST", "1000000")
    files = []
    for n in range(3):
        path = tmp_path / f"报告{n}.md"
        path.write_text(report_text(n), encoding="utf-8")
        files.append(path)
    settings = Settings(data_dir=tmp_path / "data")
    stores = open_stores(settings)
    try:
        ingest_paths(files, stores, IngestOptions(defer_vectors=True))
        token = UserStore(stores.records.engine).add("load0", "reviewer")[1]
    finally:
        stores.close()
    with served(settings) as url:
        yield url, token


def _ids(url: str, token: str) -> list[str]:
    import httpx

    r = httpx.get(f"{url}/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return [item["id"] for item in r.json()["items"]]


def test_every_operation_of_the_mix_is_answered(app_with_reports) -> None:
    import httpx

    url, token = app_with_reports
    ids = _ids(url, token)
    assert len(ids) == 3

    async def each() -> dict[str, tuple[bool, str]]:
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
            return {op: await _one(c, op, random.Random(0), ids, [0]) for op, _ in MIX}

    assert asyncio.run(each()) == {"list": (True, "200"), "open": (True, "200"), "findings": (True, "200"),
                                   "ask_structured": (True, "200"), "ask_document": (True, "200"),
                                   "upload": (True, "202")}


def test_a_level_counts_its_requests(app_with_reports) -> None:
    url, token = app_with_reports
    ids = _ids(url, token)
    warm(url, token, ids)
    stats, wall = asyncio.run(_level(url, [token], clients=3, duration=3.0, think=0.0, ids=ids, seed=1))
    assert set(stats) == {op for op, _ in MIX}
    assert wall >= 3.0
    assert sum(len(s.samples) for s in stats.values()) >= 3
    assert {op: s.errors for op, s in stats.items()} == {op: 0 for op in stats}
    for s in stats.values():
        assert sum(s.statuses.values()) == len(s.samples)


def test_refused_requests_are_errors(app_with_reports) -> None:
    url, token = app_with_reports
    ids = _ids(url, token)
    stats, _wall = asyncio.run(_level(url, ["zp_not_a_token"], clients=2, duration=1.0, think=0.0, ids=ids, seed=2))
    assert sum(len(s.samples) for s in stats.values()) == 0
    assert sum(s.errors for s in stats.values()) > 0
    assert all(set(s.statuses) <= {"401"} for s in stats.values())
    level = Level("embedded", 2, 1.0, 1, 1.0, "", "", stats)
    assert verdict([level])["no_errors"] is False


def test_percentiles_by_nearest_rank() -> None:
    samples = [float(k) for k in range(1, 101)]
    assert pct(samples, 0.5) == 51.0 and pct(samples, 0.95) == 95.0 and pct(samples, 0.99) == 99.0
    assert pct([], 0.5) is None
    stats = OpStats("list", samples=[0.01, 0.02], errors=1)
    assert stats.to_dict(wall=1.5)["error_rate"] == round(1 / 3, 4) and stats.to_dict(wall=1.5)["per_s"] == 2.0


def test_a_changed_mix_sends_no_request_of_a_weight_0_operation(app_with_reports) -> None:
    url, token = app_with_reports
    ids = _ids(url, token)
    mix = mix_of(["upload=0", "ask_document=0"])
    assert dict(mix) == {**dict(MIX), "upload": 0, "ask_document": 0}
    stats, _wall = asyncio.run(_level(url, [token], clients=2, duration=2.0, think=0.0, ids=ids, seed=3, mix=mix))
    assert stats["upload"].statuses == {} and stats["ask_document"].statuses == {}
    assert sum(len(s.samples) for s in stats.values()) >= 2
    with pytest.raises(SystemExit, match="无法识别"):
        mix_of(["uploads=0"])
    with pytest.raises(SystemExit, match="无法识别"):
        mix_of(["upload=-1"])
