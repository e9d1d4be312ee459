"""复核打分 over HTTP and the CLI (issue 15 item 8), on the real app with SQLite: GET/PUT
/api/v1/submissions/{sid}/scores beside the self-score, the Chinese 422/409/404 answers that change
nothing, the findings export's 自评得分/复核得分/差值 columns, the results list by 复核 grade band
(GET /api/v1/scores/export.xlsx and ``ziping rescore export``)."""

from __future__ import annotations

import io
import json
import uuid

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import ApiSettings, create_app
from api.cli import app as cli
from assistant.model import Finding, Location
from assistant.settings import Settings, get_settings
from tests.support.samples import make_submission


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings, ApiSettings())
    with TestClient(app) as client:
        _, token = app.state.users.add("zhangsan", "reviewer")
        records = app.state.stores.records
        sids = [uuid.uuid4().hex[:16] for _ in range(2)]
        for sid, unit in zip(sids, ("甲单位", "乙单位"), strict=True):
            records.save_submission(make_submission(sid, unit=unit), findings=[Finding(
                rule="CALC-IND-001", severity="error", message="得分超过分值", id=f"{sid}-a",
                location=Location(table=0, row=9, field="evaluations[0].indicators[0].score"))])
        yield client, _auth(token), sids, records


def assert_error(response, status: int, code: str, text: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and text in error["message"], error


def test_get_shows_the_self_score_and_put_scores_a_form(api):
    client, auth, (sid, _), _ = api
    r = client.get(f"/api/v1/submissions/{sid}/scores", headers=auth)
    assert r.status_code == 200, r.text
    (form,) = r.json()["forms"]
    assert (form["scored"], form["version"], form["self_total"], form["total"], form["grade"]) == (False, 0, 95, 95, "优")
    assert (form["profile"], form["profile_title"]) == ("national", "全国通用（财预〔2020〕10号）")
    assert [(i["item"], i["weight"], i["self_score"]) for i in form["items"]][:1] == [("indicators[0]", 20, 20)]
    body = {"evaluation_idx": 0, "version": 0,
            "adjustments": [{"item": "indicators[0]", "score": 14, "reason": "实际完成值无佐证材料"}]}
    r = client.put(f"/api/v1/submissions/{sid}/scores", headers=auth, json=body)
    assert r.status_code == 200, r.text
    form = r.json()
    assert (form["version"], form["scored_by"], form["total"], form["grade"], form["gap"]) == (1, "zhangsan", 89, "良", -6)
    item = form["items"][0]
    assert (item["self_score"], item["review_score"], item["reason"], item["adjusted"]) == (20, 14, "实际完成值无佐证材料", True)
    assert client.get(f"/api/v1/submissions/{sid}/scores", headers=auth).json()["forms"][0]["total"] == 89


@pytest.mark.parametrize(("adjustment", "text"), [
    ({"item": "indicators[7]", "score": 5, "reason": "x"}, "没有第8项指标"),
    ({"item": "indicators[0]", "score": 25, "reason": "x"}, "超过该项分值20分"),
    ({"item": "indicators[0]", "score": 15, "reason": ""}, "须填写理由"),
])
def test_bad_adjustments_get_422_in_chinese_and_change_nothing(api, adjustment, text):
    client, auth, (sid, _), records = api
    r = client.put(f"/api/v1/submissions/{sid}/scores", headers=auth,
                   json={"evaluation_idx": 0, "version": 0, "adjustments": [adjustment]})
    assert_error(r, 422, "invalid_score", text)
    assert client.get(f"/api/v1/submissions/{sid}/scores", headers=auth).json()["forms"][0]["version"] == 0


def test_stale_version_is_409_and_unknown_is_404(api):
    client, auth, (sid, _), _ = api
    body = {"evaluation_idx": 0, "version": 0, "adjustments": [{"item": "funds", "score": 8, "reason": "执行率有误"}]}
    assert client.put(f"/api/v1/submissions/{sid}/scores", headers=auth, json=body).status_code == 200
    r = client.put(f"/api/v1/submissions/{sid}/scores", headers=auth, json={**body, "adjustments": []})
    assert_error(r, 409, "conflict", "请刷新后重试")
    assert client.get(f"/api/v1/submissions/{sid}/scores", headers=auth).json()["forms"][0]["items"][-1]["review_score"] == 8
    assert_error(client.get("/api/v1/submissions/nope/scores", headers=auth), 404, "not_found", "没有编号")
    assert_error(client.put(f"/api/v1/submissions/{sid}/scores", headers=auth,
                            json={"evaluation_idx": 3, "version": 1, "adjustments": []}), 404, "not_found", "第4张")
    assert client.get(f"/api/v1/submissions/{sid}/scores").status_code == 401


def test_exports_carry_both_scores(api):
    client, auth, (a, b), _ = api
    client.put(f"/api/v1/submissions/{a}/scores", headers=auth, json={
        "evaluation_idx": 0, "version": 0,
        "adjustments": [{"item": "indicators[1]", "score": 5, "reason": "效益指标无数据支撑"}]})
    book = openpyxl.load_workbook(io.BytesIO(client.get("/api/v1/findings/export.xlsx", headers=auth).content))
    sheet = book["汇总"]
    header = [c.value for c in sheet[1]]
    cols = [header.index(n) for n in ("提交编号", "自评得分", "复核得分", "差值")]
    rows = {r[cols[0]]: tuple(r[i] for i in cols[1:]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[a] == (95, 80, -15) and rows[b][0] == 95 and rows[b][1] in (None, "")

    r = client.get("/api/v1/scores/export.xlsx", headers=auth, params={"year": 2023})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    lines = list(book["按复核等级"].iter_rows(values_only=True))
    header, body = lines[0], lines[1:]
    assert header[:2] == ("复核等级", "项目")
    by_unit = {row[header.index("预算单位")]: row for row in body}
    assert by_unit["甲单位"][0] == "良" and by_unit["甲单位"][header.index("复核得分")] == 80
    assert by_unit["乙单位"][0] == "未复核"
    assert [row[0] for row in body] == ["良", "未复核"]  # by band, scored first
    summary = {row[0].split("（")[0]: row[1:] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["良"] == (1, 100) and summary["未复核"] == (1, 100) and summary["优"][0] == 0


def test_openapi_documents_the_routes(api):
    client, *_ = api
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "put"} <= set(paths["/api/v1/submissions/{sid}/scores"])
    assert "/api/v1/scores/export.xlsx" in paths


def test_cli_show_set_unset_export(tmp_path, monkeypatch):
    from assistant.stores.records import RecordStore

    monkeypatch.setenv("ZIPING_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        records = RecordStore(get_settings().sqlalchemy_url)
        sid = uuid.uuid4().hex[:16]
        records.save_submission(make_submission(sid))
        records.close()
        run = CliRunner().invoke
        r = run(cli, ["rescore", "set", sid, "indicators[0]", "25", "--reason", "x"])
        assert r.exit_code == 2 and "超过该项分值20分" in r.stderr
        r = run(cli, ["rescore", "set", sid, "indicators[0]", "16", "--reason", "数量指标部分完成", "--json"])
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        assert (out["total"], out["grade"], out["scored_by"].startswith("cli")) == (91, "优", True)
        r = run(cli, ["rescore", "set", sid, "funds", "5", "--reason", "执行率计算有误"])
        assert r.exit_code == 0 and "复核得分 86.15（良）" in r.stdout, r.output
        r = run(cli, ["rescore", "unset", sid, "indicators[0]", "--json"])
        assert r.exit_code == 0 and json.loads(r.stdout)["total"] == 90.15
        r = run(cli, ["rescore", "show", sid])
        assert "自评得分 95" in r.stdout and "funds" in r.stdout and "indicators[0]" not in r.stdout
        out_file = tmp_path / "结果.xlsx"
        r = run(cli, ["rescore", "export", "--year", "2023", "--out", str(out_file)])
        assert r.exit_code == 0 and "已导出 1 张自评表" in r.stdout and "优 1" in r.stdout, r.output
        assert openpyxl.load_workbook(out_file)["按复核等级"]["A2"].value == "优"
    finally:
        get_settings.cache_clear()


def test_a_reviewer_cannot_score_a_submission_assigned_to_another(api):
    from assistant.stores.records import SubmissionReviewRow

    client, auth, (sid, _), records = api
    with records.session() as s:
        s.get(SubmissionReviewRow, sid).assignee = "lisi"
    r = client.put(f"/api/v1/submissions/{sid}/scores", headers=auth,
                   json={"evaluation_idx": 0, "version": 0, "adjustments": []})
    assert_error(r, 409, "conflict", "已分派给lisi")
    assert client.get(f"/api/v1/submissions/{sid}/scores", headers=auth).json()["forms"][0]["version"] == 0


@pytest.mark.parametrize("typed, item", [("3", "indicators[2]"), ("执行率", "funds"), ("预算执行率", "funds"),
                                         ("indicators[0]", "indicators[0]"), ("funds", "funds")])
def test_the_cli_takes_the_row_number_a_reviewer_sees(typed, item):
    from api.cli.rescore import _item

    assert _item(typed) == item
