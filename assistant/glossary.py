"""English field names ↔ Chinese domain terms, defined once.

Code is English; everything a reviewer reads is Chinese. Messages, table headers and exports
take their Chinese labels from :data:`TERMS` so one term is never spelled two ways. The
synonyms that real tables use for the same field (docs/domain.md section 4) are parsing data and
live with the form recogniser in ``ingest``.
"""

from __future__ import annotations

import re

TERMS: dict[str, str] = {
    # submission
    "submission": "提交材料",
    "unit": "预算单位",
    "department": "主管部门",
    "impl_unit": "实施单位",
    "year": "年度",
    "status": "状态",
    "status_reason": "状态说明",
    "kind": "类型",
    # evaluation header
    "evaluation": "项目支出绩效自评表",
    "department_evaluation": "部门整体支出绩效自评表",
    "title": "表名",
    "project_name": "项目名称",
    "project_code": "项目编码",
    "layout": "版式",
    # funds block
    "funds": "项目资金",
    "budget_initial": "年初预算数",
    "budget_adjust": "年度预算调整",
    "budget_full_year": "全年预算数",
    "exec_amount": "全年执行数",
    "execution_rate": "执行率",
    "exec_weight": "预算执行率分值",
    "exec_score": "预算执行率得分",
    "exec_reason": "执行偏差原因",
    "adjust_reason": "预算调整原因",
    "fund_total": "年度资金总额",
    "category": "资金类别",
    "current_fiscal": "当年财政拨款",
    "carryover": "上年结转资金",
    "other_funds": "其他资金",
    "denominator": "执行率分母",
    # goals
    "goal_planned": "年度总体目标（预期目标）",
    "goal_achieved": "年度总体目标（实际完成情况）",
    # indicators
    "indicator": "绩效指标",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "deviation_reason": "偏差原因分析及改进措施",
    "nature": "指标性质",
    "measure_unit": "度量单位",
    "criteria": "评分标准",
    "group": "所属上级指标",
    "groups": "上级指标（分组行）",
    "unit_source": "单位来源",
    "block_weights": "一级指标分值",
    "indicator_block_weight": "绩效指标总分值",
    # the performance cycle (issue 19): declarations and monitoring forms
    "declaration": "绩效目标申报表",
    "monitoring": "绩效监控表",
    "monitorings": "绩效监控表（各轮）",
    "declaration_file": "绩效目标申报表文件",
    "monitoring_files": "绩效监控表文件",
    "history": "以前年度自评表",
    "file_name": "文件名",
    "funds_unit": "金额单位",
    "amount": "金额",
    "goal": "年度总体目标（申报）",
    "progress": "截至监控月执行情况",
    "expected": "全年预计完成情况",
    "warning": "预警等级",
    "months": "监控期（1至N月）",
    "budget": "年初预算数",
    "executed": "截至监控月执行数",
    "expected_rate": "全年预计执行率",
    "goal_progress": "总体目标执行情况",
    # result
    "total_score": "总分",
    "grade": "评价等级",
    "conclusion": "评价结论",
    "problems": "存在问题",
    "measures": "改进措施",
    "signatures": "签章",
    # narrative
    "section": "自评报告章节",
    "sections": "报告章节",
    "doc_type": "文件类型",
    "path": "标题路径",
    "text": "正文",
    "level": "标题层级",
    # structure
    "id": "编号",
    "file": "文件",
    "evaluations": "自评表",
    "indicators": "绩效指标",
    "rows": "资金来源明细",
    "rate": "执行率（填报值）",
    "reason": "执行偏差原因",
    "cells": "单元格位置",
    # findings
    "finding": "审核发现",
    "rule": "规则",
    "severity": "严重程度",
    "message": "问题说明",
    "location": "位置",
    "evidence": "原文依据",
    "suggestion": "修改建议",
    "source": "规则依据",
    "occurrences": "出现位置",
    "submission_id": "提交编号",
    # review of findings
    "decision": "审核决定",
    "decision_reason": "决定理由",
    "decision_comment": "审核备注",
    "decided_by": "决定人",
    "decided_at": "决定时间",
    "resolved": "已消除（复查后不再出现）",
    "version": "版本",
}

DECISION_TERMS: dict[str, str] = {"open": "待定", "confirmed": "确认", "false_positive": "误报", "fixed": "已整改"}

# what the review's audit log records (assistant.stores.review)
EVENT_TERMS: dict[str, str] = {
    "decision": "审核决定",
    "correction": "更正识别值",
    "transition": "状态变更",
    "assignment": "分派审核人",
    "letter": "出具审核意见",
    "score": "复核打分",
    "version": "重报版本",
    "certainty": "确认识别结果",
    "link": "关联申报表/监控表",
}

SEVERITY_TERMS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}

STATUS_TERMS: dict[str, str] = {"ok": "已识别", "needs_review": "待人工核对", "failed": "失败"}

KIND_TERMS: dict[str, str] = {
    "table": "项目支出绩效自评表",
    "report": "绩效自评报告",
    "department": "部门整体支出绩效自评表",
    "mixed": "自评表及报告",
    "unknown": "未识别",
}

# Evaluation.layout: the form family ingest recognised (province layouts and the two families of issue 21).
LAYOUT_TERMS: dict[str, str] = {
    "mof": "财政部版式", "sichuan": "四川版式", "municipal": "市级版式", "department": "部门整体版式",
    "framework": "评价指标体系版式", "noscore": "无分值版式",
}

# Canonical level-1 indicator names (10号 N3/N4).
OUTPUT = "产出指标"
BENEFIT = "效益指标"
SATISFACTION = "满意度指标"
COST = "成本指标"
LEVEL1_NAMES = (OUTPUT, BENEFIT, SATISFACTION, COST)


def term(name: str) -> str:
    """The Chinese term for an English field name (the name itself when none is defined)."""
    return TERMS.get(name, name)


_STEP = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?$")


def path_term(path: str) -> str:
    """A field path in words, for people: ``evaluations[0].funds.rows[0].budget_full_year`` →
    ``项目资金·资金来源明细第1行·全年预算数``; ``evaluations[0].indicators[3].score`` → ``绩效指标第4行·得分``.
    The first form of a file is not named (most files hold one); a later one is (``自评表第2张``)."""
    words = []
    for step in path.split("."):
        m = _STEP.match(step)
        if m is None:
            return path  # not a field path: shown as it is
        name, index = m.group(1), m.group(2)
        if name == "evaluations":
            if index and int(index) > 0:
                words.append(f"{term(name)}第{int(index) + 1}张")
            continue
        words.append(term(name) + (f"第{int(index) + 1}{'节' if name == 'sections' else '行'}" if index else ""))
    return "·".join(words) or path
