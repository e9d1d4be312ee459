"""The 部门整体 ratio rules (DEPT-CALC-001…012) are data: ``ratios.yaml`` read by one generic rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.checker import sources
from assistant.checker.registry import get_rule
from assistant.checker.rules.dept import ratio


def test_every_entry_becomes_a_registered_rule() -> None:
    codes = [e.code for e in ratio.load_entries()]
    assert codes == [f"DEPT-CALC-{n:03d}" for n in range(1, 13)]
    for cls in ratio.RULES:
        assert get_rule(cls.code) is cls
        assert cls.kinds == ("department",)


def test_an_entry_keeps_its_catalog_text() -> None:
    cls = get_rule("DEPT-CALC-002")
    assert cls.__name__ == "DeptCalc002"
    assert cls.title == "“三公经费”变动率计算或计分错误"
    assert cls.severity == "error" and cls.tag == "K"
    assert cls.source == f"{sources.MOF_53}；{sources.YUEYANG}"
    assert cls.description.startswith("“三公经费”变动率 = （本年“三公经费” − 上年“三公经费”）")
    assert cls.description.endswith(ratio.HOW)
    assert cls.spec.change is True and cls.spec.denominator[0] == "上年"
    assert cls.good == "变动率 10.00%，得分 0.00（5 − 0.5 × 10）。"
    assert get_rule("DEPT-CALC-006").severity == "warning"


def _write(tmp_path: Path, **change: object) -> Path:
    item = yaml.safe_load(ratio.RATIOS_FILE.read_text(encoding="utf-8"))[0]
    item.update(change)
    item = {k: v for k, v in item.items() if v is not None}
    path = tmp_path / "ratios.yaml"
    path.write_text(yaml.safe_dump([item], allow_unicode=True), encoding="utf-8")
    return path


def test_a_valid_entry_loads(tmp_path: Path) -> None:
    (entry,) = ratio.load_entries(_write(tmp_path, code="DEPT-CALC-099"))
    assert entry.code == "DEPT-CALC-099"
    assert entry.spec.names == ("在职人员控制率", "财政供养人员控制率")


def test_an_unknown_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown source"):
        ratio.load_entries(_write(tmp_path, source=["MOF_53", "NO_SUCH_DOCUMENT"]))


@pytest.mark.parametrize(("change", "word"), [({"why": None}, r"missing \['why'\]"),
                                                   ({"weight": 3}, r"unknown \['weight'\]")])
def test_a_missing_or_unknown_field_is_refused(tmp_path: Path, change: dict, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        ratio.load_entries(_write(tmp_path, **change))
