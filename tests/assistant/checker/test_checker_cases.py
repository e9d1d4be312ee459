"""Every rule's pass/fail cases, as data (``cases/<RULE-ID>.yml``, SQLFluff std_rule_cases style)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from case_builder import CASES, build_cycle, build_related, build_submission

from assistant.checker import check_submission, load_profile
from assistant.checker.registry import rule_classes


def _cases() -> list:
    out = []
    for path in sorted(CASES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(pytest.param(data["rule"], case, id=f"{data['rule']}:{case['name']}"))
    return out


def _profile(ref: str | None):
    if ref and ref.endswith((".yaml", ".yml")):
        return load_profile(Path(CASES / ref))
    return load_profile(ref or "national")


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_rule_case(rule: str, case: dict) -> None:
    sub = build_submission(case)
    # the rule's own findings, before the fold (tests/assistant/checker/test_fold.py) merges them
    findings = [f for f in check_submission(sub, profile=_profile(case.get("profile")), related=build_related(case),
                                            cycle=build_cycle(case), fold=False)
                if f.rule == rule]
    got = sorted(f.location.field for f in findings)
    if case.get("pass"):
        assert not findings, [f.message for f in findings]
        return
    assert got == sorted(case["hits"]), [f"{f.location.field}: {f.message}" for f in findings]
    for text in case.get("message", []):
        assert any(text in f.message for f in findings), (text, [f.message for f in findings])
    if "severity" in case:
        assert {f.severity for f in findings} == {case["severity"]}


def test_every_rule_has_pass_and_fail_cases() -> None:
    seen: dict[str, set[str]] = {}
    for path in CASES.glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.stem == data["rule"], f"{path.name} holds cases of {data['rule']}"
        kinds = seen.setdefault(data["rule"], set())
        for case in data["cases"]:
            kinds.add("pass" if case.get("pass") else "fail")
    codes = {r.code for r in rule_classes()}
    missing = {c for c in codes if seen.get(c) != {"pass", "fail"}}
    assert not missing, f"rules without both pass and fail cases: {sorted(missing)}"
    assert not set(seen) - codes, f"cases for unknown rules: {sorted(set(seen) - codes)}"
