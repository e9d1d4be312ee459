"""``/api/v1/rules``: the rules catalog (code, title, severity, source, why, examples) for a profile,
and the rule packs: which there are, and what each changes from the national pack, with its 依据."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import CurrentUser
from api.schemas import ApiError, PackDiffOut, PackOut, RulesCatalog, errors
from assistant.checker.catalog import catalog
from assistant.checker.packs import pack_diff, pack_entries, pack_entry, pack_names
from assistant.checker.profiles import available_profiles, load_profile

router = APIRouter(prefix="/rules", tags=["rules"])


def _known(profile: str, status: int = 400) -> str:
    names = pack_names()
    if profile not in names:
        raise ApiError(status, "bad_profile" if status == 400 else "not_found", f"没有这个审核口径：{profile}（可选：{'、'.join(names)}）",
                       f"unknown profile {profile!r} (one of {', '.join(names)})")
    return profile


@router.get("", response_model=RulesCatalog, summary="审核规则目录 / the rules catalog", responses=errors(400, 401))
def rules(_user: CurrentUser,
          profile: Annotated[str, Query(max_length=32, pattern=r"^[a-z_]+$",
                                        description="审核口径：national、sichuan、municipal")] = "national") -> RulesCatalog:
    names = [p for p in available_profiles() if p != "auto"]
    data = catalog(load_profile(_known(profile)))
    return RulesCatalog(profiles=names, **data)


@router.get("/profiles", response_model=list[PackOut], summary="审核口径（规则包）列表 / the rule packs",
            responses=errors(401))
def packs(_user: CurrentUser) -> list[PackOut]:
    return [PackOut(**entry) for entry in pack_entries()]


@router.get("/profiles/{name}/diff", response_model=PackDiffOut,
            summary="审核口径与全国口径的差异 / what a pack changes from the national pack", responses=errors(401, 404))
def pack_changes(_user: CurrentUser,
                 name: Annotated[str, Path(max_length=32, pattern=r"^[a-z_]+$", description="审核口径名")]) -> PackDiffOut:
    profile = load_profile(_known(name, 404))
    return PackDiffOut(pack=PackOut(**pack_entry(profile)), changes=[c.to_dict() for c in pack_diff(profile)])
