"""Fuzzy name matching (assistant/fuzzy.py): a part of the name, or a run of its pinyin initials."""

from __future__ import annotations

import pytest

from assistant.fuzzy import matches, matching


@pytest.mark.parametrize(("query", "name"), [
    ("xzx", "县中学校舍维修"),          # initials from the start
    ("xxzx", "某县乡中学"),             # initials from the middle: 县乡中学
    ("XZX", "县中学"),                  # letters in any case
    ("x z x", "县中学"),                # spaces ignored
    ("cqs", "重庆市教育委员会"),          # 重 read chóng
    ("zqs", "重庆市教育委员会"),          # … or zhòng: any reading matches
    ("yz", "县中学（一中）"),            # punctuation skipped
    ("中学", "县中学"),                  # a part of the name
    ("abc", "ABC实验室建设"),            # latin letters of the name
    ("2号", "2号楼维修"),
    ("", "任何名称"),                   # an empty filter keeps everything
])
def test_matches(query, name):
    assert matches(query, name)


@pytest.mark.parametrize(("query", "name"), [
    ("xxzx", "县中学"),                 # one letter too many
    ("zxx", "县中学"),                  # initials out of order
    ("小学", "县中学"),
    ("x1", "县中学"),                   # not only letters: no initials match, and not a part
    ("xzx", ""),
])
def test_does_not_match(query, name):
    assert not matches(query, name)


def test_matching_keeps_the_order_and_skips_empty_names():
    names = ["市第一医院", "县中学", None, "县职业中学", ""]
    assert matching("xzx", names) == ["县中学"]
    assert matching("xz", names) == ["县中学", "县职业中学"]
    assert matching("中学", names) == ["县中学", "县职业中学"]
