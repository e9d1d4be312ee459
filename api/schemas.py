"""Request and response models of the HTTP API (``/api/v1``), each with an example for the OpenAPI page.

Submissions travel in the project's canonical JSON (:meth:`assistant.model.Submission.to_dict`),
so those parts are typed as plain objects here and documented in :mod:`assistant.model`.
Every error has one shape, :class:`ErrorResponse`::

    {"error": {"code": "not_found", "message": "没有这份材料", "message_en": "no such submission"}}

``code`` is stable (scripts may test it); ``message`` is Chinese for reviewers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# --- errors ---------------------------------------------------------------------------------------


class ApiError(Exception):
    """Raised by routes and dependencies; rendered as :class:`ErrorResponse` with ``status``."""

    def __init__(self, status: int, code: str, message: str, message_en: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{code}: {message_en}")
        self.status = status
        self.code = code
        self.message = message
        self.message_en = message_en
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "message_en": self.message_en}}


def not_found(what_zh: str, what_en: str) -> ApiError:
    return ApiError(404, "not_found", f"没有{what_zh}", f"no such {what_en}")


class ErrorDetail(BaseModel):
    code: str = Field(description="稳定的错误代码 / stable error code")
    message: str = Field(description="中文说明 / message in Chinese")
    message_en: str = Field(description="English message")


class ErrorResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"error": {"code": "unauthorized", "message": "需要登录令牌", "message_en": "a bearer token is required"}}]})

    error: ErrorDetail


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the error statuses a route may return."""
    text = {400: "请求无效", 401: "未登录或令牌无效", 403: "权限不足", 404: "不存在", 409: "冲突",
            413: "文件过大", 415: "文件类型不支持", 422: "参数无效", 429: "请求过于频繁", 503: "服务未就绪"}
    return {s: {"model": ErrorResponse, "description": text.get(s, "错误")} for s in statuses}


# --- users and health ----------------------------------------------------------------------------


class UserOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "zhangsan", "role": "reviewer", "role_text": "审核人员", "created_at": "2024-03-01T09:00:00Z",
         "bureau": "default"}]})

    name: str
    role: Literal["reviewer", "admin"]
    role_text: str
    created_at: datetime
    bureau: str = Field("default", description="所属机构代码：审核人员只能看到本机构的材料，管理员看到全部机构")


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"]


class ReadyCheck(BaseModel):
    ok: bool
    detail: str | None = None


class Ready(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"status": "ready", "checks": {"database": {"ok": True, "detail": "sqlite"},
                                       "chroma": {"ok": True, "detail": "persistent"}}}]})

    status: Literal["ready", "not_ready"]
    checks: dict[str, ReadyCheck]


# --- findings -----------------------------------------------------------------------------------


_LOCATION_EXAMPLE = {"file": "a.docx", "page": 1, "table": 0, "row": 9, "col": 6, "paragraph": None,
                     "sheet": None, "field": "evaluations[0].indicators[3].score"}

_FINDING_EXAMPLE = {
    "id": "9f1c2a7b3d4e5f60", "submission_id": "3f2a9c0d1e2b4a5c", "rule": "CALC-IND-001",
    "rule_title": "指标得分与完成情况不符", "severity": "error", "severity_text": "错误",
    "message": "“资助学生人数”得分18分，按完成比例应为16.00分", "location": _LOCATION_EXAMPLE,
    "location_text": "第1页 表1 第10行第7列", "evidence": "18", "suggestion": "按分值×实际/目标重新计算得分",
    "source": "财预〔2020〕10号 附件2", "project": "学生资助", "file_name": "a.docx", "unit": "某县教育局",
    "year": 2023, "decision": "open", "decision_text": "待定", "decision_reason": None, "decision_comment": None,
    "decided_by": None, "decided_at": None, "resolved": False, "version": 1,
}


class OccurrenceOut(BaseModel):
    """A row of a pattern folded into one finding, or another rule's finding on the same row kept as
    supporting evidence (``rule`` set)."""

    location: dict[str, Any] = Field(description="Location：file/page/table/row/col/paragraph/sheet/field")
    location_text: str
    evidence: str | None = None
    message: str | None = None
    rule: str | None = Field(None, description="合并进来的另一条规则的发现；空：本规则的一处")
    rule_title: str | None = None


class FindingOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_FINDING_EXAMPLE]})

    id: str | None
    submission_id: str | None
    rule: str
    rule_title: str
    severity: Literal["error", "warning", "info"]
    severity_text: str
    message: str
    location: dict[str, Any] = Field(description="Location：file/page/table/row/col/paragraph/sheet/field")
    location_text: str
    evidence: str | None = None
    suggestion: str | None = None
    source: str | None = None
    project: str | None = None
    file_name: str | None = None
    unit: str | None = None
    year: int | None = None
    occurrences: list[OccurrenceOut] = Field(default_factory=list,
                                             description="一条发现涉及的各行（及并入的同行发现）；单个单元格的发现为空")
    decision: Literal["open", "confirmed", "false_positive", "fixed"] = Field(
        "open", description="审核决定：open 待定 / confirmed 确认 / false_positive 误报 / fixed 已整改")
    decision_text: str = "待定"
    decision_reason: str | None = Field(None, description="决定理由（误报必填）")
    decision_comment: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    resolved: bool = Field(False, description="最近一次预审已不再产生（保留备查，不计数）")
    version: int = Field(1, description="每次修改决定加一；提交决定时带上，过期则 409")


class FindingPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"items": [_FINDING_EXAMPLE], "total": 1, "page": 1, "size": 50}]})

    items: list[FindingOut]
    total: int
    page: int
    size: int


# --- submissions ---------------------------------------------------------------------------------


class SeverityCounts(BaseModel):
    error: int = 0
    warning: int = 0
    info: int = 0


class DecisionCounts(BaseModel):
    """审核发现按审核决定计数（不含复查后已消除的）。"""

    open: int = 0
    confirmed: int = 0
    false_positive: int = 0
    fixed: int = 0


_SUMMARY_EXAMPLE = {
    "id": "3f2a9c0d1e2b4a5c", "file_name": "学生资助自评表.docx", "format": "docx", "kind": "table",
    "kind_text": "项目支出绩效自评表", "unit": "某县教育局", "department": "某县教育局", "year": 2023,
    "status": "ok", "status_text": "已识别", "status_reason": None, "projects": ["学生资助"],
    "total_score": 95.0, "grade": "优", "exec_rate": 98.5, "counts": {"error": 1, "warning": 2, "info": 0},
    "created_at": "2024-03-01T09:00:00Z", "updated_at": "2024-03-01T09:00:00Z",
    "certainty": "recognised", "certainty_text": "已识别", "state": "in_review", "state_text": "审核中",
    "assignee": "zhangsan", "due_date": "2024-04-30", "review_version": 3,
    "decisions": {"open": 2, "confirmed": 1, "false_positive": 1, "fixed": 0},
}


class SubmissionSummaryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY_EXAMPLE]})

    id: str
    file_name: str | None
    format: str | None
    kind: str
    kind_text: str
    unit: str | None
    department: str | None
    year: int | None
    status: str
    status_text: str
    status_reason: str | None
    projects: list[str] = Field(default_factory=list, description="自评表中的项目名称")
    total_score: float | None = Field(None, description="第一张自评表的总分")
    grade: str | None = Field(None, description="第一张自评表填报的等级")
    exec_rate: float | None = Field(None, description="第一张自评表的执行率（%），填报值，缺失时为计算值")
    counts: SeverityCounts = Field(description="按严重程度计的问题数（不含误报与已消除的）")
    created_at: datetime
    updated_at: datetime
    certainty: str = Field("recognised", description="识别把握：recognised 已识别 / uncertain 待核实 / not_evaluation 非自评材料")
    certainty_text: str = "已识别"
    state: str = Field("pending", description="审核状态：pending 待审 / in_review 审核中 / approved 通过 / "
                                              "approved_with_changes 修改后通过 / returned 退回重报 / resubmitted 已重报")
    state_text: str = "待审"
    assignee: str | None = Field(None, description="审核人")
    due_date: date | None = Field(None, description="办结期限")
    review_version: int = Field(1, description="审核状态的版本；改状态或分派时带上，过期则 409")
    decisions: DecisionCounts = Field(default_factory=DecisionCounts)


class SubmissionPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"items": [_SUMMARY_EXAMPLE], "total": 1, "page": 1, "size": 50}]})

    items: list[SubmissionSummaryOut]
    total: int
    page: int
    size: int


class Provenance(BaseModel):
    file_name: str | None
    sha256: str | None
    format: str | None
    pages: int | None
    size: int | None
    scanned: bool
    original_url: str | None = Field(description="原始文件下载地址（需令牌） / the original file (token needed)")
    stored_at: datetime
    updated_at: datetime
    chunks: int = Field(description="可检索片段数 / retrievable chunks")
    embedded: int = Field(description="已向量化的片段数 / chunks with vectors")


class SubmissionDetail(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "summary": _SUMMARY_EXAMPLE,
        "submission": {"id": "3f2a9c0d1e2b4a5c", "kind": "table", "unit": "某县教育局", "year": 2023,
                       "status": "ok", "file": {"name": "学生资助自评表.docx", "format": "docx"},
                       "evaluations": [{"project_name": "学生资助", "indicators": [{"name": "资助学生人数"}]}],
                       "sections": []},
        "findings": [_FINDING_EXAMPLE],
        "provenance": {"file_name": "学生资助自评表.docx", "sha256": "3f2a9c0d1e2b4a5c…", "format": "docx",
                       "pages": 1, "size": 20480, "scanned": False,
                       "original_url": "/api/v1/submissions/3f2a9c0d1e2b4a5c/original",
                       "stored_at": "2024-03-01T09:00:00Z", "updated_at": "2024-03-01T09:00:00Z",
                       "chunks": 12, "embedded": 12},
    }]})

    summary: SubmissionSummaryOut
    submission: dict[str, Any] = Field(description="规范 JSON（见 assistant.model） / canonical JSON")
    findings: list[FindingOut] = Field(description="未消除的审核发现（各种审核决定，含误报）")
    provenance: Provenance
    moves: list[MoveOut] = Field(default_factory=list, description="当前状态下可做的状态变更")


