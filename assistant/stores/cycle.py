"""The performance cycle's forms as their own records (issue 19): each stored 绩效目标申报表 or
绩效监控表 has a ``cycle_forms`` row naming its kind, the unit + project + year it is linked by,
and the self-evaluation it is linked to.

The form itself (:class:`~assistant.model.Declaration` / :class:`~assistant.model.Monitoring`)
is kept once, in its submission's canonical JSON; this table is its index and its link. Linking:

* a form is linked when it is stored (:meth:`CycleStore.register`) to the one self-evaluation of
  the same unit, project and year; none or several → stored unlinked with a Chinese note saying
  which, nothing else touched;
* a self-evaluation stored later picks up the unlinked forms that match it (:meth:`attach`);
* a reviewer links or unlinks by hand (:meth:`relink`), logged in the audit log; a form linked
  by hand keeps its link when files are read again.

:meth:`cycle_for` gives the checker the forms linked to a self-evaluation (:class:`~assistant.model.Cycle`),
and the same projects' self-evaluations of the years before (:meth:`history_for`, for the
cross-year rules).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.model import Cycle, PastEvaluation, Submission, project_key
from assistant.stores.records import Base, EvaluationRow, RecordStore, SubmissionRow
from assistant.stores.review import record_event
from assistant.stores.versions import SubmissionVersionRow

__all__ = ["CycleError", "CycleFormRow", "CycleLink", "CycleStore", "form_key"]

SYSTEM_ACTOR = "ziping"
# how many years back the cross-year rules look (consecutive years only; a gap ends the history)
HISTORY_YEARS = 5
KIND_NAMES = {"declaration": "绩效目标申报表", "monitoring": "绩效监控表"}


def _now() -> datetime:
    return datetime.now(UTC)


class CycleError(ValueError):
    """A link a reviewer asked for that cannot be made; the message is Chinese."""


class CycleFormRow(Base):
    __tablename__ = "cycle_forms"

    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # declaration | monitoring
    unit: Mapped[str | None] = mapped_column(String(256), index=True)
    project_name: Mapped[str | None] = mapped_column(String(512), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    months: Mapped[int | None] = mapped_column(Integer)  # a monitoring round's 1–N月
    evaluation_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(16))  # linked | unmatched | ambiguous | manual | unlinked
    note: Mapped[str | None] = mapped_column(Text)
    linked_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass(frozen=True)
class CycleLink:
    """One stored declaration or monitoring form and where it is linked."""

    submission_id: str
    kind: str
    kind_name: str
    unit: str | None
    project_name: str | None
    year: int | None
    months: int | None
    evaluation_id: str | None
    state: str
    note: str | None
    linked_by: str
    file_name: str | None

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def form_key(sub: Submission) -> tuple[str, str | None, str | None, int | None, int | None] | None:
    """(kind, unit, project, year, months) of a declaration or monitoring submission; None for others."""
    form = sub.declaration or sub.monitoring
    if form is None:
        return None
    kind = "declaration" if sub.declaration is not None else "monitoring"
    months = sub.monitoring.months if sub.monitoring is not None else None
    return kind, sub.unit or form.impl_unit or form.department, form.project_name, form.year or sub.year, months


class CycleStore:
    """The ``cycle_forms`` records, in the records database."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records

    # -- linking --------------------------------------------------------------------------------

    def register(self, sub: Submission) -> CycleLink | None:
        """Index a just stored declaration or monitoring form and link it when exactly one
        self-evaluation matches; None for any other submission. A form a reviewer linked by hand
        keeps that link."""
        key = form_key(sub)
        if key is None:
            return None
        kind, unit, project, year, months = key
        with self.records.session() as s:
            row = s.get(CycleFormRow, sub.id)
            if row is None:
                row = CycleFormRow(submission_id=sub.id, state="unmatched", linked_by=SYSTEM_ACTOR)
                s.add(row)
            row.kind, row.unit, row.project_name, row.year, row.months = kind, unit, project, year, months
            if row.state not in ("manual", "unlinked"):
                _auto_link(s, row)
            row.updated_at = _now()
        return self.link(sub.id)

    def attach(self, sub: Submission) -> list[CycleLink]:
        """A just stored self-evaluation: link the forms of its unit + project + year that were
        waiting for it (unmatched), and re-decide those that matched it among others."""
        if not sub.doc_type.checked or not sub.evaluations or not sub.unit:
            return []
        projects = {ev.project_name for ev in sub.evaluations if ev.project_name}
        changed = []
        with self.records.session() as s:
            rows = s.scalars(select(CycleFormRow).where(
                CycleFormRow.submission_id.in_(_same_bureau(sub.id)),
                CycleFormRow.unit == sub.unit, CycleFormRow.year == sub.year,
                CycleFormRow.project_name.in_(projects), CycleFormRow.state.in_(("unmatched", "ambiguous", "linked"))))
            for row in rows:
                before = (row.evaluation_id, row.state)
                _auto_link(s, row)
                if (row.evaluation_id, row.state) != before:
                    row.updated_at = _now()
                    changed.append(row.submission_id)
        return [link for sid in changed if (link := self.link(sid)) is not None]

    def relink(self, form_id: str, evaluation_id: str | None, *, actor: str) -> CycleLink:
        """A reviewer links the form ``form_id`` to the self-evaluation ``evaluation_id`` (None:
        unlinks it). Logged in the audit log of both submissions."""
        with self.records.session() as s:
            row = s.get(CycleFormRow, form_id)
            if row is None:
                raise CycleError(f"没有编号为 {form_id} 的绩效目标申报表或绩效监控表")
            if evaluation_id is not None:
                target = s.get(SubmissionRow, evaluation_id)
                if not self.records.sees(target) or s.scalar(select(SubmissionRow.bureau).where(
                        SubmissionRow.id == form_id)) != target.bureau:  # another bureau's: as if none
                    raise CycleError(f"没有编号为 {evaluation_id} 的提交材料")
                data = json.loads(target.data)
                if not (data.get("doc_type") or {}).get("checked", True) or not data.get("evaluations"):
                    raise CycleError(f"{target.file_name or evaluation_id} 不是项目支出绩效自评表，不能关联")
                if row.year and target.year and row.year != target.year:
                    raise CycleError(f"{KIND_NAMES.get(row.kind, row.kind)}是{row.year}年度的，自评表"
                                     f"（{target.file_name or evaluation_id}）是{target.year}年度的，不能关联")
            before = {"evaluation_id": row.evaluation_id, "state": row.state}
            row.evaluation_id = evaluation_id
            row.state = "manual" if evaluation_id else "unlinked"
            row.linked_by = actor
            row.note = f"由 {actor} 手动关联" if evaluation_id else f"由 {actor} 取消关联"
            row.updated_at = now = _now()
            after = {"evaluation_id": evaluation_id, "state": row.state}
            record_event(s, submission_id=form_id, kind="link", actor=actor, at=now, before=before, after=after)
            for sid in {before["evaluation_id"], evaluation_id} - {None}:
                record_event(s, submission_id=sid, kind="link", actor=actor, at=now,
                             before=before, after={**after, "form_id": form_id})
        link = self.link(form_id)
        assert link is not None
        return link

    # -- reading --------------------------------------------------------------------------------

    def link(self, form_id: str) -> CycleLink | None:
        with self.records.session() as s:
            row = s.get(CycleFormRow, form_id)
            return _link(s, row) if row is not None else None

    def links_of(self, evaluation_id: str) -> list[CycleLink]:
        """The forms linked to a self-evaluation: the declaration first, then the monitoring rounds."""
        with self.records.session() as s:
            rows = s.scalars(select(CycleFormRow).where(CycleFormRow.evaluation_id == evaluation_id)
                             .order_by(CycleFormRow.kind, CycleFormRow.months, CycleFormRow.updated_at))
            return [_link(s, r) for r in rows]

    def forms(self, *, state: str | None = None) -> list[CycleLink]:
        with self.records.session() as s:
            query = select(CycleFormRow).order_by(CycleFormRow.year, CycleFormRow.unit, CycleFormRow.submission_id)
            query = query.where(self.records.in_scope(CycleFormRow.submission_id))
            if state:
                query = query.where(CycleFormRow.state == state)
            return [_link(s, r) for r in s.scalars(query)]

    def cycle_for(self, evaluation_id: str, sub: Submission | None = None) -> Cycle:
        """What the checker compares the self-evaluation with: its linked declaration (the
        latest linked, when a reviewer linked several), its monitoring rounds, earliest first, and
        the same projects' earlier self-evaluations. ``sub`` is the self-evaluation itself when it
        is not stored yet (the pipeline checks before it saves)."""
        links = self.links_of(evaluation_id)
        subs = {s.id: s for s in self.records.get_submissions([link.submission_id for link in links])}
        cycle = Cycle()
        for link in links:
            sub = subs.get(link.submission_id)
            if sub is None:
                continue
            if sub.declaration is not None:
                cycle.declaration, cycle.declaration_file = sub.declaration, sub.file.name
            elif sub.monitoring is not None:
                cycle.monitorings.append(sub.monitoring)
                cycle.monitoring_files.append(sub.file.name)
        cycle.history = self.history_for(evaluation_id, sub)
        return cycle

    def later_years(self, sub: Submission) -> list[str]:
        """The stored self-evaluations (latest versions) of ``sub``'s unit and projects in the
        :data:`HISTORY_YEARS` years after its own: their history now holds ``sub``, so a year
        stored late is seen by the cross-year rules of the years after it once they are re-checked."""
        keys = {project_key(ev.project_name) for ev in sub.evaluations} - {""}
        if not sub.doc_type.checked or not sub.unit or not sub.year or not keys:
            return []
        with self.records.session() as s:
            rows = s.execute(
                select(SubmissionRow.id, EvaluationRow.project_name)
                .join(EvaluationRow, EvaluationRow.submission_id == SubmissionRow.id)
                .where(SubmissionRow.unit == sub.unit, SubmissionRow.year > sub.year,
                       SubmissionRow.year <= sub.year + HISTORY_YEARS, SubmissionRow.id != sub.id)
                .order_by(SubmissionRow.created_at, SubmissionRow.id)).all()
            ids = list(dict.fromkeys(sid for sid, name in rows if project_key(name) in keys))
            return _latest_versions(s, [i for i in ids if _is_self_evaluation(s, i)])

    def history_for(self, evaluation_id: str, sub: Submission | None = None) -> list[PastEvaluation]:
        """The self-evaluations of the same unit and project (:func:`~assistant.model.project_key`:
        a year written into the name set aside) in the :data:`HISTORY_YEARS` years before this
        one's, the latest version of each, nearest year first. Empty for a submission without a
        unit or a year: nothing says which project of which year it is. ``sub``: the
        self-evaluation, when it is not stored yet."""
        with self.records.session() as s:
            if sub is not None:
                unit, year, names = sub.unit, sub.year, [ev.project_name for ev in sub.evaluations]
            else:
                me = s.get(SubmissionRow, evaluation_id)
                unit, year = (me.unit, me.year) if me is not None else (None, None)
                names = list(s.scalars(select(EvaluationRow.project_name).where(
                    EvaluationRow.submission_id == evaluation_id)))
            keys = {project_key(n) for n in names} - {""}
            if not unit or not year or not keys:
                return []
            rows = s.execute(
                select(SubmissionRow.id, SubmissionRow.year, EvaluationRow.project_name)
                .join(EvaluationRow, EvaluationRow.submission_id == SubmissionRow.id)
                .where(SubmissionRow.unit == unit, SubmissionRow.year < year,
                       SubmissionRow.year >= year - HISTORY_YEARS, SubmissionRow.id != evaluation_id)
                .order_by(SubmissionRow.created_at, SubmissionRow.id)).all()
            ids = list(dict.fromkeys(sid for sid, _, name in rows if project_key(name) in keys))
            ids = _latest_versions(s, [i for i in ids if _is_self_evaluation(s, i)])
        out = []
        for sub in self.records.get_submissions(ids):
            for ev in sub.evaluations:
                year = ev.year or sub.year
                if project_key(ev.project_name) in keys and year:
                    out.append(PastEvaluation(year, ev, sub.id, sub.file.name))
        return sorted(out, key=lambda p: -p.year)


