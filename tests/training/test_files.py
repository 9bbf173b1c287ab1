"""What a programme accepts as a file: its name and its content must agree."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from training.files import check_image, check_material_file

from .conftest import EXE, HTML, PDF, docx_bytes, jpeg_bytes, odt_bytes, png_bytes, zipped

OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xec\xa5\xc1\x00" + b"\x00" * 600


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Nghị quyết 76.pdf", PDF, "application/pdf"),
        (
            "Ke-hoach.DOCX",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("bai-giang.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        ("cu.doc", OLE_DOC, "application/msword"),
        ("so-do.png", png_bytes(), "image/png"),
        ("anh.jpeg", jpeg_bytes(), "image/jpeg"),
    ],
)
def test_documents_whose_content_matches_their_name_are_accepted(name, content, content_type):
    assert check_material_file(upload(name, content)) == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("nghi-quyet.pdf", EXE),  # an executable renamed
        ("trang.pdf", HTML),
        ("bai-giang.docx", zipped({"payload.exe": EXE})),  # an archive, not a document
        ("bai-giang.docx", odt_bytes()),  # another format's archive
        ("bang.xlsx", docx_bytes()),  # a Word document named as a workbook
        ("bai-giang.odt", zipped({"mimetype": b"application/x-evil", "a": b""})),
        ("anh.png", jpeg_bytes()),
        ("cu.doc", PDF),
    ],
)
def test_content_that_belies_the_name_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        check_material_file(upload(name, content))
    assert "không phải" in refused.value.messages[0]


@pytest.mark.parametrize(
    "name",
    [
        "setup.exe",
        "trang.html",
        "trang.htm",
        "hinh.svg",
        "lenh.js",
        "lenh.sh",
        "a.zip",
        "khong-duoi",
    ],
)
def test_types_not_accepted_are_refused_by_name(name):
    with pytest.raises(ValidationError) as refused:
        check_material_file(upload(name, PDF))
    assert "Chỉ nhận" in refused.value.messages[0]


def test_a_file_over_the_limit_is_refused_before_its_content_is_read(settings):
    # given a limit of 25 MB and an upload that says it holds 200 MB
    settings.MATERIAL_MAX_BYTES = 25 * 1024 * 1024

    class Huge(SimpleUploadedFile):
        def read(self, *args: object) -> bytes:
            raise AssertionError("a file over the limit must not be read")

    huge = Huge("tai-lieu.pdf", b"")
    huge.size = 200 * 1024 * 1024
    # when / then
    with pytest.raises(ValidationError) as refused:
        check_material_file(huge)
    assert "25 MB" in refused.value.messages[0]


def test_the_size_limit_is_inclusive(settings):
    settings.MATERIAL_MAX_BYTES = len(PDF)
    assert check_material_file(upload("a.pdf", PDF)) == "application/pdf"
    settings.MATERIAL_MAX_BYTES = len(PDF) - 1
    with pytest.raises(ValidationError):
        check_material_file(upload("a.pdf", PDF))


def test_stamp_images_are_png_or_jpeg_that_pillow_reads():
    check_image(upload("dau.png", png_bytes()))
    check_image(upload("chu-ky.jpg", jpeg_bytes()))
    for name, content in [
        ("dau.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # a damaged PNG
        ("dau.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("dau.png", PDF),
        ("dau.gif", b"GIF89a" + b"\x00" * 20),
    ]:
        with pytest.raises(ValidationError):
            check_image(upload(name, content))


def test_an_image_with_too_many_pixels_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_image(upload("dau.png", png_bytes((7000, 6000))))
    assert "6000" in refused.value.messages[0]
