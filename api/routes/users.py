"""``/api/v1/me``: who the token belongs to (the web page's login check); ``/api/v1/session``: the
page's login as an HttpOnly, SameSite=Strict cookie shared by every tab (see :mod:`api.auth`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from api.auth import SESSION_COOKIE, SESSION_HOURS, authenticate
from api.deps import CurrentUser, UsersDep
from api.schemas import UserOut, errors
from api.users import ROLE_TERMS


class SessionIn(BaseModel):
    token: str = Field(min_length=1, max_length=200, description="`ziping user add` 打印的访问令牌")

router = APIRouter(tags=["users"])


@router.get("/me", response_model=UserOut, summary="当前用户 / the current user", responses=errors(401))
def me(user: CurrentUser) -> UserOut:
    return _user_out(user)


def _user_out(user) -> UserOut:
    return UserOut(name=user.name, role=user.role, role_text=ROLE_TERMS.get(user.role, user.role),  # type: ignore[arg-type]
                   created_at=user.created_at, bureau=user.bureau)


@router.post("/session", response_model=UserOut, summary="网页登录：令牌存入 HttpOnly Cookie / page login",
             description="各标签页共用一个登录；脚本仍用 `Authorization: Bearer`。", responses=errors(401, 422))
def login(body: SessionIn, users: UsersDep, request: Request) -> Response:
    user = authenticate(users, HTTPAuthorizationCredentials(scheme="Bearer", credentials=body.token.strip()))
    response = JSONResponse(_user_out(user).model_dump(mode="json"))
    response.set_cookie(SESSION_COOKIE, body.token.strip(), max_age=SESSION_HOURS * 3600, path="/api",
                        httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


@router.delete("/session", status_code=204, response_class=Response, summary="退出网页登录 / page logout")
def logout() -> Response:
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/api", httponly=True, samesite="strict")
    return response
