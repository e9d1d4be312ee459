"""The fuzzy unit/project filters of the list, the review queues and the findings (``unit_like``,
``project_like``): a part of the name or its pinyin initials."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import ApiSettings, create_app
from assistant.settings import Settings
from tests.api.support import project_name, wait_job

REPORT = "# 2023年度项目支出绩效自评报告\n\n## 一、基本情况\n\n本项目按计划实施，完成了全年工作任务。\n"


@pytest.fixture(scope="module")
def api(tmp_path_factory, synth):
    work = tmp_path_factory.mktemp("fuzzy")
    app = create_app(Settings(data_dir=work / "data"), ApiSettings())
    with TestClient(app) as client:
        _, token = app.state.users.add("审核员", "reviewer")
        headers = {"Authorization": f"Bearer {token}"}
        sids = {}
        for unit in ("县中学", "市第一人民医院"):
            path = work / f"{unit}.md"
            path.write_text(REPORT + f"\n（文件{len(sids) + 1}）\n", encoding="utf-8")  # contents differ: not one file
            r = client.post("/api/v1/submissions", headers=headers, data={"defer_vectors": "true", "unit": unit},
                            files=[("files", (path.name, path.read_bytes()))])
            sids[unit] = wait_job(client, headers, r.json()["id"])["files"][0]["submission_id"]
        table = synth["docx_table"]
        r = client.post("/api/v1/submissions", headers=headers, data={"defer_vectors": "true"},
                        files=[("files", (table.name, table.read_bytes()))])
        sids["table"] = wait_job(client, headers, r.json()["id"])["files"][0]["submission_id"]
        yield client, headers, sids, project_name(table)


def _ids(client, headers, path, **params) -> set[str]:
    r = client.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    return {item.get("submission_id") or item["id"] for item in r.json()["items"]}


def test_unit_by_part_and_by_pinyin_initials(api):
    client, headers, sids, _ = api
    assert client.get(f"/api/v1/submissions/{sids['县中学']}", headers=headers).json()["summary"]["unit"] == "县中学"
    assert _ids(client, headers, "/api/v1/submissions", unit_like="xzx") == {sids["县中学"]}
    assert _ids(client, headers, "/api/v1/submissions", unit_like="XZX") == {sids["县中学"]}
    assert _ids(client, headers, "/api/v1/submissions", unit_like="中学") == {sids["县中学"]}
    assert _ids(client, headers, "/api/v1/submissions", unit_like="sdyrmyy") == {sids["市第一人民医院"]}
    assert _ids(client, headers, "/api/v1/submissions", unit_like="qqq") == set()
    # the exact filter is unchanged: a part of the name is not the name
    assert _ids(client, headers, "/api/v1/submissions", unit="中学") == set()


def test_project_by_part_and_by_pinyin_initials(api):
    client, headers, sids, project = api
    from pypinyin import Style, lazy_pinyin  # the test's own initials, not the product's

    initials = "".join(lazy_pinyin(project[:4], style=Style.FIRST_LETTER))
    assert _ids(client, headers, "/api/v1/submissions", project_like=initials) == {sids["table"]}
    assert _ids(client, headers, "/api/v1/submissions", project_like=project[1:3]) == {sids["table"]}
    assert _ids(client, headers, "/api/v1/submissions", project_like="县中学") == set()
    found = _ids(client, headers, "/api/v1/findings", project_like=initials)
    assert found == {sids["table"]}
    assert _ids(client, headers, "/api/v1/findings", project_like="qqqq") == set()


def test_queue_takes_the_fuzzy_filters(api):
    client, headers, sids, _ = api
    assert _ids(client, headers, "/api/v1/review/queue", name="unassigned", unit_like="xzx") == {sids["县中学"]}


def test_the_filter_text_is_bounded(api):
    client, headers, _, _ = api
    r = client.get("/api/v1/submissions", params={"unit_like": "x" * 101}, headers=headers)
    assert r.status_code == 422
