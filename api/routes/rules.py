"""``/api/v1/rules``: the rules catalog (code, title, severity, source, why, examples) for a profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser
from api.schemas import ApiError, RulesCatalog, errors
from assistant.checker.catalog import catalog
from assistant.checker.profiles import available_profiles, load_profile

router = APIRouter(prefix="/rules", tags=["rules"])


@router.get("", response_model=RulesCatalog, summary="审核规则目录 / the rules catalog", responses=errors(400, 401))
def rules(_user: CurrentUser,
          profile: Annotated[str, Query(max_length=32, pattern=r"^[a-z_]+$",
                                        description="审核口径：national、sichuan、municipal")] = "national") -> RulesCatalog:
    names = [p for p in available_profiles() if p != "auto"]
    if profile not in names:
        raise ApiError(400, "bad_profile", f"没有这个审核口径：{profile}（可选：{'、'.join(names)}）",
                       f"unknown profile {profile!r} (one of {', '.join(names)})")
    data = catalog(load_profile(profile))
    return RulesCatalog(profiles=names, **data)
