from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app
from ingest.extract import extract_file


def test_seed_report_ingests_as_a_narrative_with_its_sections(seed_report):
    sub = extract_file(seed_report)
    assert sub.kind == "report" and sub.status == "ok"
    assert (sub.unit, sub.year) == ("库尔勒市", 2020)
    top = [s.path[0] for s in sub.sections if s.level == 1]
    assert [t[:2] for t in top] == ["一、", "二、", "三、", "四、", "五、"]
    run_in = next(s for s in sub.sections if s.path[-1:] == ["1、项目绩效目标"])
    assert "776 个项目" in run_in.text and run_in.path[:2] == [top[1], "（一）编制绩效目标"]
    problems = [s for s in sub.sections if s.path[:1] and s.path[0].startswith("四、") and s.level == 2]
    assert len(problems) == 3


def test_extract_cli_json_and_debug(seed_report, tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["extract", str(seed_report), "--json"])
    assert out.exit_code == 0
    assert json.loads(out.stdout)["kind"] == "report"
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    out = runner.invoke(app, ["extract", str(bad)])
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "错误" in out.output and "error" in out.output
