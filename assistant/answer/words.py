"""Structured results in words: the query as a Chinese sentence, the answer and its rows.

Every number written here comes from the query (what the reviewer asked) or from the result
(the rows and the aggregate) — the number guard checks that on the way out.
"""

from __future__ import annotations

from typing import Any

from assistant.answer.executor import QueryResult
from assistant.answer.query import Filter, StructuredQuery
from assistant.answer.schema import FIELDS, field_label
from assistant.glossary import DECISION_TERMS
from assistant.numbers import rounded
from assistant.review.states import graph

__all__ = ["fmt_num", "query_in_words", "row_line", "structured_sentences"]

ENTITY_WORDS = {"project": "自评表", "indicator": "绩效指标", "finding": "审核发现", "submission": "送审材料"}
NOUN = {"project": ("项目", "个"), "indicator": ("指标", "项"), "finding": ("审核发现", "条"),
        "submission": ("送审材料", "份")}
GROUP_WORDS = {"unit": ("单位", "个"), "department": ("主管部门", "个"), "project": ("项目", "个"),
               "rule": ("规则", "条"), "severity": ("严重程度", "种"), "decision": ("审核决定", "种"),
               "state": ("审核状态", "种"), "assignee": ("审核人", "位")}
OP_WORDS = {"=": "为", "!=": "不为", ">": "高于", ">=": "不低于", "<": "低于", "<=": "不高于"}
SEVERITY_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}


