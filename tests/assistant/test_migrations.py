"""Alembic migrations of the records database, on SQLite and on a real PostgreSQL.

Two starting points: an empty database, and a database made by ziping before it had migrations
(the frozen DDL in ``fixtures/pre_migration/``, generated from that release's code) holding data.
After the upgrade the data must read back unchanged and the schema must be the models' exactly
(Alembic's ``compare_metadata`` finds nothing).
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from assistant.model import Finding, Location, Occurrence, to_dict
from assistant.settings import get_settings
from assistant.stores.bureaus import bureaus_table
from assistant.stores.conversations import Turn, ask_turns, last_turn, save_turn
from assistant.stores.drafts import DraftVersionStore
from assistant.stores.migrate import (
    BASELINE,
    MIGRATIONS,
    alembic_config,
    current_revision,
    differences,
    head_revision,
    status,
    upgrade,
)
from assistant.stores.migrations import HEAD
from assistant.stores.records import CheckRow, RecordStore, SubmissionReviewRow
from assistant.stores.users import UserStore
from ingest.chunking import chunk_submission
from tests.support.postgres import fresh_database
from tests.support.samples import make_submission

PRE_MIGRATION = Path(__file__).parent / "fixtures" / "pre_migration"
# the tables of the last release before migrations (what revision 0001 adopts)
ALL_TABLES = {"submissions", "evaluations", "indicators", "findings", "checks", "chunks", "users", "ask_turns",
              "draft_versions"}
# every table at the newest revision: the pre-migration ones and those later revisions added
HEAD_TABLES = ALL_TABLES | {"review_events", "submission_reviews", "jobs", "job_files", "chunk_terms", "corrections",
                            "submission_versions", "review_scores", "conversations", "letterheads",
                            "ask_feedback", "cycle_forms", "bureaus"}
# an older data directory: made before rules versions were kept and before users, conversations
# and drafts were first used
RECORDS_ONLY = {"submissions", "evaluations", "indicators", "findings", "chunks"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ziping.db'}"
        return
    with fresh_database(request.getfixturevalue("postgres_url"), "zp_migrate_") as url:
        yield url


def create_pre_migration_schema(url: str, tables: set[str]) -> None:
    """Run the frozen DDL of the pre-migration release, keeping the statements of ``tables``."""
    engine = create_engine(url)
    dialect = engine.dialect.name
    sql = (PRE_MIGRATION / f"{dialect}.sql").read_text(encoding="utf-8")
    code = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    statements = [s.strip() for s in code.split(";\n") if s.strip()]
    with engine.begin() as conn:
        for stmt in statements:
            words = stmt.replace("(", " ").split()
            table = words[2] if words[1] == "TABLE" else words[words.index("ON") + 1]
            if table in tables:
                conn.exec_driver_sql(stmt)
    engine.dispose()


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


# --- configuration ------------------------------------------------------------------------------

def test_configured_in_code_from_package_files():
    cfg = alembic_config()
    assert cfg.config_file_name is None  # no alembic.ini anywhere
    assert Path(cfg.get_main_option("script_location")) == MIGRATIONS
    assert (MIGRATIONS / "versions" / "__init__.py").exists()  # a package: shipped in the wheel
    script = ScriptDirectory.from_config(cfg)
    assert script.get_bases() == [BASELINE]  # one line of revisions from the baseline
    assert script.get_heads() == [head_revision()] == [HEAD]  # the constant the quick check uses


# --- a fresh database ---------------------------------------------------------------------------

def test_upgrade_head_on_a_fresh_database(url):
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")  # `alembic upgrade head`
        assert current_revision(conn) == head_revision()
    assert table_names(url) == HEAD_TABLES | {"alembic_version"}
    assert differences(engine) == []
    engine.dispose()

    records = RecordStore(url)  # opening an up-to-date database changes nothing
    assert records.migration is not None and records.migration.applied == ()
    sub = make_submission("fresh00000000001")
    records.save_submission(sub)
    assert records.get_submission(sub.id) == sub
    records.close()


def test_store_opening_migrates_an_empty_database_and_downgrade_undoes_it(url):
    records = RecordStore(url)
    report = records.migration
    assert report is not None and report.state == "fresh"
    assert report.before is None and report.after == head_revision() and report.applied[0] == BASELINE
    assert differences(records.engine) == []
    with records.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert table_names(url) <= {"alembic_version"}
    again = upgrade(records.engine)
    assert again.applied[0] == BASELINE and differences(records.engine) == []
    records.close()


# --- a database made before migrations ----------------------------------------------------------

@contextmanager
def todays_bureau_columns(engine: sa.Engine) -> Iterator[None]:
    """Today's ORM writes each submission's and user's bureau (0012) and checks a user's bureau
    exists; a database of an older revision has neither: they are there only while its rows are
    written (as the review table in :func:`fill`), the default bureau's rows as that release's."""
    found = inspect(engine)
    added = [t for t in ("submissions", "users")
             if found.has_table(t) and "bureau" not in {c["name"] for c in found.get_columns(t)}]
    made = not found.has_table(bureaus_table.name)
    with engine.begin() as conn:
        for table in added:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN bureau VARCHAR(32) NOT NULL DEFAULT 'default'"))
        if made:
            bureaus_table.create(conn)
            conn.execute(bureaus_table.insert().values(code="default", name="本机构", created_at=datetime.now(UTC)))
    try:
        yield
    finally:
        with engine.begin() as conn:
            for table in added:
                conn.execute(text(f"ALTER TABLE {table} DROP COLUMN bureau"))
            if made:
                bureaus_table.drop(conn)


def fill(url: str, tables: set[str]) -> dict:
    """Data as the pre-migration release stored it (the ORM writes the same rows on that schema)."""
    records = RecordStore(url, migrate=False)
    assert records.migration is None
    bureau_columns = todays_bureau_columns(records.engine)  # what today's ORM writes with every row
    bureau_columns.__enter__()
    sub = make_submission("legacy0000000001")
    chunks = chunk_submission(sub)
    findings = [Finding(rule="CALC-IND-001", severity="error", message="得分合计与总分不符",
                        location=Location(file="某县教育局自评.docx", table=0, row=3, col=5,
                                          field="evaluations[0].total_score"),
                        evidence="合计 95", suggestion="核对得分", source="财预〔2020〕10号")]
    version = "national@1" if "checks" in tables else None
    # today's store also writes the submission's review row (0003); the old release had no such
    # table: it is there only while the submission is written
    reviews = SubmissionReviewRow.__table__
    had_reviews = inspect(records.engine).has_table(reviews.name)
    reviews.create(records.engine, checkfirst=True)
    records.save_submission(sub, chunks=chunks)
    if not had_reviews:
        reviews.drop(records.engine)
    # the findings rows as that release wrote them: its columns only (today's ORM also writes
    # ``occurrences``, added by migration 0002)
    legacy_findings = sa.table("findings", sa.column("location", sa.JSON), *(sa.column(c) for c in (
        "id", "submission_id", "seq", "evaluation_idx", "rule", "severity", "message", "evidence",
        "suggestion", "source", "created_at")))  # not the ORM table: its defaults would write later columns
    with records.engine.begin() as conn:
        conn.execute(legacy_findings.insert(), [
            {"id": f"{sub.id}:F{n}", "submission_id": sub.id, "seq": n, "evaluation_idx": 0, "rule": f.rule,
             "severity": f.severity, "message": f.message, "location": to_dict(f.location), "evidence": f.evidence,
             "suggestion": f.suggestion, "source": f.source, "created_at": datetime.now(UTC)}
            for n, f in enumerate(findings)])
        if version:  # a release with the checks table stamped the rules that made them
            conn.execute(CheckRow.__table__.insert(), [{"submission_id": sub.id, "rules_version": version,
                                                         "checked_at": datetime.now(UTC)}])
    records.mark_embedded([chunks[0].id])
    # the findings as stored (read back after the upgrade: today's store reads the occurrences column)
    stored = [dataclasses.replace(f, id=f"{sub.id}:F{n}", submission_id=sub.id) for n, f in enumerate(findings)]
    data = {"sub": sub, "chunks": [c.id for c in chunks], "findings": stored, "version": version}
    if "users" in tables:
        _user, data["token"] = UserStore(records.engine).add("审核员", "admin")
    if "ask_turns" in tables:
        # the columns ask_turns had then (later revisions added more): written as that release wrote them
        with records.engine.begin() as conn:
            conn.execute(ask_turns.insert().values(conversation_id="conv1", seq=0, question="执行率多少？",
                                                   kind="structured", unit="某县教育局", year=2023,
                                                   submission_ids=[sub.id]))
    if "draft_versions" in tables:
        DraftVersionStore(records).add("review:" + sub.id, kind="review", subject=sub.id, editor="审核员",
                                       action="generated", note=None, excluded=[], edits={},
                                       content={"key": "review:" + sub.id, "blocks": []}, text="# 审核意见")
    bureau_columns.__exit__(None, None, None)
    records.close()
    return data


@pytest.mark.parametrize("tables", [ALL_TABLES, RECORDS_ONLY], ids=["all-tables", "records-only"])
def test_a_pre_migration_database_is_adopted_with_its_data(url, tables):
    create_pre_migration_schema(url, tables)
    assert table_names(url) == tables
    data = fill(url, tables)

    records = RecordStore(url)
    report = records.migration
    assert report is not None and report.state == "legacy" and report.before is None
    assert report.after == head_revision() and report.applied[0] == BASELINE
    assert table_names(url) == HEAD_TABLES | {"alembic_version"}  # the missing ones were added
    assert differences(records.engine) == []

    sub = data["sub"]
    assert records.get_submission(sub.id) == sub
    assert records.get_findings(sub.id) == data["findings"]
    assert [c.id for c in records.chunks_for_submission(sub.id)] == data["chunks"]
    assert data["chunks"][0] not in {c.id for c in records.chunks_pending_embedding()}
    assert records.rules_versions() == {sub.id: data["version"]}
    records.save_findings(sub.id, data["findings"], rules_version="national@2")  # the checks table works
    assert records.rules_versions() == {sub.id: "national@2"}
    users = UserStore(records.engine)
    if "token" in data:
        user = users.authenticate(data["token"])
        assert user is not None and user.name == "审核员" and user.is_admin
    else:  # the table the migration added works
        _user, token = users.add("新用户", "reviewer")
        assert users.authenticate(token) is not None
    if "ask_turns" in tables:
        turn = last_turn(records, "conv1")
        assert turn is not None and turn.unit == "某县教育局" and turn.submission_ids == [sub.id]
    save_turn(records, "conv2", Turn(question="追问"))
    assert last_turn(records, "conv2").question == "追问"
    drafts = DraftVersionStore(records)
    if "draft_versions" in tables:
        assert [v.version for v in drafts.versions("review:" + sub.id)] == [1]
        assert drafts.latest("review:" + sub.id).text == "# 审核意见"
    records.close()

    again = RecordStore(url)  # adopted once: the next open is a plain, empty upgrade
    assert again.migration is not None and again.migration.state == "versioned" and again.migration.applied == ()
    again.close()


def test_a_database_from_a_newer_ziping_is_refused(url):
    records = RecordStore(url)
    with records.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    records.close()
    with pytest.raises(RuntimeError, match="比本程序已知的版本新"):
        RecordStore(url)


def test_status_reports_without_changing(url):
    create_pre_migration_schema(url, RECORDS_ONLY)
    records = RecordStore(url, migrate=False)
    found = status(records.engine)
    assert found.state == "legacy" and found.current is None and not found.up_to_date
    assert "add_table users" in found.differences
    assert table_names(url) == RECORDS_ONLY  # nothing changed
    records.close()


@pytest.mark.slow
def test_processes_opening_one_new_database_at_once_migrate_it_once(url):
    """Three processes open the same empty database together (say, API workers starting): the lock
    lets one migrate; the others wait and find it done."""
    code = ("import sys; from assistant.stores.records import RecordStore; "
            "r = RecordStore(sys.argv[1]); print(len(r.migration.applied)); r.close()")
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outs]
    revisions = len(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
    assert sorted(int(out) for out, _ in outs) == [0, 0, revisions]  # one process ran every revision
    engine = create_engine(url)
    assert differences(engine) == []
    engine.dispose()


# --- the command --------------------------------------------------------------------------------

def test_ziping_db_upgrade_adopts_a_data_directory(tmp_path, monkeypatch):
    from api.cli import app

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = f"sqlite:///{(data_dir / 'ziping.db').resolve()}"
    create_pre_migration_schema(url, ALL_TABLES)
    fill(url, ALL_TABLES)
    monkeypatch.setenv("ZIPING_DATA_DIR", str(data_dir))
    monkeypatch.delenv("ZIPING_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        before = runner.invoke(app, ["db", "status"])
        assert before.exit_code == 1 and "迁移机制之前创建" in before.output
        done = runner.invoke(app, ["db", "upgrade"])
        assert done.exit_code == 0, done.output
        assert f"无版本 → {head_revision()}" in done.output and BASELINE in done.output
        again = runner.invoke(app, ["db", "upgrade", "--json"])
        assert again.exit_code == 0 and '"applied": []' in again.output
        after = runner.invoke(app, ["db", "status"])
        assert after.exit_code == 0 and "表结构与代码一致" in after.output
    finally:
        get_settings.cache_clear()
    records = RecordStore(url)
    assert records.get_submission("legacy0000000001") is not None
    records.close()


# --- 0002: findings carry their occurrences -----------------------------------------------------

def test_upgrade_from_the_baseline_keeps_findings_and_adds_occurrences(url):
    """A database at 0001 holding findings: 0002 adds the column, the stored findings read back with
    no occurrences, and a folded finding's occurrences are stored and read back whole."""
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE)
    engine.dispose()
    data = fill(url, ALL_TABLES)  # 0001's tables are the pre-migration ones: the same rows go in

    records = RecordStore(url)
    assert records.migration is not None and records.migration.before == BASELINE
    # 0002 runs first, then the later revisions up to the head
    assert records.migration.applied[:1] == ("0002_finding_occurrences",) and records.migration.applied[-1] == HEAD
    assert differences(records.engine) == []
    sub = data["sub"]
    (kept,) = records.get_findings(sub.id)
    assert kept == data["findings"][0] and kept.occurrences == []

    rows = [Occurrence(location=Location(table=0, row=r, col=4, field=f"evaluations[0].indicators[{r - 5}].score"),
                       evidence=f"第{r}行", message="分值为空") for r in (5, 6)]
    merged = Occurrence(location=Location(table=0, row=5, col=5), message="满分无事实支撑", rule="SCORE-QUAL-001")
    folded = Finding(rule="MISSING-IND-001", severity="error", message="全部 2 项指标同一问题",
                     location=Location(table=0, field="evaluations[0].indicators"), id="f0ld", submission_id=sub.id,
                     occurrences=[*rows, merged])
    records.save_findings(sub.id, [kept, folded])
    assert records.get_findings(sub.id) == [kept, folded]
    records.close()


