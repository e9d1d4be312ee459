"""The reads an export needs besides submissions and findings: each submission's review state."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.stores.records import RecordStore, SubmissionReviewRow

__all__ = ["review_states"]


def review_states(records: RecordStore, ids: Sequence[str]) -> dict[str, str]:
    """Submission id → ``submission_reviews.state`` (ids without a row are left out)."""
    if not ids:
        return {}
    with Session(records.engine) as s:
        rows = s.execute(select(SubmissionReviewRow.submission_id, SubmissionReviewRow.state)
                         .where(SubmissionReviewRow.submission_id.in_(list(ids))))
        return {sid: state for sid, state in rows}