def _same_bureau(submission_id: str) -> Any:
    """The ids of the submissions in ``submission_id``'s bureau: a form links within its bureau only."""
    bureau = select(SubmissionRow.bureau).where(SubmissionRow.id == submission_id).scalar_subquery()
    return select(SubmissionRow.id).where(SubmissionRow.bureau == bureau)


def _auto_link(s: Session, row: CycleFormRow) -> None:
    """Link ``row`` to the one self-evaluation of its unit + project + year, or say why not."""
    what = KIND_NAMES.get(row.kind, row.kind)
    key = f"单位“{row.unit or '（未识别）'}”、项目“{row.project_name or '（未识别）'}”、年度 {row.year or '（未识别）'}"
    if not (row.unit and row.project_name and row.year):
        row.evaluation_id, row.state = None, "unmatched"
        row.note = f"{what}的{key}不全，无法自动关联自评表；已入库，未关联，请审核人手动关联"
        return
    ids = list(dict.fromkeys(s.scalars(
        select(SubmissionRow.id).join(EvaluationRow, EvaluationRow.submission_id == SubmissionRow.id)
        .where(SubmissionRow.unit == row.unit, SubmissionRow.year == row.year,
               EvaluationRow.project_name == row.project_name, SubmissionRow.id != row.submission_id,
               SubmissionRow.id.in_(_same_bureau(row.submission_id)))
        .order_by(SubmissionRow.created_at, SubmissionRow.id))))
    ids = _latest_versions(s, [i for i in ids if _is_self_evaluation(s, i)])
    if len(ids) == 1:
        row.evaluation_id, row.state, row.linked_by = ids[0], "linked", SYSTEM_ACTOR
        row.note = f"按{key}自动关联"
    elif not ids:
        row.evaluation_id, row.state = None, "unmatched"
        row.note = f"没有找到{key}的自评表；{what}已入库，未关联（自评表入库后自动关联，或由审核人手动关联）"
    else:
        row.evaluation_id, row.state = None, "ambiguous"
        row.note = (f"{key}有 {len(ids)} 份自评表（{'、'.join(ids)}），无法确定关联哪一份；{what}已入库，"
                    "未关联，请审核人指定")


def _latest_versions(s: Session, ids: list[str]) -> list[str]:
    """Of several versions of one self-evaluation (a resubmission), only the latest counts."""
    versions = {r.submission_id: r for r in s.scalars(
        select(SubmissionVersionRow).where(SubmissionVersionRow.submission_id.in_(ids)))}
    latest: dict[str, SubmissionVersionRow] = {}
    for r in versions.values():
        if r.series_id not in latest or r.number > latest[r.series_id].number:
            latest[r.series_id] = r
    return [i for i in ids if i not in versions or latest[versions[i].series_id].submission_id == i]


def _is_self_evaluation(s: Session, sid: str) -> bool:
    data = s.scalar(select(SubmissionRow.data).where(SubmissionRow.id == sid))
    doc_type = (json.loads(data).get("doc_type") or {}) if data else {}
    return bool(doc_type.get("checked", True))


def _link(s: Session, row: CycleFormRow) -> CycleLink:
    sub = s.get(SubmissionRow, row.submission_id)
    return CycleLink(row.submission_id, row.kind, KIND_NAMES.get(row.kind, row.kind), row.unit, row.project_name,
                     row.year, row.months, row.evaluation_id, row.state, row.note, row.linked_by,
                     sub.file_name if sub else None)
