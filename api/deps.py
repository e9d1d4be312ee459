"""Typed dependencies: a route's signature says what it needs.

Everything comes from ``request.app.state``, filled by :func:`api.app.create_app`'s lifespan —
there is no module-level state::

    def detail(sid: str, stores: StoresDep, user: CurrentUser) -> SubmissionDetail: ...

Bureaus are enforced here, once: :func:`get_stores` hands every route the stores as the signed-in
user's bureau sees them (:meth:`assistant.stores.Stores.within`: a reviewer's bureau only, an
admin's every bureau), so lists, search, statistics, exports, drafts and answers read that
bureau's rows without the routes knowing; and an id in the path (``sid``, ``form_id``, ``fid``,
a draft ``key``) of another bureau's object answers 404, as an id that does not exist — the ids of
other bureaus do not leak. Jobs and conversations are their owner's already (404 for anyone else's).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.templating import Jinja2Templates

from api.auth import RateLimiter, authenticate_request, bearer_scheme, check_rate, require_admin
from api.jobs import JobManager
from api.schemas import ApiError, not_found
from api.users import User, UserStore
from assistant.review.roles import Actor
from assistant.settings import Settings
from assistant.stores import Stores
from assistant.stores.review import ReviewStore


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def _not_ready() -> ApiError:
    return ApiError(503, "not_ready", "服务尚未就绪", "the service is not ready")


def get_jobs(request: Request) -> JobManager:
    return request.app.state.jobs


def get_users(request: Request) -> UserStore:
    users = getattr(request.app.state, "users", None)
    if users is None:
        raise _not_ready()
    return users


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


# a list's page number: bounded so that the offset it makes, (page − 1) × size, fits a 64-bit
# integer in any database (an unbounded page reached SQLite as an overflow: a 500)
PageNumber = Annotated[int, Query(ge=1, le=1_000_000, description="页码（从 1 开始）")]

SettingsDep = Annotated[Settings, Depends(get_settings)]
JobsDep = Annotated[JobManager, Depends(get_jobs)]
UsersDep = Annotated[UserStore, Depends(get_users)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]


def get_current_user(users: UsersDep, request: Request,
                     credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]) -> User:
    return authenticate_request(users, credentials, request)


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_stores(request: Request, user: CurrentUser) -> Stores:
    """The stores as ``user``'s bureau sees them, after refusing (404) an id in the path that is
    not theirs to see."""
    stores = getattr(request.app.state, "stores", None)
    if stores is None:
        raise _not_ready()
    view = stores.within(user.sees_bureau, home=user.bureau)
    if view.records.bureau is not None:
        _refuse_other_bureaus(request.path_params, view)
    return view


def _refuse_other_bureaus(params: dict[str, str], stores: Stores) -> None:
    """404 for an object of another bureau. An id that exists nowhere is left to the route, which
    answers its own 404 — the same status, so an id of another bureau is told from none by nothing
    but, on the review's routes, the wording (see docs/architecture.md)."""
    records = stores.records
    sids = [params[k] for k in ("sid", "form_id") if params.get(k)]
    key = params.get("key") or ""
    if key.startswith("review:"):
        sids.append(key.split(":", 1)[1])
    if any(records.bureau_of(sid) not in (None, records.bureau) for sid in sids):
        raise not_found("这份材料", "submission")
    fid = params.get("fid")
    if fid and records.bureau_of_finding(fid) not in (None, records.bureau):
        raise ApiError(404, "not_found", f"没有编号为“{fid}”的审核发现", "no such finding")


StoresDep = Annotated[Stores, Depends(get_stores)]


def get_admin_user(user: CurrentUser) -> User:
    return require_admin(user)


AdminUser = Annotated[User, Depends(get_admin_user)]


def get_asking_user(request: Request, user: CurrentUser) -> User:
    """The current user, after taking one token from their question bucket (429 when empty)."""
    limiter: RateLimiter = request.app.state.ask_limiter
    check_rate(limiter, user)
    return user


AskingUser = Annotated[User, Depends(get_asking_user)]


def get_uploading_user(request: Request, user: CurrentUser) -> User:
    """The current user, after taking one token from their upload bucket (429 when empty)."""
    check_rate(request.app.state.upload_limiter, user, ("上传", "uploads"))
    return user


UploadingUser = Annotated[User, Depends(get_uploading_user)]


def get_review(stores: StoresDep) -> ReviewStore:
    return stores.review


def get_actor(user: CurrentUser) -> Actor:
    """The signed-in user as the review sees them: their name goes into the audit log."""
    return Actor(user.name, admin=user.is_admin)


ReviewDep = Annotated[ReviewStore, Depends(get_review)]
ActorDep = Annotated[Actor, Depends(get_actor)]
