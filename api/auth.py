"""Bearer-token authentication, roles and the per-user rate limit.

Every route under ``/api/v1`` depends on :func:`current_user`: the ``Authorization: Bearer zp_…``
header is hashed and looked up in the ``users`` table (:mod:`api.users`). ``admin`` may do
everything a ``reviewer`` may, plus delete submissions. Questions and uploads are rate-limited per user
by a token bucket each, kept in ``app.state`` (:class:`RateLimiter`).
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.schemas import ApiError
from api.users import User, UserStore

bearer_scheme = HTTPBearer(auto_error=False, description="`ziping user add NAME` 打印的令牌 / the token printed by "
                                                         "`ziping user add NAME`")


def unauthorized(message: str = "需要登录令牌", message_en: str = "a bearer token is required") -> ApiError:
    return ApiError(401, "unauthorized", message, message_en, headers={"WWW-Authenticate": "Bearer"})


def authenticate(users: UserStore, credentials: HTTPAuthorizationCredentials | None) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise unauthorized()
    user = users.authenticate(credentials.credentials)
    if user is None:
        raise ApiError(401, "invalid_token", "令牌无效或已吊销", "the token is invalid or revoked",
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return user


# The page's login, shared by every tab: the token in an HttpOnly, SameSite=Strict cookie on /api
# (scripts keep sending "Authorization: Bearer"). A request the cookie authenticates that changes
# something must also carry SESSION_HEADER: another site's form cannot set a custom header.
SESSION_COOKIE = "ziping_session"
SESSION_HEADER = "X-Requested-With"
SESSION_HOURS = 12


def authenticate_request(users: UserStore, credentials: HTTPAuthorizationCredentials | None,
                         request: Request) -> User:
    """The bearer token's user, else the session cookie's (with the header check above)."""
    if credentials is not None:
        return authenticate(users, credentials)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return authenticate(users, None)
    user = authenticate(users, HTTPAuthorizationCredentials(scheme="Bearer", credentials=token))
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.headers.get(SESSION_HEADER) != "ziping":
        raise ApiError(403, "csrf", "此请求须由本系统页面发出（缺少 X-Requested-With 头）",
                       "a cookie-authenticated change needs the X-Requested-With: ziping header")
    return user


def require_admin(user: User) -> User:
    if not user.is_admin:
        raise ApiError(403, "forbidden", "需要管理员权限", "this needs the admin role")
    return user


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """A token bucket per key: ``burst`` requests at once, refilled at ``per_minute`` per minute.

    With ``shared`` (a folder) the buckets are files there, read and written under a file lock, so
    the serving processes of ``ziping serve --workers N`` share one limit per user (kept in each
    process's memory, a user would get N times the limit)."""

    def __init__(self, per_minute: float, burst: int, *, shared: Path | None = None) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self.shared = shared
        if shared is not None:
            shared.mkdir(parents=True, exist_ok=True)

    def take(self, key: str) -> float | None:
        """Take one token; None when allowed, else the seconds to wait."""
        if self.shared is not None:
            return self._take_shared(key)
        now = time.monotonic()
        with self._lock:
            b = self._buckets.get(key)
            if b is None:
                b = self._buckets[key] = _Bucket(float(self.burst), now)
            return self._take_from(b, now)

    def _take_from(self, b: _Bucket, now: float) -> float | None:
        b.tokens = min(float(self.burst), b.tokens + max(0.0, now - b.stamp) * self.rate)
        b.stamp = now
        if b.tokens >= 1.0:
            b.tokens -= 1.0
            return None
        return (1.0 - b.tokens) / self.rate if self.rate > 0 else 60.0

    def _take_shared(self, key: str) -> float | None:
        import fcntl

        assert self.shared is not None
        path = self.shared / hashlib.sha256(key.encode()).hexdigest()[:32]
        now = time.time()  # the processes' common clock (a bucket file outlives a reboot)
        with self._lock, open(path, "a+", encoding="ascii") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            try:
                tokens, stamp = (float(x) for x in f.read().split())
                b = _Bucket(tokens, stamp)
            except ValueError:  # new (or torn) bucket: full
                b = _Bucket(float(self.burst), now)
            wait = self._take_from(b, now)
            f.seek(0)
            f.truncate()
            f.write(f"{b.tokens!r} {b.stamp!r}")
            f.flush()
            return wait


def check_rate(limiter: RateLimiter, user: User, what: tuple[str, str] = ("提问", "questions")) -> None:
    """429 with ``Retry-After`` when ``user``'s bucket is empty; ``what`` names the action (zh, en)."""
    wait = limiter.take(user.name)
    if wait is not None:
        seconds = max(1, round(wait + 0.5))
        raise ApiError(429, "rate_limited", f"{what[0]}过于频繁，请 {seconds} 秒后再试",
                       f"too many {what[1]}; retry in {seconds} s", headers={"Retry-After": str(seconds)})


def users_of(request: Request) -> UserStore:
    return request.app.state.users
