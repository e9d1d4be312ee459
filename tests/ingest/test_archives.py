"""Archives as units send them: zips from Chinese Windows (GBK names, no UTF-8 flag), a zip of
zips, .7z, and .rar (refused with a reason)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.stores import open_stores
from eval.extraction import label_files
from ingest.collect import InputFile, Rejected, collect_inputs
from ingest.pipeline import IngestOptions, ingest_paths

REPORT = "一、基本情况\n本项目为学生资助。\n二、绩效目标完成情况\n资助学生520人。\n"


def raw_name_zip(members: list[tuple[bytes, bytes]]) -> bytes:
    """A zip whose member names are the given raw bytes with the UTF-8 flag unset, as the zip
    tools of Chinese Windows write them. zipfile would flag and UTF-8-encode any non-ASCII name,
    so the members are written under ASCII stand-ins of the same length, swapped afterwards."""
    buf = io.BytesIO()
    stand_ins = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (raw, data) in enumerate(members):
            stand_in = (f"~{i}~" + "x" * len(raw))[: len(raw)].encode("ascii")
            assert len(stand_in) == len(raw)
            stand_ins.append(stand_in)
            z.writestr(stand_in.decode("ascii"), data)
    out = buf.getvalue()
    for stand_in, (raw, _) in zip(stand_ins, members, strict=True):
        assert out.count(stand_in) == 2  # local header + central directory
        out = out.replace(stand_in, raw)
    return out


def _collect(path: Path, tmp_path: Path) -> dict[str, InputFile | Rejected]:
    items = list(collect_inputs([path], tmp_path / "unpacked", max_archive_bytes=2**30))
    return {item.name.removeprefix(f"{path}/"): item for item in items}


def test_gbk_and_unflagged_utf8_names_come_out_right(tmp_path: Path):
    path = tmp_path / "批量.zip"
    path.write_bytes(raw_name_zip([
        ("材料/自评报告.md".encode("gbk"), REPORT.encode("utf-8")),
        ("绩效自评表（2023）.txt".encode("gb18030"), b"hello"),
        ("说明.md".encode(), "说明".encode()),
    ]))
    found = _collect(path, tmp_path)
    assert set(found) == {"材料/自评报告.md", "绩效自评表（2023）.txt", "说明.md"}
    assert all(isinstance(v, InputFile) for v in found.values())
    assert found["材料/自评报告.md"].path.read_text("utf-8") == REPORT
    assert found["材料/自评报告.md"].path.name == "自评报告.md"


def test_undecodable_name_is_reported_and_the_rest_goes_on(tmp_path: Path):
    path = tmp_path / "坏名字.zip"
    path.write_bytes(raw_name_zip([(b"\xff\xfe\x80.md", REPORT.encode()), ("好.md".encode("gbk"), REPORT.encode())]))
    items = list(collect_inputs([path], tmp_path / "u", max_archive_bytes=2**30))
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [i.name for i in items if isinstance(i, InputFile)] == [f"{path}/好.md"]
    assert len(rejected) == 1 and "编码无法识别" in str(rejected[0].error)


def test_zip_inside_a_zip_is_unpacked_one_level_deep(tmp_path: Path):
    deeper = io.BytesIO()
    with zipfile.ZipFile(deeper, "w") as z:
        z.writestr("太深.md", REPORT)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("乡镇/报告.md", REPORT)
        z.writestr("更深.zip", deeper.getvalue())
    path = tmp_path / "县.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("县本级.md", REPORT)
        z.writestr("乡镇.zip", inner.getvalue())
        z.writestr("同名/乡镇.zip", inner.getvalue())  # same name, must not mix members
    found = _collect(path, tmp_path)
    assert isinstance(found["县本级.md"], InputFile)
    assert isinstance(found["乡镇.zip/乡镇/报告.md"], InputFile)
    assert isinstance(found["同名/乡镇.zip/乡镇/报告.md"], InputFile)
    assert found["乡镇.zip/乡镇/报告.md"].path != found["同名/乡镇.zip/乡镇/报告.md"].path
    assert isinstance(found["乡镇.zip/更深.zip"], Rejected)
    assert "嵌套超过一层" in str(found["乡镇.zip/更深.zip"].error)


def test_7z_is_read_and_a_password_7z_is_refused(tmp_path: Path):
    import py7zr

    src = tmp_path / "src"
    (src / "材料").mkdir(parents=True)
    (src / "材料" / "自评报告.md").write_text(REPORT, "utf-8")
    path = tmp_path / "材料.7z"
    with py7zr.SevenZipFile(path, "w") as z:
        z.writeall(src / "材料", "材料")
    found = _collect(path, tmp_path)
    assert found["材料/自评报告.md"].path.read_text("utf-8") == REPORT
    locked = tmp_path / "加密.7z"
    with py7zr.SevenZipFile(locked, "w", password="secret") as z:
        z.writeall(src / "材料", "材料")
    items = list(collect_inputs([locked], tmp_path / "u2", max_archive_bytes=2**30))
    assert len(items) == 1 and isinstance(items[0], Rejected) and "密码" in str(items[0].error)


def test_rar_is_refused_with_a_reason(tmp_path: Path):
    path = tmp_path / "材料.rar"
    path.write_bytes(b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64)
    renamed = tmp_path / "材料.dat"  # a rar under another name is still a rar
    shutil.copyfile(path, renamed)
    for p in (path, renamed):
        (item,) = collect_inputs([p], tmp_path / "u", max_archive_bytes=2**30)
        assert isinstance(item, Rejected) and "RAR" in str(item.error) and ".zip" in str(item.error)


def test_windows_zip_of_a_form_is_ingested_under_its_chinese_name(synth_corpus: Path, tmp_path: Path):
    form = next(p for p, lab in label_files(synth_corpus) if lab["kind"] == "docx_table")
    path = tmp_path / "上报材料.zip"
    path.write_bytes(raw_name_zip([("某县/项目自评表.docx".encode("gbk"), form.read_bytes()),
                                   (b"\xff\xfe.docx", form.read_bytes())]))
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    try:
        report = ingest_paths([path], stores, IngestOptions(defer_vectors=True))
    finally:
        stores.close()
    by = {f.name.removeprefix(f"{path}/"): f for f in report.files}
    assert by["某县/项目自评表.docx"].status in ("ok", "needs_review")
    assert by["某县/项目自评表.docx"].evaluations == 1
    failed = [f for f in report.files if f.status == "failed"]
    assert len(failed) == 1 and "编码" in failed[0].reason


@pytest.mark.parametrize("member", ["../evil.md", "/abs.md"])
def test_unsafe_members_of_a_gbk_zip_are_still_refused(tmp_path: Path, member: str):
    path = tmp_path / "evil.zip"
    path.write_bytes(raw_name_zip([(member.encode("gbk"), b"x"), ("好.md".encode("gbk"), REPORT.encode())]))
    items = list(collect_inputs([path], tmp_path / "u", max_archive_bytes=2**30))
    assert [type(i).__name__ for i in items] == ["Rejected", "InputFile"]
    assert not (tmp_path / "evil.md").exists()
