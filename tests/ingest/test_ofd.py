"""OFD (GB/T 33190) files: text and ruled tables from the page XML, OCR for image-only pages.

The OFD files are written here (:mod:`tests.ingest.ofd_writer`) from what the docx/xlsx readers
read out of the synthetic forms, so the fields read back from the OFD must equal the labels.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from eval.extraction import compare_submission, label_files
from ingest.errors import CorruptFile, EmptyFile, UnreadableScan
from ingest.extract import extract_file
from ingest.readers import read_document
from ingest.readers.sniff import sniff
from tests.ingest.ofd_writer import image_page, write_ofd, write_package


@pytest.mark.parametrize("kind", ["docx_table", "xlsx_table"])
@pytest.mark.parametrize("per_char", [False, True])
def test_ofd_form_reads_the_same_fields_as_its_source(synth_corpus: Path, tmp_path: Path, kind: str, per_char: bool):
    path, labels = next((p, lab) for p, lab in label_files(synth_corpus) if lab["kind"] == kind)
    ofd = write_ofd(read_document(path), tmp_path / f"{path.stem}.ofd", per_char_objects=per_char)
    assert sniff(ofd) == "ofd"
    sub = extract_file(ofd)
    results = list(compare_submission(labels["expected"], sub.to_dict()))
    wrong = [name for name, ok in results if not ok]
    assert results and not wrong, wrong
    assert sub.file.format == "ofd" and sub.evaluations[0].indicators


def test_ofd_merged_cells_and_paragraphs(synth_corpus: Path, tmp_path: Path):
    path = next(p for p, lab in label_files(synth_corpus) if lab["kind"] == "docx_table")
    source = read_document(path)
    doc = read_document(write_ofd(source, tmp_path / "a.ofd"))
    assert [b.text for b in doc.paragraphs] == [b.text for b in source.paragraphs]
    got, want = doc.tables[0], source.tables[0]
    assert (got.n_rows, got.n_cols) == (want.n_rows, want.n_cols)
    assert [[c.text for c in r] for r in got.rows] == [[c.text for c in r] for r in want.rows]
    assert [[c.merged for c in r] for r in got.rows] == [[c.merged for c in r] for r in want.rows]
    assert got.rows[0][0].page == 1


def test_ofd_with_only_a_blank_image_is_reported(tmp_path: Path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(buf, "PNG")
    path = write_package(tmp_path / "scan.ofd", [image_page(7)], images={7: buf.getvalue()})
    with pytest.raises(UnreadableScan, match="只有图片") as raised:  # kept as 待核实 by the pipeline
        read_document(path)
    assert isinstance(raised.value, EmptyFile) and raised.value.code == "unreadable_scan"


@pytest.mark.slow
def test_ofd_with_only_images_is_read_by_ocr(tmp_path: Path, cjk_font: Path):
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(cjk_font), 40)
    draw.text((120, 150), "一、基本情况", font=font, fill="black")
    draw.text((120, 260), "项目资金执行率为98.5%。", font=font, fill="black")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    path = write_package(tmp_path / "scan.ofd", [image_page(7)], images={7: buf.getvalue()})
    doc = read_document(path)
    assert doc.scanned and "基本情况" in doc.text and "98.5%" in doc.text


def test_broken_ofd_is_reported(tmp_path: Path):
    path = tmp_path / "bad.ofd"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody>"
                              "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    with pytest.raises(CorruptFile, match="Doc_0/Document.xml"):
        read_document(path)
    (tmp_path / "fake.ofd").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(CorruptFile):
        read_document(tmp_path / "fake.ofd")
