"""A certificate's PDF drawn again from its snapshot is the very file that was issued: the
same bytes in any batch, in any process, after the programme's design changed, so the
SHA-256 recorded at issue still verifies a copy."""

import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.pdf import CertificatePage, render_page, render_pages
from certificates.services import collation as certificates
from tests.certificates.helpers import collate
from training.services import set_certificate_design

pytestmark = pytest.mark.django_db

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
ISSUED_AT = datetime(2021, 11, 4, 2, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (60, 60), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def page(number: int, name: str) -> CertificatePage:
    return CertificatePage(
        snapshot={**SNAPSHOT, "full_name": name},
        serial=f"CCHC-2021-{number:06d}",
        register=f"{number}/2021",
        code=f"CODE{number:016d}",
        verify_url=f"https://diemcau.example/verify/CODE{number:016d}/",
        stamp=png("red"),
        issued_at=ISSUED_AT,
    )


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_all() -> int:
    return certificates.render_certificates(
        list(Certificate.objects.filter(rendered_at=None).values_list("pk", flat=True))
    )


def test_a_certificate_drawn_again_alone_is_the_file_whose_hash_was_recorded(course):
    # given: the course's certificates issued and drawn as the workers draw them, in a batch
    collate(course)
    render_all()

    for certificate in Certificate.objects.select_related("programme"):
        # when: each is drawn again on its own, twice
        first = render_page(certificates.page_for(certificate))
        second = render_page(certificates.page_for(certificate))

        # then: the same bytes, whose SHA-256 is the one recorded at issue
        assert sha(first) == sha(second) == certificate.pdf_sha256, certificate.serial
        assert certificates.file_matches(certificate, first)


def test_a_new_design_leaves_the_certificates_already_issued_as_they_were(course):
    set_certificate_design(
        actor=course.rush.organiser,
        programme=course.programme,
        stamp_image=SimpleUploadedFile("dau.png", png("red"), content_type="image/png"),
    )
    collate(course)
    render_all()
    certificate = Certificate.objects.select_related("programme").first()

    # when: the organiser uploads another stamp and renames the issuing body
    set_certificate_design(
        actor=course.rush.organiser,
        programme=course.programme,
        issuing_body="Sở Nội vụ tỉnh Vĩnh Phúc",
        stamp_image=SimpleUploadedFile("dau-moi.png", png("blue"), content_type="image/png"),
    )
    certificate.programme.refresh_from_db()

    # then: the certificate is drawn with the stamp and body it was issued with
    assert sha(render_page(certificates.page_for(certificate))) == certificate.pdf_sha256


def test_a_page_is_the_same_bytes_in_any_batch_and_order():
    pages = [
        page(1, "Nguyễn Thị Ánh"),
        page(2, "Phạm Đức Thắng"),
        # a letter outside the characters every font is subset to: drawn on its own
        page(3, "Ω Lê Văn Mạnh"),
        page(4, "Lê Văn Mạnh"),
    ]

    together = render_pages(pages)
    reversed_ = render_pages(pages[::-1])[::-1]
    alone = [render_page(one) for one in pages]

    assert together == reversed_ == alone
    assert len({sha(data) for data in together}) == 4


def test_the_file_carries_its_issue_time_and_an_id_of_its_own_not_the_clock():
    (data,) = render_pages([page(1, "Nguyễn Thị Ánh")])

    reader = PdfReader(io.BytesIO(data), strict=True)
    assert reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == "D:20211104023000Z"
    assert reader.metadata.title == "Giấy chứng nhận CCHC-2021-000001"
    first, second = reader.trailer["/ID"]
    assert first == second and len(first.original_bytes) == 16
    assert "Nguyễn Thị Ánh" in reader.pages[0].extract_text()


DRAW_IN_A_NEW_PROCESS = """
import hashlib, json, os, sys
from datetime import datetime
import django
django.setup()
from certificates.pdf import CertificatePage, render_pages
given = json.loads(sys.stdin.read())
pages = [
    CertificatePage(
        snapshot=one["snapshot"], serial=one["serial"], register=one["register"],
        code=one["code"], verify_url=one["verify_url"], stamp=bytes.fromhex(one["stamp"]),
        issued_at=datetime.fromisoformat(one["issued_at"]),
    )
    for one in given
]
print(json.dumps([hashlib.sha256(data).hexdigest() for data in render_pages(pages)]))
"""


def test_another_process_draws_the_same_bytes():
    pages = [page(1, "Nguyễn Thị Ánh"), page(2, "Phạm Đức Thắng")]
    given = [
        {
            "snapshot": one.snapshot,
            "serial": one.serial,
            "register": one.register,
            "code": one.code,
            "verify_url": one.verify_url,
            "stamp": one.stamp.hex(),
            "issued_at": one.issued_at.isoformat(),
        }
        for one in pages
    ]
    # A different hash seed: nothing may hang on the order of a set or a dict of strings.
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    environment.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    answer = subprocess.run(
        [sys.executable, "-c", DRAW_IN_A_NEW_PROCESS],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )

    assert json.loads(answer.stdout) == [sha(data) for data in render_pages(pages)]


def test_a_certificate_issued_while_files_were_stored_is_still_served_from_its_file(course):
    # given: a certificate whose file was stored (and hashed) before drawings were canonical
    collate(course)
    render_all()
    certificate = Certificate.objects.select_related("programme").first()
    legacy = render_page(certificates.page_for(certificate)).replace(b"DiemCau", b"DiemCa0")
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(legacy), save=False)
    certificate.pdf_sha256 = sha(legacy)
    certificate.save(update_fields=["pdf", "pdf_sha256"])

    # then: its stored file is what is handed out, and what verifies
    assert certificates.certificate_pdf(certificate) == legacy
    assert certificates.file_matches(certificate, legacy)


def test_a_drawing_that_no_longer_matches_its_hash_is_never_handed_out(course):
    collate(course)
    render_all()
    certificate = Certificate.objects.select_related("programme").first()
    Certificate.objects.filter(pk=certificate.pk).update(pdf_sha256="0" * 64)
    certificate.refresh_from_db()

    with pytest.raises(RuntimeError, match="does not match its hash"):
        certificates.certificate_pdf(certificate)
