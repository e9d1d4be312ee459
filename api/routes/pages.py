"""The reviewer web page: HTML shells in Chinese; all data is fetched from ``/api/v1`` by our own JS.

Pages need no token to load (they hold no data); the login form keeps the token in
``sessionStorage`` and ``/static/app.js`` sends it as ``Authorization: Bearer`` with every call.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import TemplatesDep

router = APIRouter(include_in_schema=False)

NAV = [("overview", "/", "总览"), ("ask", "/ask", "问答"), ("drafts", "/drafts", "审核意见与年度报告"),
       ("rules", "/rules", "规则")]


def _page(templates, request: Request, name: str, page: str, title: str, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"page": page, "title": title, "nav": NAV, **context},
                                      headers={"Cache-Control": "no-store"})


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return _page(templates, request, "overview.html", "overview", "总览")


@router.get("/login", response_class=HTMLResponse)
def login(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return _page(templates, request, "login.html", "login", "登录")


@router.get("/submissions/{sid}", response_class=HTMLResponse)
def submission(sid: str, request: Request, templates: TemplatesDep) -> HTMLResponse:
    return _page(templates, request, "submission.html", "submission", "提交详情", sid=sid)


@router.get("/ask", response_class=HTMLResponse)
def ask(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return _page(templates, request, "ask.html", "ask", "问答")


@router.get("/drafts", response_class=HTMLResponse)
def drafts(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return _page(templates, request, "drafts.html", "drafts", "审核意见与年度报告")


@router.get("/rules", response_class=HTMLResponse)
def rules(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return _page(templates, request, "rules.html", "rules", "规则")