# --- corrections, read certainty, versions (issue 15 items 2, 3, 5) -------------------------------

class CorrectionIn(BaseModel):
    field_path: str = Field(max_length=256, description="字段路径，如 evaluations[0].indicators[3].score；"
                                                        "evaluations[0].indicators[3].row_kind 标记表头行/上级行")
    value: str = Field(max_length=2000, description="更正后的值，按原表写法填写，如 ≥95%、18、98.5万元、上级行")
    expected_version: int | None = Field(None, description="页面加载时材料的审核版本；已被他人修改时返回 409")


class ConfirmIn(BaseModel):
    expected_version: int | None = Field(None, description="页面加载时材料的审核版本")


class CorrectionOut(BaseModel):
    id: int | None
    field_path: str
    typed: str = Field(description="审核人填写的值")
    value_text: str = Field(description="更正后的值（显示用）")
    original_text: str = Field(description="原识别值（显示用）")
    parsed: Any = Field(description="更正值的解析结果（规范 JSON）")
    original: Any = Field(description="原识别值（规范 JSON）")
    actor: str
    at: datetime | None
    active: bool


class ReadOut(BaseModel):
    """A submission's read certainty and the reviewers' corrections of what was read."""

    submission_id: str
    certainty: str = Field(description="recognised 已识别 | uncertain 待核实 | not_evaluation 非自评材料")
    certainty_text: str
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    review_version: int = Field(description="材料审核记录的版本，更正与确认时作 expected_version 提交")
    corrections: list[CorrectionOut] = Field(default_factory=list, description="生效中的更正，按更正先后")
    replaced: list[CorrectionOut] = Field(default_factory=list, description="已被后来的更正取代的更正")


class CorrectedOut(BaseModel):
    correction: CorrectionOut
    findings_added: list[str] = Field(description="更正后新出现的审核发现（规则代码）")
    findings_resolved: list[str] = Field(description="更正后不再出现的审核发现（规则代码）")
    read: ReadOut


class VersionOut(BaseModel):
    submission_id: str
    number: int = Field(description="第几版（1 起）")
    previous_id: str | None
    linked_by: str = Field(description="first 首版 | match 同单位同项目同年度 | replaces 上传时指定")
    file_name: str | None
    stored_at: datetime
    state: str | None
    certainty: str | None


class VersionsOut(BaseModel):
    submission_id: str
    series_id: str | None
    versions: list[VersionOut] = Field(description="各版本，从首版到最新；空：没有其他版本")


class FieldChangeOut(BaseModel):
    field_path: str
    old: str | None = Field(description="旧版本中的值（原表写法）；null：旧版本没有该项")
    new: str | None = Field(description="新版本中的值；null：新版本没有该项")


class DiffOut(BaseModel):
    old_id: str
    new_id: str
    changes: list[FieldChangeOut]
    resolved: list[FindingOut] = Field(description="旧版本有、新版本已消除的审核发现")
    new: list[FindingOut] = Field(description="新版本新出现的审核发现")
    still_present: list[FindingOut] = Field(description="两版都有的审核发现（新版本的，含沿用的审核决定）")


class RecheckOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"submission_id": "3f2a9c0d1e2b4a5c", "profile": "national", "profile_version": "2026.1", "findings": 3,
         "counts": {"error": 1, "warning": 2, "info": 0}}]})

    submission_id: str
    profile: str
    profile_version: str = ""  # the version of the pack applied ("" = the pack file names none)
    findings: int
    counts: SeverityCounts


class PassageOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "3f2a9c0d1e2b4a5c:c3", "submission_id": "3f2a9c0d1e2b4a5c", "kind": "section",
        "text": "二、绩效目标完成情况……", "metadata": {"file": "a.docx", "paragraph": 12},
        "location": {"file": "a.docx", "paragraph": 12}, "location_text": "第13段", "file_name": "a.docx"}]})

    id: str
    submission_id: str
    kind: str
    text: str
    metadata: dict[str, Any]
    location: dict[str, Any]
    location_text: str
    file_name: str | None


# --- jobs ----------------------------------------------------------------------------------------

Stage = Literal["queued", "parsed", "checked", "indexed", "failed", "skipped", "drafted"]


class JobFileOut(BaseModel):
    name: str
    stage: Stage
    status: str | None = Field(None, description="ok | needs_review | failed | skipped，处理完成后给出")
    reason: str | None = None
    code: str | None = Field(None, description="失败时的错误代码 / error code when failed")
    submission_id: str | None = None
    findings: int | None = None
    updated_at: datetime


_JOB_EXAMPLE = {
    "id": "b5c3e1f2a4d6", "kind": "ingest", "state": "done", "owner": "zhangsan", "created_at": "2024-03-01T09:00:00Z",
    "finished_at": "2024-03-01T09:00:02Z", "defer_vectors": False, "total": 2, "done": 2, "embedded": 24,
    "version": 9, "attempts": 1, "files": [
        {"name": "a.docx", "stage": "indexed", "status": "ok", "reason": None, "code": None,
         "submission_id": "3f2a9c0d1e2b4a5c", "findings": 3, "updated_at": "2024-03-01T09:00:01Z"},
        {"name": "b.pdf", "stage": "failed", "status": "failed", "reason": "文件已损坏或格式与扩展名不符",
         "code": "corrupt_file", "submission_id": None, "findings": None, "updated_at": "2024-03-01T09:00:01Z"}],
}


class JobOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_JOB_EXAMPLE]})

    id: str
    kind: Literal["ingest", "embed", "recheck", "draft"] = Field("ingest", description="入库 / 向量化 / 重新预审 / 批量起草")
    state: Literal["queued", "running", "embedding", "done", "failed"]
    owner: str
    created_at: datetime
    finished_at: datetime | None
    defer_vectors: bool
    total: int
    done: int
    embedded: int
    version: int = Field(description="每次进度变化加一 / increases with every change")
    attempts: int = Field(0, description="已执行次数（执行进程中断后任务会重试） / times a worker took the job")
    error: str | None = None
    files: list[JobFileOut]


# --- rules ---------------------------------------------------------------------------------------


class RuleOut(BaseModel):
    code: str
    title: str
    family: str
    severity: str
    default_severity: str
    enabled: bool
    tag: str
    semantic: bool
    scope: str
    kinds: list[str]
    source: str
    description: str
    why: str
    bad: str
    good: str


class RulesCatalog(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "profile": "national", "profile_title": "财政部口径（财预〔2020〕10号）", "profiles": ["national", "sichuan"],
        "rules": [{"code": "CALC-IND-001", "title": "指标得分与完成情况不符", "family": "CALC",
                   "severity": "error", "default_severity": "error", "enabled": True, "tag": "N",
                   "semantic": False, "scope": "evaluation", "kinds": ["project"],
                   "source": "财预〔2020〕10号 附件2", "description": "……", "why": "……", "bad": "……",
                   "good": "……"}],
        "not_implemented": [{"code": "X-1", "reason": "需要人工判断"}]}]})

    profile: str
    profile_title: str
    profiles: list[str]
    rules: list[RuleOut]
    not_implemented: list[dict[str, str]]


class PackBasisOut(BaseModel):
    """One document a rule pack rests on; ``official`` false marks a repost (转载)."""

    document: str
    article: str = ""
    url: str = ""
    official: bool
    publisher: str = ""
    label: str  # as the page shows it: 《…》 第…（官方网站 https://…）


class PackOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "sichuan", "title": "四川省（部门预算项目支出绩效自评表）", "version": "2026.1", "extends": "national",
        "source": "四川省部门预算项目支出绩效自评表填报说明", "official": True, "changes": 11,
        "basis": [{"document": "四川省《部门预算项目支出绩效自评表（2023年度）》", "article": "", "official": True,
                   "url": "https://www.scqs.gov.cn/info/13206/211004.htm", "publisher": "青神县人民政府",
                   "label": "四川省《部门预算项目支出绩效自评表（2023年度）》（官方网站 https://www.scqs.gov.cn/…）"}]}]})

    name: str
    title: str
    version: str | None
    extends: str | None
    source: str
    official: bool  # every 依据 of the pack is an official site
    basis: list[PackBasisOut]
    changes: int  # settings that differ from the national pack


class PackChangeOut(BaseModel):
    key: str  # "execution_weight", "text_limits.conclusion", "rules.MISSING-FUND-003"
    label: str
    group: str
    national: str
    pack: str
    basis: PackBasisOut | None


class PackDiffOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "pack": {"name": "baoshan", "title": "云南保山", "version": "2026.1", "extends": "national", "source": "…",
                 "official": True, "basis": [], "changes": 3},
        "changes": [{"key": "execution_weight", "label": "预算执行率分值", "group": "分值", "national": "10",
                     "pack": "20", "basis": None}]}]})

    pack: PackOut
    changes: list[PackChangeOut]


# --- ask -----------------------------------------------------------------------------------------


class AskRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": "2023年执行率低于80%的项目有哪些？", "year": None, "unit": None, "k": 8,
         "conversation_id": None}]})

    question: str = Field(min_length=1, max_length=1000)
    year: int | None = Field(None, ge=1990, le=2100)
    unit: str | None = Field(None, max_length=256)
    k: int = Field(8, ge=1, le=30)
    conversation_id: str | None = Field(None, max_length=64)


class CitationOut(BaseModel):
    n: int
    chunk_id: str
    submission_id: str
    file: str | None
    location: dict[str, Any]
    location_text: str
    snippet: str


class AnswerOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "text": "执行率低于80%的项目有2个：……[1]", "kind": "structured",
        "citations": [{"n": 1, "chunk_id": "3f2a9c0d1e2b4a5c:c3", "submission_id": "3f2a9c0d1e2b4a5c",
                       "file": "a.docx", "location": _LOCATION_EXAMPLE, "location_text": "第1页 表1 第10行第7列",
                       "snippet": "预算执行率 76.5%"}],
        "rows": [{"submission_id": "3f2a9c0d1e2b4a5c", "project_name": "学生资助", "exec_rate": 76.5}],
        "columns": [{"key": "project_name", "label": "项目名称"}, {"key": "exec_rate", "label": "执行率"}],
        "query_in_words": "2023年度、执行率低于80%的项目", "flags": [], "conversation_id": "c-1a2b3c",
        "question": "2023年执行率低于80%的项目有哪些？", "resolved_question": None, "query": None,
        "aggregate": None, "found": True, "timings": {"total": 0.12}}]})

    text: str
    kind: str
    citations: list[CitationOut]
    rows: list[dict[str, Any]]
    columns: list[dict[str, str]] = Field(default_factory=list,
                                          description="rows 的列：key 与中文标题 / the rows' columns with labels")
    query_in_words: str | None
    flags: list[str]
    conversation_id: str | None
    question: str
    resolved_question: str | None
    query: dict[str, Any] | None
    aggregate: dict[str, Any] | None
    found: bool
    timings: dict[str, float]
    subject: dict[str, Any] | None = Field(
        None, description="对话主题（单位、项目、年度、材料、指标、所问事项），追问据此理解 / the conversation's subject")
    subject_chips: list[dict[str, str]] = Field(
        default_factory=list, description="主题的各部分，可逐个移除 / the subject's parts as removable chips")
    options: list[dict[str, str]] = Field(
        default_factory=list, description="问题有歧义时的选项（label、question），点选即按该问题提问 / "
                                          "an ambiguous question's choices, each a question to ask")
    turn: int | None = Field(None, description="本轮在对话中的序号（从 0 起），评价时引用 / the turn's number, for feedback")


class ConversationSummaryOut(BaseModel):
    id: str
    title: str
    subject: dict[str, Any]
    subject_chips: list[dict[str, str]]
    turns: int
    created_at: datetime
    updated_at: datetime


class ConversationTurnOut(BaseModel):
    seq: int
    question: str
    resolved_question: str | None
    answer: AnswerOut | None


class ConversationOut(ConversationSummaryOut):
    history: list[ConversationTurnOut]


class FeedbackIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"conversation_id": "c-1a2b3c", "turn": 0, "rating": -1, "reason": "把政府采购执行率答成了预算执行率"}]})

    conversation_id: str = Field(min_length=1, max_length=64)
    turn: int = Field(ge=0, description="被评价的回答在对话中的序号（从 0 起） / the rated turn")
    rating: Literal[1, -1] = Field(description="1 为 👍，-1 为 👎 / 1 thumbs up, -1 thumbs down")
    reason: str | None = Field(None, max_length=2000, description="理由；👎 必填 / why (required for 👎)")


class FeedbackOut(BaseModel):
    conversation_id: str
    turn: int
    user: str
    rating: int
    reason: str | None
    question: str
    answer: str
    created_at: datetime
    updated_at: datetime


class WorstAnswerOut(BaseModel):
    conversation_id: str
    turn: int
    question: str
    answer: str
    score: int = Field(description="👍 数减 👎 数 / ups minus downs")
    down: int
    up: int
    reasons: list[str]


class ConversationPatch(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "学生资助执行率", "remove": ["year"]}]})

    title: str | None = Field(None, min_length=1, max_length=200)
    remove: list[Literal["unit", "project", "year", "submission_id", "indicator", "measure"]] = Field(
        default_factory=list, description="从主题中移除的部分 / parts of the subject to remove")


# --- stats ---------------------------------------------------------------------------------------


class YearsOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"years": [2023, 2022], "latest": 2023}]})

    years: list[int]
    latest: int | None


class ChartBar(BaseModel):
    key: str
    label: str
    value: int


class StatsOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "year": 2023, "scope": {"level": "all", "name": None},
        "figures": {"projects": {"key": "projects", "label": "项目支出绩效自评表数", "value": 24, "unit": "个",
                                 "text": "24个", "submissions": ["3f2a9c0d1e2b4a5c"], "findings": [],
                                 "note": None}},
        "by_family": [], "by_rule": [], "top_units": [],
        "charts": {"exec": [{"key": "full", "label": "执行率达到100%", "value": 10}],
                   "grade": [{"key": "优", "label": "优", "value": 12}]}}]})

    year: int
    scope: dict[str, Any]
    figures: dict[str, dict[str, Any]]
    by_family: list[dict[str, Any]]
    by_rule: list[dict[str, Any]]
    top_units: list[dict[str, Any]]
    charts: dict[str, list[ChartBar]]


# --- drafts --------------------------------------------------------------------------------------


class DraftBlockOut(BaseModel):
    kind: str
    text: str
    key: str
    cites: list[str] = Field(default_factory=list)
    role: str | None = None
    answers: list[str] = Field(default_factory=list)
    rows: list[list[str]] | None = None
    id_columns: list[int] = Field(default_factory=list)
    edited: bool = False
    edited_by: str | None = None
    polished: bool = False


class DraftOut(BaseModel):
    kind: str
    key: str
    title: str
    blocks: list[DraftBlockOut]
    facts: dict[str, dict[str, Any]] = Field(description="块可引用的事实：统计数字、审核发现、材料信息")
    meta: dict[str, Any]
    notes: list[str]


class DraftVersionSummary(BaseModel):
    key: str
    version: int
    editor: str
    action: str
    created_at: datetime
    note: str | None = None
    excluded: list[str] = Field(default_factory=list)
    edited_blocks: list[str] = Field(default_factory=list)


