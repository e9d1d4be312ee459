"""复核打分 records: a reviewer's adjusted scores per form (``review_scores``), a layer over the
self-score that is never overwritten.

One row per scored form (submission + evaluation index) holds the reviewer's adjustments (item,
score, reason), the rule pack they were scored under and a ``version``: a save is a compare-and-set
on it, so of two reviewers scoring the same form at once one wins and the other gets
:class:`~assistant.review.errors.Conflict`. Every changed item writes an audit event of kind
``score`` in the same transaction. The totals are not stored: they are computed
(:func:`assistant.review.scores.review_score`) from the form as stored now, so a corrected read
and the pack's caps are always the ones shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.checker.profiles import AUTO, PROFILE_DIR, Profile, load_profile, profile_for
from assistant.model import Evaluation, Submission
from assistant.review.errors import Conflict, Invalid, NotFound
from assistant.review.scores import Adjustment, ReviewScore, review_score, validated
from assistant.stores.records import Base, EvaluationRow, RecordStore, SubmissionReviewRow, SubmissionRow
from assistant.stores.review import record_event

__all__ = ["FormScore", "ReviewScoreRow", "ScoreLine", "ScoreRequest", "ScoreStore"]


def _now() -> datetime:
    return datetime.now(UTC)


class ReviewScoreRow(Base):
    """The reviewer's adjustments of one form; ``adjustments`` is a list of ``{item, score, reason}``."""

    __tablename__ = "review_scores"

    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    evaluation_idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    adjustments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    profile: Mapped[str] = mapped_column(String(512))  # the rule pack scored under (name or path)
    version: Mapped[int] = mapped_column(Integer, default=1)
    scored_by: Mapped[str] = mapped_column(String(64))
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass(frozen=True)
class ScoreRequest:
    """A reviewer's scores of one form, as asked: the full list of adjusted items (an item left out
    goes back to its self-score). ``expected_version`` is the version the reviewer saw (0: none
    stored yet; None: do not check, e.g. the CLI acting on the latest)."""

    submission_id: str
    evaluation_idx: int
    adjustments: tuple[Adjustment, ...]
    actor: str
    expected_version: int | None = None
    admin: bool = True  # False: a reviewer, who scores only submissions assigned to them or unassigned


@dataclass(frozen=True)
class FormScore:
    """One form's review score as stored now; ``version`` 0 and ``scored_by`` None: not scored yet
    (the score shown is then the self-score with the pack's caps applied)."""

    submission_id: str
    evaluation_idx: int
    project: str
    score: ReviewScore
    version: int = 0
    scored_by: str | None = None
    scored_at: datetime | None = None

    @property
    def scored(self) -> bool:
        return self.version > 0


@dataclass(frozen=True)
class ScoreLine:
    """A form in the results list (结果应用): who, what, how much money, and its scores."""

    form: FormScore
    unit: str | None
    department: str | None
    year: int | None
    file_name: str | None
    budget: float | None  # 全年预算数, 万元
    exec_amount: float | None


