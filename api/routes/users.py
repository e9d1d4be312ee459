"""``/api/v1/me``: who the token belongs to (the web page's login check)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentUser
from api.schemas import UserOut, errors
from api.users import ROLE_TERMS

router = APIRouter(tags=["users"])


@router.get("/me", response_model=UserOut, summary="当前用户 / the current user", responses=errors(401))
def me(user: CurrentUser) -> UserOut:
    return UserOut(name=user.name, role=user.role, role_text=ROLE_TERMS.get(user.role, user.role),  # type: ignore[arg-type]
                   created_at=user.created_at)
