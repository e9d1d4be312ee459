"""``docs/form-fields.md``: the form labels ziping recognises, written out from ``labels.yaml``.

The synonym lists are parsing data; this page shows them to people (reviewers asking "why was my
调整后预算数 read as 全年预算数?", contributors adding a province's spelling). It is generated so it
cannot drift from the data: ``python -m ingest.forms.fields_doc > docs/form-fields.md``, and a test
compares the committed page with this output.
"""

from __future__ import annotations

import sys

import yaml

from ingest.forms.labels import LABELS_FILE

# Why each group exists, in the order a form is read (title → header → funds → goal → indicators → result).
GROUPS: dict[str, str] = {
    "title": "表名：判断表单类型（项目支出 / 部门整体）",
    "header": "表头：标签 | 值",
    "blocks": "区块标题：区块的分值可写在标题里，如“预算执行情况（10分）”",
    "fund_columns": "项目资金区块的列名",
    "fund_rows": "项目资金区块的行名",
    "goal": "年度总体目标",
    "indicator_columns": "绩效指标区块的列名",
    "level1": "一级指标名称（可带前缀和分值，如“项目绩效-产出指标(40分)”）",
    "framework_level1": "评价指标体系的一级指标（决策、过程）：项目表中出现即判为评价指标体系版式（framework）",
    "layouts": "版式标记：表中出现这些标签即判为该省份/地市版式（否则为财政部版式）；指标表没有分值、得分两栏为无分值版式（noscore）",
    "result": "指标之后的单项行",
    "grades": "评价等级的写法：总分行上得分之后的“优”“良好”等读作等级",
    "signatures": "签章行",
}


def markdown() -> str:
    """The whole page, deterministic (group order above, keys in file order)."""
    data = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    lines = [
        "# 表单字段与同义标签 / Form fields and their labels",
        "",
        "Generated from `ingest/forms/labels.yaml` by `python -m ingest.forms.fields_doc`; do not edit by hand.",
        "Matching runs on normalised text (full-width → half-width, no spaces) and tries the whole cell, then the",
        "cell without bracket notes such as （万元） or （B/A）. Where the labels come from: [domain.md §4](domain.md).",
        "",
    ]
    unknown = [group for group in data if group not in GROUPS]
    for group in [*GROUPS, *unknown]:
        if group not in data:
            continue
        lines += [f"## `{group}` — {GROUPS.get(group, group)}", ""]
        entries = data[group]
        if isinstance(entries, list):
            lines += ["、".join(entries), ""]
            continue
        lines += ["| key | labels (the first is the canonical spelling) |", "| --- | --- |"]
        for key, labels in entries.items():
            lines.append(f"| `{key}` | {'、'.join(labels)} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
