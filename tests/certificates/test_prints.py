"""A point's certificates in one file, drawn by a worker: asked for on the point's page,
shown with its progress, downloaded while it lasts, deleted when it expires."""

import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates.models import Certificate, CertificatePrint
from certificates.selectors import printable_for
from certificates.services import collation, prints
from tests.certificates.helpers import collate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issued(course, eager_tasks):
    """Collated and fingerprinted: Dung and Mạnh at Sông Lô, Thắng at Tam Đảo."""
    collate(course)
    collation.render_certificates(
        list(Certificate.objects.filter(rendered_at=None).values_list("pk", flat=True))
    )
    return course


def ask(client, course, file_format: str, point_id: int | None = None):
    point_id = point_id or course.rush.song_lo.point_id
    return client.post(
        reverse("certificates:point_print_request", args=[point_id, course.programme.pk]),
        {"file_format": file_format},
    )


def page(client, course):
    return client.get(
        reverse("certificates:point_certificates", args=[course.rush.song_lo.point_id])
    )


def test_the_coordinator_asks_a_worker_for_one_pdf_and_downloads_it_when_ready(
    issued, client, django_capture_on_commit_callbacks
):
    client.force_login(issued.rush.coordinator)

    # when: the coordinator asks for one PDF (the worker's task runs as the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        answer = ask(client, issued, "pdf")

    # then: the file is ready, listed on the page with a link, and holds both certificates
    assert answer.status_code == 302
    job = CertificatePrint.objects.get()
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    assert job.expires_at - job.finished_at == timedelta(hours=prints.PRINT_HOURS)
    listed = page(client, issued).content.decode()
    link = reverse("certificates:point_print_file", args=[issued.rush.song_lo.point_id, job.pk])
    assert link in listed
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    data = b"".join(download.streaming_content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Đỗ Thị Dung" in text and "Nguyễn Văn Mạnh" in text


def test_a_zip_holds_each_persons_file_as_it_was_fingerprinted(
    issued, client, django_capture_on_commit_callbacks
):
    client.force_login(issued.rush.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, issued, "zip")

    job = CertificatePrint.objects.get()
    with job.file.open("rb") as stored:
        archive = zipfile.ZipFile(io.BytesIO(stored.read()))
    certificates = list(printable_for(issued.rush.song_lo.point, issued.programme.pk))
    assert [hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()] == [
        c.pdf_sha256 for c in certificates
    ]


def test_while_the_worker_draws_the_page_shows_progress_and_refreshes(issued, client):
    client.force_login(issued.rush.coordinator)

    # given: asked for, not yet taken by a worker (no on-commit callbacks run)
    ask(client, issued, "pdf")
    job = CertificatePrint.objects.get()
    CertificatePrint.objects.filter(pk=job.pk).update(status="running", total=2, done=1)

    body = page(client, issued).content.decode()

    assert 'http-equiv="refresh"' in body
    assert 'aria-valuenow="50"' in body
    # a second click while it draws gets the same print, not another
    ask(client, issued, "pdf")
    assert CertificatePrint.objects.count() == 1


def test_an_expired_print_is_deleted_by_the_sweep_or_on_download(
    issued, client, django_capture_on_commit_callbacks
):
    client.force_login(issued.rush.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, issued, "pdf")
        ask(client, issued, "zip")
    first, second = CertificatePrint.objects.order_by("pk")
    names = [first.file.name, second.file.name]
    # given: both made more than PRINT_HOURS ago
    CertificatePrint.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    # when: one is asked for after it expired, the other waits for beat's sweep
    gone = client.get(
        reverse("certificates:point_print_file", args=[issued.rush.song_lo.point_id, first.pk])
    )
    swept = collation.sweep()

    assert gone.status_code == 404
    assert swept["prints_expired"] == 1
    assert not CertificatePrint.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_another_points_print_does_not_exist_for_the_coordinator(
    issued, client, django_capture_on_commit_callbacks
):
    client.force_login(issued.rush.coordinator)

    other = ask(client, issued, "pdf", point_id=issued.rush.tam_dao.point_id)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, issued, "pdf")
    job = CertificatePrint.objects.get()
    client.logout()
    anonymous = client.get(
        reverse("certificates:point_print_file", args=[issued.rush.song_lo.point_id, job.pk])
    )
    wrong_point = reverse(
        "certificates:point_print_file", args=[issued.rush.tam_dao.point_id, job.pk]
    )
    client.force_login(issued.rush.coordinator)

    assert other.status_code == 404
    assert anonymous.status_code == 302
    assert client.get(wrong_point).status_code == 404


def test_a_print_of_nothing_ready_is_refused(course, client):
    collate(course)  # issued, not yet fingerprinted: nothing to print
    client.force_login(course.rush.coordinator)

    answer = ask(client, course, "pdf")

    assert answer.status_code == 302
    assert not CertificatePrint.objects.exists()
