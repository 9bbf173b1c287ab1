"""The certificate PDF on its own: a batch drawn as one document and split into files."""

import io
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader

from certificates.pdf import (
    SAMPLE_MARK,
    CertificatePage,
    _period,
    render_pages,
    render_sample,
    split_pages,
)

SNAPSHOT = {
    "programme": "Tập huấn CCHC năm 2021",
    "issuing_body": "Bộ Nội vụ",
    "signer_name": "Nguyễn Văn Thành",
    "signer_title": "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
    "place": "Hà Nội",
    "first_day": "2021-11-03",
    "last_day": "2021-11-03",
    "issued_on": "2021-11-04",
    "agency": "UBND xã Lãng Công",
    "point": "Điểm cầu huyện Sông Lô",
}
NAMES = ["Nguyễn Thị Ánh", "Phạm Đức Thắng", "Lê Văn Mạnh"]


@pytest.fixture
def stamp(tmp_path):
    path = tmp_path / "stamp.png"
    Image.new("RGBA", (60, 60), (200, 30, 30, 180)).save(path)
    return path


def pages(stamp) -> list[CertificatePage]:
    return [
        CertificatePage(
            snapshot={**SNAPSHOT, "full_name": name},
            serial=f"CCHC-2021-{number:06d}",
            register=f"{number}/2021",
            code=f"CODE{number:016d}",
            verify_url=f"https://diemcau.example/verify/CODE{number:016d}/",
            stamp=stamp,
        )
        for number, name in enumerate(NAMES, start=1)
    ]


def test_a_batch_becomes_one_strictly_valid_single_page_file_per_certificate(stamp):
    files = render_pages(pages(stamp))

    assert len(files) == 3
    for number, (data, name) in enumerate(zip(files, NAMES, strict=True), start=1):
        reader = PdfReader(io.BytesIO(data), strict=True)
        assert len(reader.pages) == 1
        assert reader.metadata.title == f"Giấy chứng nhận CCHC-2021-{number:06d}"
        text = reader.pages[0].extract_text()
        assert name in text
        assert not any(other in text for other in NAMES if other != name)
        resources = reader.pages[0]["/Resources"]
        assert len(resources["/Font"]) == 3
        assert len(resources["/XObject"]) == 1  # the stamp, shared by the batch


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs Debian's poppler-utils")
def test_each_split_file_reads_in_poppler_with_its_own_name(stamp, tmp_path):
    for name, data in zip(NAMES, render_pages(pages(stamp)), strict=True):
        path = tmp_path / "one.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert name in text


def test_a_document_with_another_number_of_pages_is_refused(stamp):
    (data,) = render_pages(pages(stamp)[:1])

    with pytest.raises(ValueError):
        split_pages(data, ["one", "two"])


@pytest.mark.parametrize(
    ("point", "words"),
    [
        ("Điểm cầu huyện Sông Lô", "tại điểm cầu huyện Sông Lô"),
        ("Huyện Sông Lô", "tại điểm cầu huyện Sông Lô"),
        ("Thành phố Vĩnh Yên", "tại điểm cầu thành phố Vĩnh Yên"),
        ("Hội trường UBND tỉnh", "tại điểm cầu Hội trường UBND tỉnh"),
    ],
)
def test_the_period_reads_as_a_sentence_writes_it(point, words):
    snapshot = {**SNAPSHOT, "first_day": "2021-11-03", "last_day": "2021-11-23", "point": point}

    assert _period(snapshot) == (
        f"tổ chức từ ngày 03 tháng 11 năm 2021 đến ngày 23 tháng 11 năm 2021, {words}"
    )


def test_a_snapshot_without_days_prints_no_period_rather_than_inventing_one():
    snapshot = {key: value for key, value in SNAPSHOT.items() if not key.endswith("_day")}

    assert _period({**snapshot, "point": ""}) == ""


def test_a_sample_is_one_strictly_valid_page_marked_across_with_no_code(stamp):
    page = CertificatePage(
        snapshot={**SNAPSHOT, "full_name": "Nguyễn Thị Ánh"},
        serial="",
        register="",
        code="",
        verify_url="",
        stamp=stamp,
        sample=True,
    )

    reader = PdfReader(io.BytesIO(render_sample(page)), strict=True)

    (only,) = reader.pages
    text = only.extract_text()
    assert SAMPLE_MARK in " ".join(text.split())
    assert "Nguyễn Thị Ánh" in text and "Số: ……" in text
    assert "Mã xác minh" not in text and "Số hiệu" not in text
    assert "/verify/" not in text