_DRAFT_VERSION_EXAMPLE = {
    "key": "review:3f2a9c0d1e2b4a5c", "version": 2, "editor": "zhangsan", "action": "edited",
    "created_at": "2024-03-01T09:10:00Z", "note": None, "excluded": [], "edited_blocks": ["conclusion"],
    "draft": {"kind": "review", "key": "review:3f2a9c0d1e2b4a5c", "title": "关于某县教育局2023年度项目支出绩效自评材料的审核意见",
              "blocks": [{"kind": "para", "text": "经审核，……修改后通过。", "key": "conclusion", "cites": ["review:counts"],
                          "role": "conclusion", "answers": [], "rows": None, "id_columns": [], "edited": True,
                          "edited_by": "zhangsan", "polished": False}],
              "facts": {}, "meta": {"submission_id": "3f2a9c0d1e2b4a5c"}, "notes": []},
    "unsupported": {},
}


class DraftVersionOut(DraftVersionSummary):
    model_config = ConfigDict(json_schema_extra={"examples": [_DRAFT_VERSION_EXAMPLE]})

    draft: DraftOut
    unsupported: dict[str, list[str]] = Field(
        default_factory=dict, description="块 → 不在所引事实中的数字（为空表示数字都有依据）")


class DraftListItem(BaseModel):
    key: str
    kind: str
    title: str
    latest: DraftVersionSummary


class LetterheadIn(BaseModel):
    """公文的发文机关、主送机关、发文字号、成文日期、抄送；空着的用占位符（××）。"""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"issuer": "××市财政局", "addressee": "", "doc_number": "×财绩函〔2026〕12号", "date": "2026年12月7日",
         "cc": "市审计局"}]})

    issuer: str = Field("", max_length=100, description="发文机关署名")
    addressee: str = Field("", max_length=200, description="主送机关（审核意见默认为报送单位）")
    doc_number: str = Field("", max_length=60, description="发文字号")
    date: str = Field("", max_length=30, description="成文日期，如 2026年12月7日")
    cc: str = Field("", max_length=300, description="抄送机关")


class ReviewDraftRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"exclude": [], "include": [], "note": None,
                                                               "polish": False}]})

    exclude: list[str] = Field(default_factory=list, description="排除的审核发现编号")
    include: list[str] = Field(default_factory=list, description="恢复已排除的审核发现编号")
    note: str | None = Field(None, max_length=500)
    polish: bool = Field(False, description="用大模型润色（需配置 ZIPING_LLM_*，数字受校验）")
    letterhead: LetterheadIn | None = Field(None, description="发文信息；给出时保存为本人的默认值，不给时用本人上次保存的")
    annex: bool | None = Field(None, description="附审核发现明细表（规则编号、文件、位置，供审核人员核对）")


class AnnualDraftRequest(ReviewDraftRequest):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"year": 2023, "scope": "all", "name": None, "with_statistics": True, "anonymise": True}]})

    year: int = Field(ge=1990, le=2100)
    scope: Literal["all", "department", "unit"] = "all"
    name: str | None = Field(None, max_length=256, description="scope 为 department/unit 时的名称")
    with_statistics: bool | None = Field(None, description="是否生成统计段落（默认按配置）")
    anonymise: bool | None = Field(None, description="典型案例单位以代称表示（默认按配置）")


class AnnualDraftItem(BaseModel):
    year: int = Field(ge=1990, le=2100)
    scope: Literal["all", "department", "unit"] = "all"
    name: str | None = Field(None, max_length=256, description="scope 为 department/unit 时的名称")


class DraftBatchRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"submission_ids": ["3f2a9c0d1e2b4a5c", "8d1e0f2a3b4c5d6e"], "annual": [{"year": 2023, "scope": "all"}],
         "annex": False}]})

    submission_ids: list[str] = Field(default_factory=list, max_length=5000,
                                      description="为这些材料各起草一份审核意见 / a review letter for each")
    annual: list[AnnualDraftItem] = Field(default_factory=list, max_length=200,
                                          description="年度报告“问题与措施”草稿 / annual drafts")
    letterhead: LetterheadIn | None = Field(None, description="发文信息；给出时保存为本人的默认值，不给时用本人上次保存的")
    annex: bool | None = Field(None, description="审核意见附审核发现明细表")
    with_statistics: bool | None = Field(None, description="年度草稿是否生成统计段落（默认按配置）")
    anonymise: bool | None = Field(None, description="年度草稿典型案例单位以代称表示（默认按配置）")


class DraftUpdate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"edits": {"conclusion": "经审核，该材料修改后通过。"}, "exclude": [], "include": [], "note": "调整结论措辞",
         "base_version": 1}]})

    edits: dict[str, str] = Field(default_factory=dict, description="块编号 → 新文字（空字符串撤销该块的修改）")
    exclude: list[str] = Field(default_factory=list)
    include: list[str] = Field(default_factory=list)
    note: str | None = Field(None, max_length=500)
    base_version: int | None = Field(None, description="所基于的版本；若已有更新版本则返回 409")


# --- review --------------------------------------------------------------------------------------