class ScoreStore:
    """Review scores in the records database. ``profile``: the active rule pack (``auto``: by the
    form's layout, as the checker picks it) for forms not scored yet and for new scores."""

    def __init__(self, records: RecordStore, profile: str = AUTO) -> None:
        self.records = records
        self.profile = profile or AUTO

    # reading ------------------------------------------------------------------------------------

    def form_scores(self, submission_id: str) -> list[FormScore]:
        """Every form of a submission with its review score; :class:`NotFound` for an unknown one."""
        with self.records.session() as s:
            sub_row = s.get(SubmissionRow, submission_id)
            if sub_row is None:
                raise NotFound(f"没有编号为“{submission_id}”的材料")
            rows = {r.evaluation_idx: r for r in s.scalars(
                select(ReviewScoreRow).where(ReviewScoreRow.submission_id == submission_id))}
            rates = _rates(s, [submission_id])
            sub = Submission.from_dict(json.loads(sub_row.data))
        return [self._form(sub, i, rows.get(i), rates.get((submission_id, i))) for i in range(len(sub.evaluations))]

    def scored(self, submission_ids: Iterable[str]) -> dict[tuple[str, int], FormScore]:
        """The forms a reviewer has scored among these submissions, by (submission id, evaluation index)."""
        ids = list(dict.fromkeys(submission_ids))
        out: dict[tuple[str, int], FormScore] = {}
        for start in range(0, len(ids), 500):  # below SQLite's bound-variable limit
            batch = ids[start:start + 500]
            with self.records.session() as s:
                rows = list(s.scalars(select(ReviewScoreRow).where(ReviewScoreRow.submission_id.in_(batch))))
                if not rows:
                    continue
                data = dict(s.execute(select(SubmissionRow.id, SubmissionRow.data)
                                      .where(SubmissionRow.id.in_({r.submission_id for r in rows}))).all())
                rates = _rates(s, list(data))
            subs = {sid: Submission.from_dict(json.loads(d)) for sid, d in data.items()}
            for r in rows:
                sub = subs.get(r.submission_id)
                if sub is not None and r.evaluation_idx < len(sub.evaluations):
                    out[(r.submission_id, r.evaluation_idx)] = self._form(
                        sub, r.evaluation_idx, r, rates.get((r.submission_id, r.evaluation_idx)))
        return out

    def listing(self, *, year: int | None = None, department: str | None = None,
                unit: str | None = None) -> list[ScoreLine]:
        """Every form of the self-evaluations stored (非自评材料 left out), scored or not, with
        its unit, money and scores: the rows of the results list (结果应用)."""
        q = (select(SubmissionRow, EvaluationRow)
             .join(EvaluationRow, EvaluationRow.submission_id == SubmissionRow.id)
             .outerjoin(SubmissionReviewRow, SubmissionReviewRow.submission_id == SubmissionRow.id)
             .where((SubmissionReviewRow.certainty.is_(None)) | (SubmissionReviewRow.certainty != "not_evaluation"),
                    self.records.in_scope(SubmissionRow.id))
             .order_by(SubmissionRow.id, EvaluationRow.idx))
        if year is not None:
            q = q.where(SubmissionRow.year == year)
        if unit is not None:
            q = q.where(SubmissionRow.unit == unit)
        with self.records.session() as s:
            pairs = [(sub, ev) for sub, ev in s.execute(q).unique().all()]
            rows = {(r.submission_id, r.evaluation_idx): r for r in s.scalars(
                select(ReviewScoreRow).where(ReviewScoreRow.submission_id.in_({p[0].id for p in pairs})))} \
                if pairs else {}
        subs: dict[str, Submission] = {}
        out = []
        for sub_row, ev_row in pairs:
            dept = ev_row.department or sub_row.department
            if department is not None and dept != department:
                continue
            sub = subs.get(sub_row.id) or subs.setdefault(sub_row.id, Submission.from_dict(json.loads(sub_row.data)))
            if ev_row.idx >= len(sub.evaluations):
                continue
            form = self._form(sub, ev_row.idx, rows.get((sub_row.id, ev_row.idx)), _rate_of(ev_row))
            out.append(ScoreLine(form, sub_row.unit or ev_row.impl_unit, dept, sub_row.year, sub_row.file_name,
                                 ev_row.budget_full_year, ev_row.exec_amount))
        return out

    # writing ------------------------------------------------------------------------------------

    def save(self, request: ScoreRequest) -> FormScore:
        """Store a reviewer's adjustments of one form, logging every changed item; returns the form
        as now scored. :class:`NotFound` for an unknown submission or form, :class:`Invalid` for a
        bad adjustment (unknown item, score above the 分值, missing reason), :class:`Conflict` when
        the form was scored since ``expected_version``. Nothing changes then."""
        if not request.actor:
            raise Invalid("复核打分须注明操作人")
        now = _now()
        try:
            with self.records.session() as s:
                sub_row = s.get(SubmissionRow, request.submission_id)
                if sub_row is None:
                    raise NotFound(f"没有编号为“{request.submission_id}”的材料")
                assignee = sub_row.review.assignee if sub_row.review is not None else None
                if not request.admin and assignee not in (None, request.actor):
                    raise Conflict(f"该材料已分派给{assignee}审核，只有{assignee}或管理员可以复核打分")
                sub = Submission.from_dict(json.loads(sub_row.data))
                if not 0 <= request.evaluation_idx < len(sub.evaluations):
                    raise NotFound(f"该材料没有第{request.evaluation_idx + 1}张自评表（共{len(sub.evaluations)}张）")
                ev = sub.evaluations[request.evaluation_idx]
                adjustments = validated(ev, request.adjustments)
                row = s.get(ReviewScoreRow, (request.submission_id, request.evaluation_idx))
                current = row.version if row is not None else 0
                seen = request.expected_version if request.expected_version is not None else current
                if seen != current:
                    who = f"{row.scored_by}" if row is not None else "他人"
                    raise Conflict(f"该自评表的复核得分已被{who}修改（当前版本 {current}），请刷新后重试")
                before = {a["item"]: a for a in (row.adjustments if row is not None else [])}
                after = {a.item: {"item": a.item, "score": a.score, "reason": a.reason} for a in adjustments}
                profile = _profile_ref(profile_for(sub, self.profile))
                if row is None:
                    s.add(ReviewScoreRow(submission_id=request.submission_id, evaluation_idx=request.evaluation_idx,
                                         adjustments=list(after.values()), profile=profile, version=1,
                                         scored_by=request.actor, scored_at=now))
                    s.flush()  # a concurrent first score fails here on the primary key
                else:
                    # compare-and-set: a concurrent save between our read and this write bumps the
                    # version first, and then this update matches no row
                    done = s.execute(
                        update(ReviewScoreRow)
                        .where(ReviewScoreRow.submission_id == row.submission_id,
                               ReviewScoreRow.evaluation_idx == row.evaluation_idx, ReviewScoreRow.version == seen)
                        .values(adjustments=list(after.values()), profile=profile, version=seen + 1,
                                scored_by=request.actor, scored_at=now)
                        .execution_options(synchronize_session=False))
                    if done.rowcount != 1:
                        raise Conflict("另一位审核人刚刚修改了该自评表的复核得分，请刷新后重试")
                _log_changes(s, request, ev, before, after, now)
        except IntegrityError as err:
            raise Conflict("另一位审核人刚刚为该自评表打分，请刷新后重试") from err
        return self.form_scores(request.submission_id)[request.evaluation_idx]

    # helpers ------------------------------------------------------------------------------------

    def _form(self, sub: Submission, idx: int, row: ReviewScoreRow | None, rate: float | None) -> FormScore:
        ev = sub.evaluations[idx]
        profile = _load(row.profile) if row is not None else profile_for(sub, self.profile)
        adjustments = tuple(Adjustment(a["item"], float(a["score"]), a["reason"]) for a in (row.adjustments or [])) \
            if row is not None else ()
        # an adjustment of a row the form no longer has (a corrected read dropped it) is left out
        # of the total rather than failing the whole page; the audit log still holds it
        known = {f"indicators[{i}]" for i in range(len(ev.indicators))} | {"funds"}
        score = review_score(ev, [a for a in adjustments if a.item in known], profile.caps, exec_rate=rate,
                             profile=profile.name, profile_title=profile.title or profile.name)
        at = row.scored_at if row is not None else None
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)  # SQLite drops the zone
        return FormScore(sub.id, idx, _project(ev, idx), score, row.version if row is not None else 0,
                         row.scored_by if row is not None else None, at)