# --- 0003: reviewers' decisions on findings -----------------------------------------------------

def test_upgrade_to_decisions_keeps_findings_open(url):
    """A database at 0002 holding findings: 0003 adds the decision columns and the audit log; the
    stored findings read back 待定, version 1, not resolved, and can then be decided."""
    from assistant.review.decisions import DecisionRequest
    from assistant.stores.review import ReviewStore

    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002_finding_occurrences")
    engine.dispose()
    data = fill(url, ALL_TABLES)

    records = RecordStore(url)
    assert records.migration is not None and records.migration.before == "0002_finding_occurrences"
    assert records.migration.applied[0] == "0003_finding_decisions" and differences(records.engine) == []
    (kept,) = records.get_findings(data["sub"].id)
    assert kept == data["findings"][0]
    assert (kept.decision, kept.version, kept.resolved, kept.counted) == ("open", 1, False, True)
    assert records.get_summary(data["sub"].id).certainty == "recognised"  # its review row was made
    decided = ReviewStore(records).decide(DecisionRequest(kept.id, "confirmed", actor="审核员"))
    assert decided.version == 2 and len(ReviewStore(records).events(data["sub"].id)) == 1
    records.close()


# --- 0005: the full text on PostgreSQL ------------------------------------------------------------

def test_full_text_table_on_both_and_its_gin_index_on_postgresql_only(url):
    records = RecordStore(url)
    indexes = {i["name"] for i in inspect(records.engine).get_indexes("chunk_terms")}
    assert "ix_chunk_terms_submission_id" in indexes
    assert ("ix_chunk_terms_tsv" in indexes) == (records.engine.dialect.name == "postgresql")
    assert differences(records.engine) == []
    records.close()
    engine = create_engine(url)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002_finding_occurrences")
    assert "chunk_terms" not in table_names(url)
    engine.dispose()


