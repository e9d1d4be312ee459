"""Draft versions: reviewer exclusions and edits persist as new versions, with who and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.drafting import DraftStore, build_review, revise
from assistant.drafting.annual import annual_key
from assistant.drafting.document import Draft, tidy
from assistant.drafting.review import review_key
from assistant.stats import Scope
from assistant.stores.records import RecordStore


@pytest.fixture(scope="module")
def drafts(records) -> DraftStore:
    return DraftStore(records)


def test_draft_round_trips_through_json(records, with_findings):
    d = build_review(records, with_findings[0])
    assert Draft.from_dict(d.to_dict()).to_dict() == d.to_dict()


def test_exclusion_and_edit_are_new_versions(records, drafts, with_findings):
    sid = max(with_findings, key=lambda s: len(records.get_findings(s)))
    key = review_key(sid)
    first = revise(records, drafts, key, editor="系统")
    start = first.version
    assert first.action in ("generated", "regenerated", "excluded", "edited")  # other tests may have been first
    again = revise(records, drafts, key, editor="系统")
    assert again.version == start  # nothing changed: no new version

    gone = records.get_findings(sid)[0]
    v2 = revise(records, drafts, key, editor="张三", exclude=[gone.id], note="误报")
    assert (v2.version, v2.editor, v2.action, v2.excluded, v2.note) == (start + 1, "张三", "excluded", [gone.id], "误报")
    assert f"problem:{gone.id}" not in {b.key for b in v2.draft.blocks} and tidy(gone.message) not in v2.text

    v3 = revise(records, drafts, key, editor="李四", edits={"conclusion": "审核结论：修改后通过。经复核，同意修改后通过。"})
    assert (v3.version, v3.editor, v3.action) == (start + 2, "李四", "edited")
    block = v3.draft.block("conclusion")
    assert block.edited and block.edited_by == "李四" and block.text.endswith("同意修改后通过。")
    assert v3.excluded == [gone.id]  # the earlier exclusion is still in force
    assert v3.edits["conclusion"]["editor"] == "李四"

    # a later rebuild keeps both, and the history is intact
    v4 = revise(records, drafts, key, editor="王五", edits={"closing": "此复。"})
    assert v4.draft.block("conclusion").edited_by == "李四" and v4.draft.block("closing").edited_by == "王五"
    history = drafts.versions(key)
    assert [v.version for v in history][-4:] == [start, start + 1, start + 2, start + 3]
    assert [v.editor for v in history][-3:] == ["张三", "李四", "王五"]
    now = datetime.now(UTC)
    for v in history:
        created = v.created_at if v.created_at.tzinfo else v.created_at.replace(tzinfo=UTC)
        assert now - created < timedelta(minutes=10)
    assert drafts.get(key, start + 1).excluded == [gone.id]
    assert drafts.latest(key).version == start + 3

    # restoring the finding brings it back
    v5 = revise(records, drafts, key, editor="张三", include=[gone.id])
    assert v5.excluded == [] and f"problem:{gone.id}" in {b.key for b in v5.draft.blocks}


def test_versions_survive_reopening_the_store(corpus, drafts, with_findings):
    key = review_key(with_findings[0])
    revise(corpus.records, drafts, key, editor="张三", edits={"intro": "你单位报送的材料已收悉。"})
    reopened = DraftStore(RecordStore(corpus.records.url))
    latest = reopened.latest(key)
    assert latest is not None and latest.draft.block("intro").text == "你单位报送的材料已收悉。"
    assert key in reopened.keys("review")
    reopened.records.close()


def test_edit_with_an_unsupported_number_is_kept_but_flagged(records, drafts, with_findings):
    key = review_key(with_findings[-1])
    v = revise(records, drafts, key, editor="赵六", edits={"intro": "你单位报送的材料共987654页，已收悉。"})
    assert v.draft.block("intro").text.endswith("已收悉。")
    assert any("987654" in n for n in v.draft.notes)


def test_annual_versions_keep_build_parameters(records, drafts, year):
    key = annual_key(year, Scope())
    v1 = revise(records, drafts, key, editor="张三", params={"with_statistics": False})
    assert v1.draft.meta["with_statistics"] is False and not v1.draft.blocks_with("statistics")
    v2 = revise(records, drafts, key, editor="李四", edits={"closing": "特此报告。"})
    assert v2.draft.meta["with_statistics"] is False


def test_editor_is_required(records, drafts, with_findings):
    with pytest.raises(ValueError):
        drafts.save(build_review(records, with_findings[0]), editor="")
