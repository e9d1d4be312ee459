"""The deterministic Chinese parser: a question → route + :class:`StructuredQuery`.

It is a :class:`~assistant.answer.pipeline.Pipeline` of small named steps
(:mod:`assistant.answer.parsing`), each one function that a test calls alone. It reads, in this order: years (``2022年``), names the records store knows (units, projects;
a partial unit such as ``教育局``), rule codes, the *entity* (项目 / 指标 / 审核发现 / 送审材料), the review's
workflow (误报, 退回, 张三手上, 第二版, 哪条规则: :mod:`assistant.answer.parsing.workflow`), field
mentions with their Chinese synonyms, comparisons (低于 / 不足 / 超过 / 以上 / 以下 / 介于…之间,
with 万元 / 元 / % / 分), 达标 / 未达标, 评价等级, severities, aggregates (多少个 / 合计 / 平均 /
最高…是多少), rankings (最高 / 最低 / 最多 / 前N), grouping (哪个单位 / 各单位) and
explanation words (原因 / 为什么) — each consumed span is blanked out. What is left decides
the route:

* no structured signal → ``document``;
* a signal, and no unexplained words left → ``structured`` (``mixed`` when it also asks
  for reasons: 执行率最低的三个项目分别说明了什么原因);
* only an aggregate or list word plus content the schema does not know
  (``2020年多少个项目编制了绩效目标``: 编制, 绩效目标) → ``document``: the count is a fact
  stated in a report, not one the records can compute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.answer.parsing.conditions import (
    find_comparisons,
    find_grade,
    find_indicator_conditions,
    find_severity,
)
from assistant.answer.parsing.route import build_query, decide, read_leftover
from assistant.answer.parsing.scope import find_names, find_rule_codes, find_year, normalise
from assistant.answer.parsing.shape import (
    default_aggregate,
    drop_field_words,
    find_aggregate,
    find_grouping,
    find_listing,
    find_ranking,
)
from assistant.answer.parsing.subject import find_explanation, find_subject
from assistant.answer.parsing.workflow import find_workflow
from assistant.answer.pipeline import Pipeline
from assistant.answer.query import StructuredQuery
from assistant.retrieval.gazetteer import Gazetteer

__all__ = ["PARSER", "Parsed", "Route", "parse_question"]

Route = Literal["structured", "document", "mixed"]


@dataclass
class Parsed:
    route: Route
    query: StructuredQuery | None = None
    year: int | None = None
    units: list[str] = field(default_factory=list)  # known unit names, exactly as stored
    unit_like: str | None = None  # a partial unit name (教育局)
    projects: list[str] = field(default_factory=list)
    leftover: str = ""
    notes: list[str] = field(default_factory=list)


# The order matters: each step reads the text the steps before it left (their phrases blanked out).
PARSER = Pipeline(
    normalise, find_year, find_names, find_rule_codes,            # what the question is about
    find_subject, find_workflow, find_explanation,                 # which rows; reasons asked for
    find_indicator_conditions, find_grade, find_severity, find_comparisons,  # conditions
    find_grouping, find_ranking, find_aggregate, find_listing, default_aggregate, drop_field_words,  # shape
    read_leftover, decide, build_query,                            # what is left → route and query
    inputs=("question", "gaz"),
)


def parse_question(question: str, gaz: Gazetteer | None = None) -> Parsed:
    v = PARSER.run(question=question, gaz=gaz or Gazetteer())
    return Parsed(route=v["route"], query=v["query"], year=v["year"], units=v["units"], unit_like=v["unit_like"],
                  projects=v["projects"], leftover=v["leftover"], notes=v["notes"])
