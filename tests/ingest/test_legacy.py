"""Legacy Office and WPS files (.doc .wps .xls .et) read through a warm LibreOffice.

The legacy files are made here by LibreOffice itself from the synthetic corpus' docx/xlsx, as a
county unit's Word/WPS "save as 97-2003" would, and read back through the real extract path:
the fields must equal the labels the docx/xlsx originals are checked against, and every cell's
provenance must be the same sheet, row and column.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.stores import open_stores
from eval.extraction import compare_submission, label_files
from ingest.errors import ConversionFailed, EncryptedFile, IngestError
from ingest.extract import extract_file
from ingest.pipeline import IngestOptions, ingest_paths
from ingest.readers import read_document
from ingest.readers.convert import Converter, shared_converter, soffice_path
from ingest.readers.legacy_reader import is_encrypted
from ingest.readers.sniff import sniff
from tests.conftest import require_system


@pytest.fixture(scope="module")
def office() -> Converter:
    require_system("libreoffice-writer-nogui / libreoffice-calc-nogui", soffice_path() is not None)
    return shared_converter()


@pytest.fixture(scope="module")
def legacy(synth_corpus: Path, office: Converter, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    """kind → (legacy file, labels, original): .doc/.xls made by LibreOffice, and the same bytes
    named .wps/.et as WPS's "compatible" save writes them.

    Word files go docx → odt → doc: LibreOffice 7.4 writes the tables of a document it loaded
    from docx into .doc without their table properties (the cell marks are there, the rows are
    not: Word and LibreOffice then show the cells as one paragraph). Loaded from odt, the same
    tables are written whole, as Word and WPS write them."""
    out = tmp_path_factory.mktemp("legacy")
    wanted = {"docx_table": "doc", "xlsx_table": "xls", "report_docx": "doc"}
    made: dict[str, tuple] = {}
    for path, labels in label_files(synth_corpus):
        fmt = wanted.get(labels["kind"])
        if fmt is None or labels["kind"] in made:
            continue
        target = out / f"{path.stem}.{fmt}"
        if fmt == "doc":
            office.convert(office.convert(path, out / f"{path.stem}.odt"), target)
        else:
            office.convert(path, target)
        made[labels["kind"]] = (target, labels, path)
        wps = out / f"{path.stem}.{'wps' if fmt == 'doc' else 'et'}"
        shutil.copyfile(target, wps)
        made[labels["kind"] + "_wps"] = (wps, labels, path)
    assert set(wanted) <= set(made)
    return made


@pytest.mark.parametrize("kind", ["docx_table", "xlsx_table", "report_docx",
                                  "docx_table_wps", "xlsx_table_wps", "report_docx_wps"])
def test_legacy_file_reads_the_same_fields_as_its_original(legacy, kind):
    path, labels, _ = legacy[kind]
    sub = extract_file(path)
    results = list(compare_submission(labels["expected"], sub.to_dict()))
    wrong = [name for name, ok in results if not ok]
    assert results and not wrong, f"{path.name}: {wrong}"
    assert sub.file.name == path.name
    assert sub.file.format == path.suffix.lstrip(".")


@pytest.mark.parametrize("kind", ["docx_table", "xlsx_table"])
def test_legacy_provenance_is_the_originals_cell(legacy, kind):
    path, _, original = legacy[kind]
    old, new = extract_file(original), extract_file(path)

    def cells(sub):
        return sorted((loc.field, loc.sheet, loc.table, loc.row, loc.col)
                      for ev in sub.evaluations for ind in ev.indicators for loc in ind.cells.values())

    assert cells(new) and cells(new) == cells(old)
    if kind == "xlsx_table":
        assert all(loc.sheet for ev in new.evaluations for ind in ev.indicators for loc in ind.cells.values())


def test_sniff_recognises_legacy_kinds_by_content(legacy):
    assert sniff(legacy["docx_table"][0]) == "doc"
    assert sniff(legacy["xlsx_table"][0]) == "xls"
    assert sniff(legacy["docx_table_wps"][0]) == "doc"
    assert sniff(legacy["xlsx_table_wps"][0]) == "xls"
    # a .doc with a .pdf name is still read as what it is
    assert sniff(legacy["docx_table"][0], name="材料.pdf") == "doc"


def test_warm_conversion_reads_a_legacy_file_within_two_seconds(legacy, office):
    path = legacy["xlsx_table"][0]
    read_document(path)  # the converter is warm after the fixture; this makes sure
    starts = office.starts
    for kind in ("xlsx_table", "docx_table", "report_docx"):
        began = time.perf_counter()
        read_document(legacy[kind][0])
        assert time.perf_counter() - began <= 2.0, kind
    assert office.starts == starts  # no new LibreOffice for these files


def test_password_protected_doc_and_xls_are_refused_with_the_reason(legacy, office, tmp_path):
    doc, xls = tmp_path / "加密.doc", tmp_path / "加密.xls"
    office.convert(legacy["docx_table"][0], doc, save_password="secret")
    office.convert(legacy["xlsx_table"][2], xls, save_password="secret")
    assert is_encrypted(doc, "doc") and is_encrypted(xls, "xls")
    assert not is_encrypted(legacy["docx_table"][0], "doc") and not is_encrypted(legacy["xlsx_table"][0], "xls")
    for path in (doc, xls):
        with pytest.raises(EncryptedFile) as err:
            read_document(path)
        assert "密码" in str(err.value) and err.value.file == path.name


def test_converter_timeout_restarts_and_the_next_file_converts(legacy, tmp_path):
    converter = Converter(timeout=0.001)  # no conversion answers in a millisecond: a hang
    try:
        with pytest.raises(ConversionFailed, match="超时"):
            converter.convert(legacy["docx_table"][0], tmp_path / "a.docx")
        assert converter._office is None  # the hung office was killed
        converter.timeout = 60
        converter.convert(legacy["docx_table"][0], tmp_path / "b.docx")
        assert (tmp_path / "b.docx").stat().st_size > 0 and converter.starts == 2
    finally:
        converter.stop()


def test_a_crashed_office_is_restarted_for_the_next_file(legacy, tmp_path):
    import os
    import signal

    converter = Converter()
    try:
        converter.convert(legacy["xlsx_table"][0], tmp_path / "a.xlsx")
        os.killpg(converter._office.pid, signal.SIGKILL)  # LibreOffice dies between two files
        converter._office.wait()
        converter.convert(legacy["xlsx_table"][0], tmp_path / "b.xlsx")
        assert (tmp_path / "b.xlsx").stat().st_size > 0 and converter.starts == 2
    finally:
        converter.stop()


def test_missing_libreoffice_names_the_package(legacy, monkeypatch):
    monkeypatch.setenv("ZIPING_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(IngestError) as err:
        read_document(legacy["docx_table"][0])
    assert err.value.code == "converter_missing"
    assert "libreoffice-writer-nogui" in str(err.value) and "LibreOffice" in str(err.value)


def test_batch_reports_bad_legacy_files_and_goes_on(legacy, office, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = folder / legacy["xlsx_table"][0].name
    shutil.copyfile(legacy["xlsx_table"][0], good)
    office.convert(legacy["docx_table"][0], folder / "加密.doc", save_password="secret")
    # a corrupt .wps: the OLE header of a real file, its body cut off
    (folder / "损坏.wps").write_bytes(legacy["docx_table_wps"][0].read_bytes()[:1536])
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    try:
        report = ingest_paths([folder], stores, IngestOptions(defer_vectors=True))
        by = {Path(f.name).name: f for f in report.files}
        assert by[good.name].status in ("ok", "needs_review") and by[good.name].evaluations == 1
        assert by["加密.doc"].status == "failed" and "密码" in by["加密.doc"].reason
        assert by["损坏.wps"].status == "failed" and by["损坏.wps"].reason
        assert "Traceback" not in by["损坏.wps"].reason
        stored = stores.records.find_by_sha256(extract_file(good).file.sha256)
        assert stored is not None and stored.kind == by[good.name].kind
    finally:
        stores.close()


def test_a_hanging_converter_fails_only_its_files_and_harms_nothing_stored(legacy, office, tmp_path, monkeypatch):
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    try:
        first = ingest_paths([legacy["xlsx_table"][0]], stores, IngestOptions(defer_vectors=True)).files[0]
        before = stores.records.get_submission(first.submission_id).to_dict()
        folder = tmp_path / "batch"
        folder.mkdir()
        shutil.copyfile(legacy["docx_table"][0], folder / "a.doc")
        shutil.copyfile(legacy["report_docx_wps"][0], folder / "b.wps")
        (folder / "c.md").write_text("一、基本情况\n本项目预算资金100万元，绩效目标全部完成。\n", "utf-8")
        office.timeout = 0.001  # every conversion "hangs": this process's converter …
        monkeypatch.setenv("ZIPING_CONVERT_TIMEOUT", "0.001")  # … and the reading processes' (they read files)
        try:
            report = ingest_paths([folder], stores, IngestOptions(defer_vectors=True, force=True))
        finally:
            office.timeout = 60.0
        by = {Path(f.name).name: f for f in report.files}
        assert by["a.doc"].status == by["b.wps"].status == "failed"
        assert "超时" in by["a.doc"].reason and "超时" in by["b.wps"].reason
        assert by["c.md"].status != "failed"
        assert stores.records.get_submission(first.submission_id).to_dict() == before
        read_document(legacy["docx_table"][0])  # and the converter works again afterwards
    finally:
        stores.close()


@pytest.mark.parametrize("kind", ["xlsx_table", "xlsx_table_wps"])
def test_xls_read_directly_equals_the_libreoffice_conversion(legacy, office, tmp_path, kind):
    from ingest.readers.xls_reader import read_xls
    from ingest.readers.xlsx_reader import read_xlsx

    path = legacy[kind][0]
    direct = read_xls(path)
    converted = read_xlsx(office.convert(path, tmp_path / "c.xlsx"))

    def grid(doc):
        return [(t.sheet, [[(c.text, c.merged, c.rowspan, c.colspan) for c in row] for row in t.rows])
                for t in doc.tables]

    assert grid(direct) and grid(direct) == grid(converted)


def test_xls_needs_no_libreoffice(legacy, monkeypatch):
    monkeypatch.setenv("ZIPING_SOFFICE", "/nonexistent/soffice")
    path, labels, _ = legacy["xlsx_table_wps"]
    sub = extract_file(path)
    assert not [name for name, ok in compare_submission(labels["expected"], sub.to_dict()) if not ok]
    assert sub.file.format == "et"


@pytest.mark.slow
def test_an_office_crashing_during_a_file_fails_that_file_and_the_next_converts(legacy, tmp_path):
    import os
    import signal
    import threading

    from docx import Document as new_docx

    big = new_docx()  # long enough that LibreOffice is still converting when it is killed
    for i in range(20000):
        big.add_paragraph(f"第{i}段：项目资金执行率为98.5%，绩效目标全部完成。")
    big.save(tmp_path / "big.docx")
    converter = Converter()
    try:
        converter.convert(legacy["docx_table"][0], tmp_path / "warm.docx")
        office = converter._office
        errors: list[Exception] = []

        def convert_big() -> None:
            try:
                converter.convert(tmp_path / "big.docx", tmp_path / "big.doc")
            except ConversionFailed as e:
                errors.append(e)

        worker = threading.Thread(target=convert_big)
        worker.start()
        time.sleep(0.5)
        os.killpg(office.pid, signal.SIGKILL)
        worker.join(timeout=120)
        assert len(errors) == 1 and not (tmp_path / "big.doc").exists()
        converter.convert(legacy["docx_table"][0], tmp_path / "after.docx")
        assert (tmp_path / "after.docx").stat().st_size > 0 and converter.starts == 2
    finally:
        converter.stop()