# --- 0006: corrections of read values and resubmission versions ----------------------------------

def test_upgrade_to_corrections_keeps_the_records_and_starts_empty(url):
    """A database at 0005 holding a submission: 0006 adds the empty corrections and versions tables,
    and the stored submission can then be corrected and get a next version."""
    from assistant.review.corrections import CorrectionRequest, correct
    from assistant.stores.corrections import CorrectionStore
    from assistant.stores.versions import VersionStore

    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0005_pg_fulltext")
    engine.dispose()
    records = RecordStore(url, migrate=False)
    sub = make_submission("pre0004000000001")
    with todays_bureau_columns(records.engine):
        records.save_submission(sub)
    records.close()

    records = RecordStore(url)
    assert records.migration is not None and records.migration.before == "0005_pg_fulltext"
    assert records.migration.applied[0] == "0006_corrections" and differences(records.engine) == []
    assert records.get_submission(sub.id) == sub
    store = CorrectionStore(records)
    assert store.history(sub.id) == [] and VersionStore(records).series(sub.id) == []
    correct(records, CorrectionRequest(sub.id, "evaluations[0].total_score", "96", "审核员"))
    assert [c.parsed for c in store.active(sub.id)] == [96.0]
    again = make_submission("pre0004000000002")
    records.save_submission(again)
    link = VersionStore(records).link(again, replaces=sub.id)
    assert link is not None and (link.number, link.previous_id) == (2, sub.id)
    records.close()
