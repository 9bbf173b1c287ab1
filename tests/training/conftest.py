import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import factories
from tests.events.conftest import upcoming  # noqa: F401


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def pdf(name: str = "Nghị quyết 76.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def odt_bytes() -> bytes:
    return zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def png_bytes(size: tuple[int, int] = (40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (200, 0, 0, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 0, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def national_programme(network, ministry_organiser):
    return factories.ProgrammeFactory(
        title="Tập huấn CCHC năm 2026", code="CCHC-2026", year=2026, created_by=ministry_organiser
    )


@pytest.fixture
def vinh_phuc_programme(network, vinh_phuc_organiser):
    return factories.ProgrammeFactory(
        title="Tập huấn CCHC tỉnh Vĩnh Phúc",
        code="VP-2026",
        year=2026,
        unit=network.vinh_phuc,
        issuing_body="Sở Nội vụ tỉnh Vĩnh Phúc",
        created_by=vinh_phuc_organiser,
    )


@pytest.fixture
def ben_tre_programme(network, ministry_organiser):
    return factories.ProgrammeFactory(
        title="Tập huấn CCHC tỉnh Bến Tre",
        code="BT-2026",
        year=2026,
        unit=network.ben_tre,
        issuing_body="Sở Nội vụ tỉnh Bến Tre",
        created_by=ministry_organiser,
    )