def _project(ev: Evaluation, idx: int) -> str:
    return ev.project_name or ev.department or ev.impl_unit or f"第{idx + 1}张自评表"


def _rate_of(row: EvaluationRow) -> float | None:
    """The execution rate the caps read: computed from the funds total row, else as filled in
    (the same choice as the statistics)."""
    return row.exec_rate_computed if row.exec_rate_computed is not None else row.exec_rate_filled


def _rates(s: Session, submission_ids: list[str]) -> dict[tuple[str, int], float | None]:
    rows = s.scalars(select(EvaluationRow).where(EvaluationRow.submission_id.in_(submission_ids)))
    return {(r.submission_id, r.idx): _rate_of(r) for r in rows}


def _profile_ref(profile: Profile) -> str:
    """A bundled pack by name, any other by its path (what :func:`load_profile` takes back)."""
    path = Path(profile.path) if profile.path else None
    return profile.name if path is None or path.parent.resolve() == PROFILE_DIR.resolve() else str(path)


def _load(ref: str) -> Profile:
    try:
        return load_profile(ref)
    except (FileNotFoundError, ValueError):
        # the pack a form was scored under is gone: the national one, which caps nothing, rather
        # than a page that cannot be shown
        return load_profile(None)


def _log_changes(s: Session, request: ScoreRequest, ev: Evaluation, before: dict[str, dict[str, Any]],
                 after: dict[str, dict[str, Any]], at: datetime) -> None:
    """One ``score`` event per item whose score or reason changed (added, changed or taken back)."""
    names = {f"indicators[{i}]": ind.name for i, ind in enumerate(ev.indicators)} | {"funds": "预算执行率"}
    for item in sorted(set(before) | set(after), key=_item_order):
        old, new = before.get(item), after.get(item)
        if old is not None and new is not None and (old["score"], old["reason"]) == (new["score"], new["reason"]):
            continue
        where = {"evaluation_idx": request.evaluation_idx, "item": item, "name": names.get(item)}
        record_event(s, submission_id=request.submission_id, kind="score", actor=request.actor,
                     before={**where, "score": old["score"] if old else None},
                     after={**where, "score": new["score"] if new else None},
                     reason=new["reason"] if new else "撤回复核调整，恢复自评得分", at=at)


def _item_order(item: str) -> tuple[int, int]:
    return (1, 0) if item == "funds" else (0, int(item.split("[")[1].rstrip("]")))