def review_error(exc: Exception) -> ApiError:
    """A refused review action (:mod:`assistant.review.errors`) as the API's error: 404 for what
    does not exist, 403 for a submission assigned to someone else, 409 for a stale or illegal
    change, 422 for an incomplete request. The Chinese message is the review's own."""
    from assistant.review.errors import Conflict, Forbidden, NotFound

    status, code = ((404, "not_found") if isinstance(exc, NotFound) else (403, "forbidden") if isinstance(exc, Forbidden)
                    else (409, "conflict") if isinstance(exc, Conflict) else (422, "invalid_review_action"))
    return ApiError(status, code, str(exc), f"review action refused ({code})")


ReviewState = Literal["pending", "in_review", "approved", "approved_with_changes", "returned", "resubmitted"]


class MoveOut(BaseModel):
    to: str = Field(description="目标状态")
    to_text: str
    label: str = Field(description="按钮文字")
    reason_required: bool


def moves_out(state: str) -> list[MoveOut]:
    """The state changes a submission in ``state`` allows (the graph of :mod:`assistant.review.states`)."""
    from assistant.review.states import graph

    g = graph()
    return [MoveOut(to=m.target, to_text=g.term(m.target), label=m.label, reason_required=m.reason_required)
            for m in g.moves_from(state)]


class DecisionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"decision": "false_positive", "reason": "合并单元格表头被读作指标行", "comment": None, "version": 1}]})

    decision: Literal["open", "confirmed", "false_positive", "fixed"] = Field(
        description="open 待定 / confirmed 确认 / false_positive 误报（须填理由） / fixed 已整改")
    reason: str | None = Field(None, max_length=1000, description="理由（误报必填）")
    comment: str | None = Field(None, max_length=2000, description="审核备注")
    version: int | None = Field(None, ge=1, description="页面加载时该发现的版本；已被他人修改则 409")


class StateIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"state": "returned", "reason": "绩效指标未量化，请修改后重报", "version": 2}]})

    state: ReviewState
    reason: str | None = Field(None, max_length=1000, description="理由（退回、重新审核、有待定错误时通过须填）")
    version: int | None = Field(None, ge=1, description="页面加载时的审核状态版本；已被他人修改则 409")


class AssignIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"assignee": "zhangsan", "due_date": "2024-04-30", "version": 1}]})

    assignee: str | None = Field(None, max_length=64, description="审核人用户名；空为取消分派")
    due_date: date | None = Field(None, description="办结期限")
    reason: str | None = Field(None, max_length=1000)
    version: int | None = Field(None, ge=1)


class ReviewOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"submission_id": "3f2a9c0d1e2b4a5c", "state": "returned", "state_text": "退回重报", "assignee": "zhangsan",
         "due_date": "2024-04-30", "version": 3, "moves": [{"to": "resubmitted", "to_text": "已重报",
                                                            "label": "登记重报", "reason_required": False}]}]})

    submission_id: str
    state: str
    state_text: str
    assignee: str | None
    due_date: date | None
    version: int
    moves: list[MoveOut]


class BatchIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"submission_ids": ["3f2a9c0d1e2b4a5c", "9e8d7c6b5a4f3e2d"], "action": "decide", "rule": "WEAK-STR-001",
         "decision": "false_positive", "reason": "模板示例文字，非填报内容"},
        {"submission_ids": ["3f2a9c0d1e2b4a5c"], "action": "assign", "assignee": "zhangsan", "due_date": "2024-04-30"},
        {"submission_ids": ["3f2a9c0d1e2b4a5c"], "action": "state", "state": "in_review"}]})

    submission_ids: list[str] = Field(min_length=1, max_length=500)
    action: Literal["state", "assign", "decide"] = Field(description="state 改状态 / assign 分派 / decide 同一规则批量决定")
    state: ReviewState | None = None
    assignee: str | None = Field(None, max_length=64)
    due_date: date | None = None
    rule: str | None = Field(None, max_length=64, description="decide：规则代码")
    decision: Literal["open", "confirmed", "false_positive", "fixed"] | None = None
    reason: str | None = Field(None, max_length=1000)
    comment: str | None = Field(None, max_length=2000)


class BatchItemOut(BaseModel):
    submission_id: str
    ok: bool
    message: str | None = Field(None, description="未办理的原因")
    changed: int = Field(0, description="decide：改了决定的审核发现数")
    state: str | None = None
    assignee: str | None = None


class BatchOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "done": 1, "refused": 1, "items": [
            {"submission_id": "3f2a9c0d1e2b4a5c", "ok": True, "message": None, "changed": 2, "state": None, "assignee": None},
            {"submission_id": "9e8d7c6b5a4f3e2d", "ok": False, "message": "这份材料已分派给“lisi”，只有其本人或管理员可以操作",
             "changed": 0, "state": None, "assignee": None}]}]})

    done: int
    refused: int
    items: list[BatchItemOut]


class EventOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": 7, "submission_id": "3f2a9c0d1e2b4a5c", "finding_id": "3f2a9c0d1e2b4a5c:F2", "kind": "decision",
        "kind_text": "审核决定", "actor": "zhangsan", "at": "2024-03-02T10:15:00Z",
        "before": {"decision": "open", "reason": None, "comment": None},
        "after": {"decision": "false_positive", "reason": "表头误读", "comment": None}, "reason": "表头误读",
        "summary": "审核决定：待定 → 误报"}]})

    id: int
    submission_id: str
    finding_id: str | None
    kind: str
    kind_text: str
    actor: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    summary: str = Field(description="一句话说明：变更前 → 变更后")


