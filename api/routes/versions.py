"""``/api/v1/submissions/{id}/versions`` and ``…/diff``: a resubmitted file's versions and what
changed between two of them (issue 15 item 5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, StoresDep
from api.routes.corrections import review_error
from api.routes.findings import finding_out
from api.schemas import DiffOut, FieldChangeOut, VersionOut, VersionsOut, errors, not_found
from assistant.review.errors import ReviewError
from assistant.review.versions import diff_versions
from assistant.stores.versions import VersionStore

router = APIRouter(prefix="/submissions", tags=["review"])


@router.get("/{sid}/versions", response_model=VersionsOut, summary="重报版本 / versions of a resubmitted file",
            responses=errors(401, 404))
def versions(sid: str, stores: StoresDep, _user: CurrentUser) -> VersionsOut:
    if stores.records.get_summary(sid) is None:
        raise not_found("这份材料", "submission")
    series = VersionStore(stores.records).series(sid)
    return VersionsOut(submission_id=sid, series_id=series[0].series_id if series else None,
                       versions=[VersionOut(submission_id=v.submission_id, number=v.number, previous_id=v.previous_id,
                                            linked_by=v.linked_by, file_name=v.file_name, stored_at=v.stored_at,
                                            state=v.state, certainty=v.certainty) for v in series])


@router.get("/{sid}/diff", response_model=DiffOut, summary="两个版本的差异 / what changed between two versions",
            description="与 against 指定的材料比较（省略时与上一版本比较）：改动的字段与指标单元格（旧 → 新），"
                        "审核发现的已消除、新出现与仍存在。",
            responses=errors(401, 404, 422))
def diff(sid: str, stores: StoresDep, _user: CurrentUser,
         against: Annotated[str | None, Query(max_length=64, description="要比较的材料（旧版本）编号")] = None) -> DiffOut:
    try:
        d = diff_versions(stores.records, sid, against)
    except ReviewError as err:
        raise review_error(err) from None
    return DiffOut(old_id=d.old_id, new_id=d.new_id,
                   changes=[FieldChangeOut(field_path=c.field_path, old=c.old, new=c.new) for c in d.changes],
                   resolved=[finding_out(f) for f in d.resolved], new=[finding_out(f) for f in d.new],
                   still_present=[finding_out(f) for f in d.still_present])
