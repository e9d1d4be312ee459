"""``/api/v1/submissions/{id}/cycle``, ``/api/v1/cycle`` and ``…/{id}/link``: a self-evaluation's
linked 绩效目标申报表 and 绩效监控表 with the comparison findings, the forms waiting for a link,
and a reviewer's relink (issue 19). Thin: :class:`~assistant.stores.cycle.CycleStore` does it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, SettingsDep, StoresDep
from api.routes.findings import finding_out
from api.schemas import ApiError, CycleLinkOut, CycleOut, CyclePairOut, RelinkIn, errors, not_found
from assistant.checker.helpers.cycle import monitored_row, pair_indicators, threshold
from assistant.checker.profiles import profile_for
from assistant.checker.recheck import recheck
from assistant.model import Cycle, Submission, to_dict
from assistant.stores.cycle import CycleError, CycleLink, CycleStore

router = APIRouter(tags=["review"])


def link_out(link: CycleLink) -> CycleLinkOut:
    return CycleLinkOut(**link.to_dict())


@router.get("/submissions/{sid}/cycle", response_model=CycleOut,
            summary="申报表、监控表与比对发现 / the linked declaration and monitoring forms",
            responses=errors(401, 404))
def cycle_of(sid: str, stores: StoresDep, settings: SettingsDep, _user: CurrentUser) -> CycleOut:
    if stores.records.get_summary(sid) is None:
        raise not_found("这份材料", "submission")
    store = CycleStore(stores.records)
    own = store.link(sid)
    if own is not None:  # a declaration or monitoring form: its own link
        return CycleOut(submission_id=sid, links=[link_out(own)], declaration=None, monitorings=[], findings=[])
    cycle = store.cycle_for(sid)
    return CycleOut(submission_id=sid, links=[link_out(link) for link in store.links_of(sid)],
                    declaration=to_dict(cycle.declaration) if cycle.declaration else None,
                    monitorings=[to_dict(m) for m in cycle.monitorings],
                    pairs=_pairs(stores.records.get_submission(sid), cycle, settings.profile),
                    findings=[finding_out(f) for f in stores.records.get_findings(sid) if f.rule.startswith("CYCLE-")])


def _pairs(sub: Submission | None, cycle: Cycle, profile: str) -> list[CyclePairOut]:
    """The declared and the self-evaluated indicators paired as the comparison rules pair them."""
    if sub is None or not sub.evaluations or cycle.declaration is None:
        return []
    similar = threshold(profile_for(sub, profile), "rename_similarity")
    dec, ev, mon = cycle.declaration, sub.evaluations[0], cycle.monitoring
    found = pair_indicators(dec.indicators, ev.indicators, similar)
    to = {k: (j, "same") for k, j in found.same} | {k: (j, "renamed") for k, j in found.renamed}

    def watched(ind) -> int | None:
        return monitored_row(ind, mon.indicators, similar) if mon is not None else None

    out = [CyclePairOut(kind=to.get(k, (None, "dropped"))[1], declared=k, evaluated=to.get(k, (None,))[0],
                        monitored=watched(d)) for k, d in enumerate(dec.indicators)]
    return out + [CyclePairOut(kind="added", declared=None, evaluated=j, monitored=watched(ev.indicators[j]))
                  for j in found.added]


@router.get("/cycle", response_model=list[CycleLinkOut],
            summary="申报表、监控表及其关联 / declaration and monitoring forms and their links",
            responses=errors(401))
def forms(stores: StoresDep, _user: CurrentUser,
          state: Annotated[str | None, Query(max_length=16, description="只列某种关联状态，如 unmatched、ambiguous")]
          = None) -> list[CycleLinkOut]:
    return [link_out(link) for link in CycleStore(stores.records).forms(state=state)]


@router.put("/cycle/{form_id}/link", response_model=CycleLinkOut,
            summary="手动关联或取消关联 / link a form to a self-evaluation by hand",
            description="把申报表或监控表关联到指定的自评表（evaluation_id 为空则取消关联）；关联后按新关联重新审核该自评表。",
            responses=errors(401, 404, 422))
def relink(form_id: str, body: RelinkIn, stores: StoresDep, settings: SettingsDep, user: CurrentUser) -> CycleLinkOut:
    store = CycleStore(stores.records)
    before = store.link(form_id)
    if before is None:
        raise not_found("这份申报表或监控表", "declaration or monitoring form")
    try:
        link = store.relink(form_id, body.evaluation_id, actor=user.name)
    except CycleError as err:
        raise ApiError(422, "invalid_link", str(err), "the link cannot be made") from None
    for sid in {before.evaluation_id, link.evaluation_id} - {None}:
        recheck(stores.records, [sid], settings.profile)
    return link_out(link)