class EventList(BaseModel):
    submission_id: str
    events: list[EventOut]


# --- 复核打分 (api/routes/scores.py) ----------------------------------------------------------------


class ScoreItemOut(BaseModel):
    item: str = Field(description="indicators[N]（第N+1项指标）或 funds（预算执行率）")
    name: str
    weight: float | None = Field(description="分值")
    self_score: float | None = Field(description="自评得分")
    review_score: float | None = Field(description="复核得分（未调整时同自评得分）")
    reason: str | None = Field(description="调整理由（未调整为 null）")
    adjusted: bool


class ScoreCapOut(BaseModel):
    exec_rate: float
    below: float
    max_total: float
    uncapped: float
    source: str
    text: str


class FormScoreOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "evaluation_idx": 0, "project": "学生资助补助经费", "version": 1, "scored": True, "scored_by": "zhangsan",
        "scored_at": "2024-03-01T09:00:00Z", "profile": "exec_caps", "profile_title": "全国通用 + 按预算执行率限定复核总分", "exec_rate": 75.0, "self_total": 95.0,
        "self_grade": "优", "uncapped": 95.0, "total": 89.0, "grade": "良", "gap": -6.0, "cap": None, "items": []}]})

    evaluation_idx: int
    project: str
    version: int = Field(description="复核得分版本；0 表示尚未复核打分。修改时原样带回，过期返回 409")
    scored: bool
    scored_by: str | None
    scored_at: datetime | None
    profile: str = Field(description="复核所用审核口径（规则包）")
    profile_title: str = Field(description="审核口径名称")
    exec_rate: float | None = Field(description="预算执行率（%）")
    self_total: float | None = Field(description="自评得分（总分）")
    self_grade: str | None
    uncapped: float | None = Field(description="限定前复核总分")
    total: float | None = Field(description="复核得分")
    grade: str | None = Field(description="复核等级")
    gap: float | None = Field(description="差值（复核减自评）")
    cap: ScoreCapOut | None = Field(description="按执行率限定总分的情况（未限定为 null）")
    items: list[ScoreItemOut]


class SubmissionScoresOut(BaseModel):
    submission_id: str
    forms: list[FormScoreOut]


class AdjustmentIn(BaseModel):
    item: str = Field(max_length=32, description="indicators[N] 或 funds")
    score: float = Field(description="复核得分，不超过该项分值")
    reason: str = Field("", max_length=500, description="调整理由（必填）")


class ScoresUpdate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "evaluation_idx": 0, "version": 0,
        "adjustments": [{"item": "indicators[0]", "score": 15, "reason": "实际完成值无佐证材料"}]}]})

    evaluation_idx: int = Field(0, ge=0, description="第几张自评表（从 0 起）")
    version: int = Field(ge=0, description="读取时的版本（尚未打分为 0）；已被他人修改则返回 409")
    adjustments: list[AdjustmentIn] = Field(default_factory=list, max_length=500,
                                            description="全部调整项；未列出的项恢复为自评得分")


SubmissionDetail.model_rebuild()


# --- the performance cycle: declarations and monitoring forms (issue 19) ---------------------------

class CycleLinkOut(BaseModel):
    submission_id: str = Field(description="申报表或监控表的材料编号")
    kind: str = Field(description="declaration 绩效目标申报表 | monitoring 绩效监控表")
    kind_name: str
    unit: str | None
    project_name: str | None
    year: int | None
    months: int | None = Field(description="监控表的 1 至 N 月")
    evaluation_id: str | None = Field(description="关联的自评表材料编号；空：未关联")
    state: str = Field(description="linked 自动关联 | manual 手动关联 | unmatched 无匹配 | ambiguous 多份匹配 | "
                                   "unlinked 已取消关联")
    note: str | None = Field(description="关联说明（中文）")
    linked_by: str
    file_name: str | None


class CyclePairOut(BaseModel):
    kind: str = Field(description="same 同名 | renamed 改名 | dropped 自评删减 | added 自评新增")
    declared: int | None = Field(description="申报表中的指标序号（0 起）")
    evaluated: int | None = Field(description="自评表中的指标序号（0 起）")
    monitored: int | None = Field(description="最近一轮监控表中的指标序号（0 起）")


class CycleOut(BaseModel):
    submission_id: str
    links: list[CycleLinkOut] = Field(description="与这份自评表关联的申报表、监控表（或这份申报表/监控表自己的关联）")
    declaration: dict[str, Any] | None = Field(description="关联的绩效目标申报表（规范 JSON）")
    monitorings: list[dict[str, Any]] = Field(description="关联的绩效监控表，各轮从早到晚")
    pairs: list[CyclePairOut] = Field(default_factory=list,
                                      description="申报指标与自评指标的对应（比对规则所用的同一对应）")
    findings: list[FindingOut] = Field(description="申报—监控—自评比对发现（CYCLE-*）")


class RelinkIn(BaseModel):
    evaluation_id: str | None = Field(default=None, max_length=64,
                                      description="要关联的自评表材料编号；空：取消关联")
