"""The FastAPI application: ``create_app(settings)`` builds it, ``ziping serve`` runs it.

Nothing lives at module level. The lifespan opens the stores and starts the ingest worker and
puts them on ``app.state`` (``settings``, ``api_settings``, ``stores``, ``users``, ``jobs``,
``ask_limiter``, ``upload_limiter``, ``templates``); :mod:`api.deps` hands them to routes as typed dependencies.

Routes: ``/healthz`` and ``/readyz`` (no token), the JSON API under ``/api/v1`` (bearer token;
OpenAPI at ``/api/v1/openapi.json``), the reviewer web page (``/``, ``/submissions/{id}``,
``/ask``, ``/drafts``, ``/rules``, ``/login``: HTML shells whose data all comes from the API)
and ``/static``. Every error is JSON ``{"error": {"code", "message", "message_en"}}``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from filelock import FileLock, Timeout
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import RateLimiter
from api.jobs import JobManager
from api.routes import (
    ask,
    corrections,
    cycle,
    drafts,
    exports,
    findings,
    health,
    jobs,
    pages,
    previews,
    review,
    rules,
    scores,
    stats,
    submissions,
    users,
    versions,
)
from api.schemas import ApiError, review_error
from api.users import UserStore
from api.warmup import warm_up, warm_worker
from assistant.embeddings import BackgroundEmbeddings, server_embeddings
from assistant.review.errors import ReviewError
from assistant.settings import Settings, get_settings
from assistant.stores import open_stores
from assistant.stores.chroma_server import die_with_parent

HERE = Path(__file__).resolve().parent
SERVE_PARENT_ENV = "ZIPING_SERVE_PARENT"  # the pid of ``ziping serve``, for the serving processes it starts
API_PREFIX = "/api/v1"
VERSION = "1.0.0"

TAGS = [
    {"name": "health", "description": "存活与就绪检查（无需令牌） / liveness and readiness (no token)"},
    {"name": "submissions", "description": "提交材料：上传、列表、详情、原件、原件预览、删除、重新预审"},
    {"name": "jobs", "description": "上传后的入库任务及逐文件进度（JSON 与 SSE）"},
    {"name": "findings", "description": "审核发现：筛选与导出 Excel"},
    {"name": "rules", "description": "审核规则目录"},
    {"name": "ask", "description": "问答：带引用的回答，支持流式（SSE）与多轮对话"},
    {"name": "drafts", "description": "审核意见与年度报告草稿：生成、修改（版本）、下载 Word"},
    {"name": "stats", "description": "年度统计与图表"},
    {"name": "review", "description": "审核流程：对审核发现作出决定、审核状态与分派、批量操作、审核队列、审核日志"},
    {"name": "users", "description": "当前用户"},
    {"name": "scores", "description": "复核打分：复核得分与自评得分对照，按复核等级导出（结果应用）"},
]


class ApiSettings(BaseSettings):
    """Settings of the HTTP face only (``ZIPING_API_*``); the rest is :class:`assistant.settings.Settings`."""

    model_config = SettingsConfigDict(env_prefix="ZIPING_API_", env_file=".env", extra="ignore")

    ask_per_minute: float = 30.0  # questions per user per minute, refilled continuously
    ask_burst: int = 10  # questions a user may ask at once
    # uploads per user: a batch of 200 files is one upload, so a reviewer never meets this; a script
    # posting in a loop does, before it fills the disk or the job queue
    upload_per_minute: float = 60.0
    upload_burst: int = 30
    max_files: int = 200  # files in one upload request
    start_worker: bool = True  # tests may drive the job queue themselves


class SecurityHeaders:
    """Pure ASGI middleware: strict headers on every response (a CSP without inline scripts on
    pages), and a 413 for request bodies over the cap: early when the declared length exceeds it,
    else as soon as the bytes received do (a chunked body declares no length, and the form parser
    would spool all of it to disk before any route could look at its size)."""

    CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; frame-src 'self' blob:")

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("POST", "PUT"):
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body:
                err = ApiError(413, "file_too_large", f"上传内容超过上限（{self.max_body // 2**20} MB）",
                               f"the request body exceeds the limit ({self.max_body // 2**20} MB)")
                await JSONResponse(err.body(), status_code=413, headers={"Connection": "close"})(scope, receive, send)
                return
        docs = scope["path"].startswith("/api/docs")
        received = 0

        async def receive_capped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    # FastAPI passes an HTTPException out of body parsing as it is: the app's
                    # handler renders it as the 413 above
                    raise StarletteHTTPException(413, headers={"Connection": "close"})
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                         (b"x-frame-options", b"DENY")]
                if not docs:
                    extra.append((b"content-security-policy", self.CSP.encode()))
                headers += [(k, v) for k, v in extra if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive_capped, send_with_headers)


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


_HTTP_CODES = {
    400: ("bad_request", "请求无效", "bad request"),
    401: ("unauthorized", "需要登录令牌", "a bearer token is required"),
    403: ("forbidden", "权限不足", "forbidden"),
    404: ("not_found", "页面或接口不存在", "not found"),
    405: ("method_not_allowed", "不支持该请求方法", "method not allowed"),
    413: ("file_too_large", "上传内容超过上限", "the request body is too large"),
    415: ("unsupported_media_type", "不支持的内容类型", "unsupported media type"),
}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc)

    @app.exception_handler(ReviewError)
    async def review_refused(_request: Request, exc: ReviewError) -> JSONResponse:
        return _error(review_error(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "form"))
            parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        detail = "; ".join(parts)
        return _error(ApiError(422, "invalid_request", f"请求参数无效（{detail}）", f"invalid request ({detail})"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, zh, en = _HTTP_CODES.get(exc.status_code, ("http_error", "请求失败", "request failed"))
        return _error(ApiError(exc.status_code, code, zh, en, headers=getattr(exc, "headers", None)))

    @app.exception_handler(Exception)
    async def internal(_request: Request, exc: Exception) -> JSONResponse:
        return _error(ApiError(500, "internal_error", "服务器内部错误，请联系管理员",
                               f"internal error: {type(exc).__name__}"))


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    return Jinja2Templates(env=env)


WORKER_LOCK = "worker.lock"
ELECTION_RETRY_S = 2.0


class _WorkerElection:
    """Which serving process runs the job worker. On SQLite exactly one (one writer; ``ziping serve
    --workers N`` starts N processes): the one holding ``<data_dir>/worker.lock``, for its life. The
    others only queue — the jobs table shows every process the queued jobs and a job's watchers
    look at its row — and keep trying the lock, so the worker comes back in another process when
    the one running it dies. On PostgreSQL every server runs its worker (jobs are claimed by row)."""

    def __init__(self, settings: Settings, jobs: JobManager, warm: Callable[[], None] | None = None) -> None:
        self.jobs = jobs
        self.warm = warm  # run once this process is the worker, before its first job
        self.lock: FileLock | None = None
        if settings.sqlalchemy_url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            # the process's lock, not a thread's: taken by the retrying thread, released by the lifespan
            self.lock = FileLock(str(settings.data_dir / WORKER_LOCK), timeout=0, thread_local=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.running = False

    def _try(self) -> bool:
        if self.lock is not None:
            try:
                self.lock.acquire()
            except Timeout:
                return False
        if self.warm is not None:
            self.warm()
        self.jobs.start()
        self.running = True
        return True

    def _wait_for_lock(self) -> None:
        while not self._stop.wait(ELECTION_RETRY_S):
            if self._try():
                return

    def start(self) -> None:
        if not self._try():
            self._thread = threading.Thread(target=self._wait_for_lock, name="ziping-worker-election", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(ELECTION_RETRY_S * 2)
        self.jobs.stop()
        if self.lock is not None and self.lock.is_locked:
            self.lock.release()


def serve_app() -> FastAPI:
    """The app as ``ziping serve`` runs it (uvicorn's factory, in each serving process): settings
    from the environment, rate limits shared by the serving processes through the data directory.
    A serving process that uvicorn started ends with the ``ziping serve`` that started it."""
    parent = os.environ.get(SERVE_PARENT_ENV)
    if parent and parent.isdigit() and int(parent) != os.getpid():
        # as if killed with it: its running job goes back to the queue at the next start (a
        # graceful stop would race the next server for the worker lock and the Chroma child)
        die_with_parent(int(parent), signal.SIGKILL)
    return create_app(Settings(), shared_limits=True, warm=True)


def create_app(settings: Settings | None = None, api_settings: ApiSettings | None = None, *,
               shared_limits: bool = False, warm: bool = False) -> FastAPI:
    """The ziping web application on ``settings`` (default: from the environment); ``shared_limits``
    keeps the rate-limit buckets in files under the data directory, for several serving processes;
    ``warm`` loads what the first question needs before the app accepts requests (:mod:`api.warmup`)."""
    settings = settings or get_settings()
    api_settings = api_settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # the worker's passages are embedded in a child process, the questions here (see BackgroundEmbeddings)
        embeddings = server_embeddings(settings) if api_settings.start_worker else None
        stores = open_stores(settings, embeddings=embeddings)
        app.state.stores = stores
        app.state.users = UserStore(stores.records.engine)
        job_manager = JobManager(stores, settings)
        app.state.jobs = job_manager
        election = (_WorkerElection(settings, job_manager, (lambda: warm_worker(stores)) if warm else None)
                    if api_settings.start_worker else None)
        if warm:
            await asyncio.to_thread(warm_up, stores)
        if election is not None:
            election.start()
        try:
            yield
        finally:
            if election is not None:
                election.stop()
            job_manager.stop()
            stores.close()
            if isinstance(embeddings, BackgroundEmbeddings):
                embeddings.close()
            app.state.stores = None

    app = FastAPI(
        title="ziping 自评审核助手 API",
        version=VERSION,
        description=("预算绩效自评材料的上传、预审、问答与审核意见起草。除 `/healthz`、`/readyz` 外，"
                     "所有接口都需要 `Authorization: Bearer <令牌>`（令牌由 `ziping user add` 生成）。"
                     "错误统一为 `{\"error\": {\"code\", \"message\", \"message_en\"}}`。"),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.api_settings = api_settings
    limits = settings.data_dir / "limits" if shared_limits else None
    app.state.ask_limiter = RateLimiter(api_settings.ask_per_minute, api_settings.ask_burst,
                                        shared=limits / "ask" if limits else None)
    app.state.upload_limiter = RateLimiter(api_settings.upload_per_minute, api_settings.upload_burst,
                                           shared=limits / "upload" if limits else None)
    app.state.templates = _templates()
    app.state.stores = None

    _install_error_handlers(app)
    cap = max(settings.max_upload_mb, settings.max_archive_mb) * 2**20 + 2**20
    app.add_middleware(SecurityHeaders, max_body=cap)

    app.include_router(health.router)
    for module in (exports, submissions, previews, jobs, findings, review, rules, ask, drafts, stats, users, corrections,
                   versions, scores, cycle):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


def openapi_schema(settings: Settings | None = None) -> dict[str, Any]:
    """The OpenAPI document without starting the app (for docs and tests)."""
    return create_app(settings or Settings()).openapi()