def fmt_num(v: Any) -> str:
    """98.0 → "98", 55.5555 → "55.56", 645215 → "645215"."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return rounded(v, 2)
    return str(v)


def term_of(name: str, v: Any) -> str:
    """A stored code as a reviewer reads it: 错误, 误报, 退回重报, 第2版; other values unchanged."""
    if name == "severity":
        return SEVERITY_WORDS.get(str(v), str(v))
    if name == "decision":
        return DECISION_TERMS.get(str(v), str(v))
    if name == "state":
        known = graph().states.get(str(v))
        return known.term if known is not None else str(v)
    if name == "version":
        return f"第{fmt_num(v)}版"
    return str(v)


def _with_unit(name: str, v: Any) -> str:
    spec = FIELDS.get(name)
    if name == "year":
        return f"{fmt_num(v)}年"
    if name in ("severity", "decision", "state", "version"):
        return term_of(name, v)
    if spec is not None and spec.type == "bool":
        return "是" if v else "否"
    unit = spec.unit if spec is not None else None
    text = fmt_num(v)
    return f"{text}{unit}" if unit and unit not in ("个", "条") else text


KIND_WORDS = {"project": "项目支出", "department": "部门整体支出"}


def _filter_words(f: Filter) -> str:
    label = field_label(f.field)
    if f.field == "evaluation_kind" and f.op == "=":
        return f"{KIND_WORDS.get(str(f.value), f.value)}自评表"
    if f.field == "met":
        return "未达标" if not f.value or str(f.value).lower() in ("false", "0") else "已达标"
    if f.op == "between":
        lo, hi = f.value  # type: ignore[misc]
        return f"{label}介于{_with_unit(f.field, lo)}至{_with_unit(f.field, hi)}之间"
    if f.op == "contains":
        return f"{label}包含“{f.value}”"
    if f.op == "in":
        return f"{label}为" + "、".join(_with_unit(f.field, v) for v in f.value)  # type: ignore[union-attr]
    if f.field == "version" and f.op in ("=", "!="):
        return f"{'是' if f.op == '=' else '不是'}{term_of('version', f.value)}"
    if f.field == "year" and f.op == "=":
        return f"{fmt_num(f.value)}年度"
    return f"{label}{OP_WORDS[f.op]}{_with_unit(f.field, f.value)}"


def query_in_words(q: StructuredQuery) -> str:
    """``在项目自评表中，筛选2022年度、自评总分不低于90分、预算执行率低于60%的记录，统计项目个数。``"""
    kind = next((f.value for f in q.filters if f.field == "evaluation_kind" and f.op == "="), None)
    entity = f"{KIND_WORDS.get(str(kind), kind)}自评表" if kind else ENTITY_WORDS[q.entity]
    parts = [f"在{entity}中"]
    conds = [_filter_words(f) for f in q.filters if not (f.field == "evaluation_kind" and f.op == "=")]
    parts.append(f"筛选{'、'.join(conds)}的记录" if conds else "取全部记录")
    noun, _ = NOUN[q.entity]
    agg = q.aggregate
    if q.group_by:
        gname, _ = GROUP_WORDS[q.group_by]
        parts.append(f"按{gname}分组")
    if agg.op == "count":
        what = {"project": "项目", "unit": "单位"}.get(agg.field or "", noun)
        parts.append(f"统计{what}个数" + ("（去重）" if agg.field else ""))
    elif agg.op in ("sum", "avg", "max", "min"):
        word = {"sum": "合计", "avg": "平均值", "max": "最高值", "min": "最低值"}[agg.op]
        parts.append(f"计算{field_label(agg.field or '')}{word}")
    elif not q.group_by:
        parts.append("列出记录")
    if q.order_by:
        label = "汇总值" if q.order_by.field == "value" else field_label(q.order_by.field)
        parts.append(f"按{label}从{'高到低' if q.order_by.descending else '低到高'}排序")
    if q.limit:
        parts.append(f"取前{q.limit}{'组' if q.group_by else '条'}")
    if q.explain:
        parts.append(f"并在对应材料中查找“{q.explain}”")
    return "，".join(parts) + "。"


def _name(row: dict[str, Any]) -> str:
    unit = row.get("unit") or "（单位未知）"
    project = row.get("project")
    return f"{unit}「{project}」" if project else unit


def row_line(q: StructuredQuery, row: dict[str, Any]) -> str:
    """One row in words, e.g. ``某县教育局「学生资助」（2023年）：预算执行率55%，自评总分92分``."""
    head = _name(row)
    if row.get("year") is not None:
        head += f"（{fmt_num(row['year'])}年）"
    bits: list[str] = []
    if q.entity == "indicator":
        bits.append(f"{row.get('level1') or '指标'}「{row.get('indicator') or '—'}」")
        bits.append(f"年度指标值{row.get('target_raw') or '—'}")
        bits.append(f"实际完成值{row.get('actual_raw') or '—'}")
    if q.entity == "finding":
        bits.append(f"[{row.get('rule')}]（{SEVERITY_WORDS.get(str(row.get('severity')), row.get('severity'))}）"
                    f"{row.get('message') or ''}")
    if q.entity == "submission":
        if row.get("file"):
            bits.append(f"文件{row['file']}")
        bits.append(f"审核状态{term_of('state', row.get('state'))}")
        bits.append(f"审核人{row.get('assignee') or '未分派'}")
        bits.append(term_of("version", row.get("version") or 1))
    skip = {"unit", "project", "year", "level1", "indicator", "rule", "severity", "message", "target", "actual",
            "evaluation_kind"}
    if q.entity == "submission":
        skip |= {"state", "assignee", "version"}
    shown = [n for n in _shown_fields(q) if n not in skip]
    for name in shown:
        v = row.get(name)
        if v is None and name == "assignee":
            bits.append("审核人未分派")
        elif v is None:
            bits.append(f"{field_label(name)}未填")
        elif name == "met":
            bits.append("已达标" if v else "未达标")
        else:
            bits.append(f"{field_label(name)}{_with_unit(name, v)}")
    return head + ("：" + "，".join(bits) if bits else "")


def _shown_fields(q: StructuredQuery) -> list[str]:
    names: list[str] = []
    for n in [f.field for f in q.filters] + [q.aggregate.field or ""] + [q.order_by.field if q.order_by else ""]:
        if n and n != "value" and n not in names and not (n == q.aggregate.field and q.aggregate.op == "count"):
            names.append(n)
    return names


def structured_sentences(result: QueryResult, *, max_rows: int = 20) -> list[str]:
    """The answer to a structured question, one sentence (or row line) per item."""
    q = result.query
    noun, measure = NOUN[q.entity]
    agg = q.aggregate
    if result.empty:
        return [f"没有符合条件的{noun}。"]
    out: list[str] = []
    if q.group_by:
        gname, gmeasure = GROUP_WORDS[q.group_by]
        what = _agg_words(q)
        unit_suffix = _agg_unit(q, measure)
        if q.order_by and q.order_by.field == "value" and q.limit == 1 and result.groups:
            g = result.groups[0]
            word = "最多" if q.order_by.descending else "最少"
            if agg.op in ("sum", "avg", "max", "min"):
                word = "最高" if q.order_by.descending else "最低"
            out.append(f"{what}{word}的{gname}是{_key(q, g['key'])}（{fmt_num(g['value'])}{unit_suffix}）。")
        else:
            out.append(f"按{gname}统计{what}，共{len(result.groups)}{gmeasure}{gname}：")
            out += [f"{_key(q, g['key'])}：{fmt_num(g['value'])}{unit_suffix}" if g["value"] is not None
                    else f"{_key(q, g['key'])}：未填" for g in result.groups[:max_rows]]
        return out
    if agg.op == "count":
        if agg.field in ("project", "unit"):
            key_noun = "项目" if agg.field == "project" else "单位"
            out.append(f"符合条件的{key_noun}共{fmt_num(result.value)}个（{noun}{result.total_rows}{measure}）。")
        else:
            out.append(f"符合条件的{noun}共{fmt_num(result.value)}{measure}。")
    elif agg.op in ("sum", "avg"):
        label = field_label(agg.field or "")
        unit = FIELDS[agg.field or ""].unit or ""
        word = "合计" if agg.op == "sum" else "平均为"
        value = "—" if result.value is None else f"{fmt_num(result.value)}{unit}"
        out.append(f"{label}{word}{value}（共{result.total_rows}{measure}{noun}）。")
    elif agg.op in ("max", "min"):
        label = field_label(agg.field or "")
        unit = FIELDS[agg.field or ""].unit or ""
        word = "最高" if agg.op == "max" else "最低"
        out.append(f"{label}{word}为{fmt_num(result.value)}{unit}：")
    elif q.order_by is not None:
        label = field_label(q.order_by.field)
        order = "从高到低" if q.order_by.descending else "从低到高"
        out.append(f"按{label}{order}，前{len(result.rows)}{measure}{noun}为：")
    else:
        out.append(f"符合条件的{noun}共{result.total_rows}{measure}：")
    rows = result.rows[:max_rows]
    out += [f"{i}. {row_line(q, r)}" for i, r in enumerate(rows, start=1)]
    if len(result.rows) > len(rows) and agg.op == "list":
        out.append(f"（文字列出前{len(rows)}{measure}，全部{len(result.rows)}{measure}见下表。）")
    elif result.total_rows > len(rows) and agg.op == "list":
        out.append(f"（仅列出前{len(rows)}{measure}。）")
    return out


def _key(q: StructuredQuery, key: Any) -> str:
    """A group's key in words (a rule code stays a code: it is the rule's name in the catalog)."""
    return term_of(q.group_by or "", key)


def _agg_words(q: StructuredQuery) -> str:
    agg = q.aggregate
    noun, _ = NOUN[q.entity]
    if agg.op in ("count", "list"):
        return {"project": "项目数", "unit": "单位数"}.get(agg.field or "", f"{noun}数")
    word = {"sum": "合计", "avg": "平均值", "max": "最高值", "min": "最低值"}[agg.op]
    return f"{field_label(agg.field or '')}{word}"


def _agg_unit(q: StructuredQuery, measure: str) -> str:
    agg = q.aggregate
    if agg.op in ("count", "list"):
        return "个" if agg.field in ("project", "unit") else measure
    return FIELDS[agg.field or ""].unit or ""
