"""A reviewer corrects a misread value (issue 15 item 2): the value is parsed and checked
(:mod:`assistant.review.fields`), stored as a correction over what was read (the original is kept),
the rules run again on the corrected record and its findings are stored the way a re-check stores
them (decisions kept, findings no longer made marked resolved), and the audit log records it.

Reading the file again keeps the corrections: :func:`with_corrections` lays them over the fresh
read before it is checked and stored (:func:`ingest.pipeline.ingest_one`, the one place).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.checker import check_submission
from assistant.checker.profiles import AUTO, profile_for
from assistant.checker.recheck import rule_delta
from assistant.checker.version import rules_version
from assistant.model import Finding, Submission
from assistant.review.errors import Conflict, Invalid, NotFound
from assistant.review.fields import Correction, apply_corrections, display, parse_correction
from assistant.stores.corrections import CorrectionStore
from assistant.stores.cycle import CycleStore
from assistant.stores.records import RecordStore

__all__ = ["CorrectionRequest", "Corrected", "correct", "with_corrections"]


@dataclass(frozen=True)
class CorrectionRequest:
    """One reviewer's correction as asked; ``expected_version`` is the submission's review version
    the reviewer saw (None: do not check, e.g. the CLI acting on the latest)."""

    submission_id: str
    field_path: str
    value: str
    actor: str
    expected_version: int | None = None


@dataclass(frozen=True)
class Corrected:
    """What a correction did: the correction stored, the findings of the corrected record, and
    the rules whose findings appeared or went away."""

    correction: Correction
    findings: list[Finding]
    added: list[str]
    removed: list[str]


def correct(records: RecordStore, request: CorrectionRequest, profile: str = AUTO) -> Corrected:
    """Store a correction, re-check the corrected record and store its findings.

    :class:`NotFound` for an unknown submission, :class:`Invalid` for an unknown field path, a value
    that does not parse or one equal to the current value, :class:`Conflict` for a stale version or
    a file that is no self-evaluation. Nothing changes then."""
    if not request.actor:
        raise Invalid("更正须注明操作人")
    store = CorrectionStore(records)
    state = store.read_state(request.submission_id)
    sub = records.get_submission(request.submission_id)
    if sub is None or state is None:
        raise NotFound(f"没有编号为“{request.submission_id}”的材料")
    # the version the record was read at: a correction stored by someone else since then is a
    # conflict, not overwritten when the corrected record is saved below
    seen = request.expected_version if request.expected_version is not None else state.version
    if not sub.doc_type.checked:
        raise Conflict("这份材料不是绩效自评材料（非自评材料），不作审核，无需更正")
    path = request.field_path.strip()
    target, parsed = parse_correction(sub, path, request.value)
    current = target.current
    if parsed == current:
        raise Invalid(f"“{path}”现在就是“{display(current)}”，无需更正")
    earlier = store.earlier(sub.id, path)
    correction = Correction(submission_id=sub.id, field_path=path, typed=request.value, parsed=parsed,
                            original=earlier.original if earlier else current, actor=request.actor)
    corrected, _ = apply_corrections(sub, [correction])
    old = records.get_findings(sub.id)
    findings = check_submission(corrected, profile=profile_for(corrected, profile),
                                cycle=CycleStore(records).cycle_for(sub.id))
    added, removed = rule_delta(old, findings)
    stored = store.add(correction, expected_version=seen,
                       findings_delta={"findings_added": added, "findings_resolved": removed})
    records.save_submission(corrected, findings=findings, rules_version=rules_version(profile))
    return Corrected(stored, records.get_findings(sub.id), added, removed)


def with_corrections(sub: Submission, records: RecordStore) -> Submission:
    """A freshly read submission with the corrections reviewers made on it laid over it (the same
    file read again keeps them); corrections of fields the new read no longer has are left out."""
    corrections = CorrectionStore(records).active(sub.id) if sub.id else []
    if not corrections:
        return sub
    corrected, _ = apply_corrections(sub, corrections)
    return corrected
