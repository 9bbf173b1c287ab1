"""A point's certificates in one file for its coordinator: the service that builds it and the
download that returns it."""

import hashlib
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.selectors import printable_for
from certificates.services import collation
from certificates.services.handout import build_point_handout, file_slug
from tests.certificates.helpers import collate

pytestmark = pytest.mark.django_db

BASE = "giay-chung-nhan-cchc-vp-2021-diem-cau-huyen-song-lo"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issued(course):
    """Collated and rendered: Dung and Mạnh at Sông Lô, Thắng at Tam Đảo."""
    collate(course)
    collation.render_certificates(
        list(Certificate.objects.filter(rendered_at=None).values_list("pk", flat=True))
    )
    return course


def song_lo(course) -> list[Certificate]:
    point = course.rush.song_lo.point
    return list(printable_for(point, course.programme.pk))


def file_url(course, file_format: str, point_id: int | None = None) -> str:
    point_id = point_id or course.rush.song_lo.point_id
    return reverse(
        "certificates:point_certificates_file", args=[point_id, course.programme.pk, file_format]
    )


# --- The service -----------------------------------------------------------------------------


def test_one_pdf_holds_every_certificate_in_the_order_given(issued):
    certificates = song_lo(issued)

    handout = build_point_handout(
        point=issued.rush.song_lo.point, certificates=certificates, file_format="pdf"
    )

    assert (handout.filename, handout.content_type) == (f"{BASE}.pdf", "application/pdf")
    pages = PdfReader(io.BytesIO(handout.content)).pages
    assert len(pages) == 2
    assert "Đỗ Thị Dung" in pages[0].extract_text()
    assert "Nguyễn Văn Mạnh" in pages[1].extract_text()


def test_the_zip_holds_each_persons_own_file_byte_for_byte(issued):
    certificates = song_lo(issued)

    handout = build_point_handout(
        point=issued.rush.song_lo.point, certificates=certificates, file_format="zip"
    )

    assert (handout.filename, handout.content_type) == (f"{BASE}.zip", "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(handout.content))
    assert archive.namelist() == [
        "CCHC-VP-2021-000001-do-thi-dung.pdf",
        "CCHC-VP-2021-000002-nguyen-van-manh.pdf",
    ]
    first = certificates[0]
    data = archive.read(archive.namelist()[0])
    assert hashlib.sha256(data).hexdigest() == first.pdf_sha256


def test_a_certificate_without_a_printed_name_is_filed_under_its_id(issued):
    certificate = song_lo(issued)[0]
    certificate.snapshot = {**certificate.snapshot, "full_name": ""}
    # Changed here only, so its drawing is not the one hashed: checked against no hash.
    certificate.pdf_sha256 = ""

    handout = build_point_handout(
        point=issued.rush.song_lo.point, certificates=[certificate], file_format="zip"
    )

    names = zipfile.ZipFile(io.BytesIO(handout.content)).namelist()
    assert names == [f"{certificate.serial}-{certificate.pk}.pdf"]


def test_a_handout_of_nobody_is_a_mistake(course):
    with pytest.raises(ValueError):
        build_point_handout(point=course.rush.song_lo.point, certificates=[], file_format="pdf")


def test_file_names_lose_their_diacritics_and_keep_their_d():
    assert file_slug("Đỗ Thị Đào") == "do-thi-dao"


# --- The download ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_format", "content_type"), [("pdf", "application/pdf"), ("zip", "application/zip")]
)
def test_the_coordinator_downloads_the_file_as_an_attachment(
    issued, client, file_format, content_type
):
    client.force_login(issued.rush.coordinator)

    answer = client.get(file_url(issued, file_format))

    assert answer.status_code == 200
    assert answer["Content-Type"] == content_type
    assert answer["Content-Disposition"] == f'attachment; filename="{BASE}.{file_format}"'
    assert answer.content.startswith(b"%PDF" if file_format == "pdf" else b"PK")


def test_another_points_file_and_an_empty_one_do_not_exist(issued, client, network):
    client.force_login(issued.rush.coordinator)

    other = client.get(file_url(issued, "zip", issued.rush.tam_dao.point_id))
    for certificate in song_lo(issued):
        collation.revoke_certificate(
            actor=issued.rush.organiser, certificate=certificate, reason="Cấp nhầm"
        )
    empty = client.get(file_url(issued, "pdf"))
    client.logout()
    anonymous = client.get(file_url(issued, "pdf"))

    assert other.status_code == 404 and b"Th\xe1\xba\xafng" not in other.content
    assert empty.status_code == 404
    assert anonymous.status_code == 302 and "login" in anonymous.url


def test_the_download_reads_the_database_a_fixed_number_of_times(issued, client):
    client.force_login(issued.rush.coordinator)
    client.get(file_url(issued, "zip"))

    with CaptureQueriesContext(connection) as queries:
        client.get(file_url(issued, "zip"))

    # the user, the point, who may reach it (roles, person, coordinators), the certificates:
    # none per certificate
    assert len(queries.captured_queries) == 6
