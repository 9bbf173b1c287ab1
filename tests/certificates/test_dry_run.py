"""The dry run: before anything is numbered, how many would be issued and why the others
would not, with a sample of the first certificate marked as worthless; run by the worker,
its sample for the programme's certificate managers only.

The course (see conftest): Mạnh, Dung and Thắng complete; Ánh left the second session after
35 minutes; Anh came to neither.
"""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates import tasks
from certificates.models import Certificate, CertificateCounter, Collation, Completion
from certificates.pdf import SAMPLE_MARK
from certificates.services import collation as certificates
from tests import factories
from tests.certificates.helpers import close_sessions, collate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def dry_run(course, **kwargs) -> Collation:
    run = certificates.start_collation(
        actor=course.rush.organiser, programme=course.programme, dry_run=True, **kwargs
    )
    return certificates.run_collation(run.pk)


def sample_text(run: Collation) -> str:
    reader = PdfReader(run.sample.open("rb"))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_a_dry_run_counts_who_would_be_issued_and_why_not_and_numbers_nothing(course):
    close_sessions(course.first, course.second)

    run = dry_run(course)

    assert (run.status, run.stage) == (Collation.Status.DONE, Collation.Stage.FINISHED)
    assert (run.people, run.completed, run.to_issue, run.issued) == (5, 3, 3, 0)
    assert run.outcome == {
        "not_completed": 2,
        "short_of_sessions": 2,
        "late": 0,
        "survey_missing": 0,
        "already_issued": 0,
        "no_held_session": 0,
    }
    assert not Certificate.objects.exists()
    assert not Completion.objects.exists()
    assert not CertificateCounter.objects.exists()


def test_the_sample_is_the_first_certificate_marked_and_without_numbers_or_code(course):
    close_sessions(course.first, course.second)

    run = dry_run(course)

    data = run.sample.open("rb").read()
    assert data.startswith(b"%PDF-")
    text = sample_text(run)
    # the first in name order, as the collation would number her first
    assert "Đỗ Thị Dung" in text
    assert "Sở Nội vụ tỉnh Vĩnh Phúc" in text and "Nguyễn Văn Khước" in text
    assert "GIÁM ĐỐC" in text
    assert SAMPLE_MARK in " ".join(text.split())
    assert "Số hiệu:" not in text and "Mã xác minh:" not in text
    assert "CCHC-VP-2021-" not in text and "/verify/" not in text
    # and the real one later states the same
    collate(course)
    real = Certificate.objects.get(person=course.people["dung"])
    assert real.serial == "CCHC-VP-2021-000001"


def test_a_dry_run_counts_those_who_already_hold_a_certificate(course):
    collate(course)

    run = dry_run(course)

    assert (run.completed, run.to_issue) == (3, 0)
    assert run.outcome["already_issued"] == 3
    assert not run.sample
    assert Certificate.objects.count() == 3


def test_a_dry_run_previews_while_sessions_are_open_and_issues_nobody_without_a_held_session(
    course,
):
    # given: the sessions are over but still scheduled (the beat has not come by)
    run = dry_run(course)

    assert (run.completed, run.to_issue) == (3, 0)
    assert run.outcome["no_held_session"] == 3
    assert not run.sample


def test_a_dry_run_needs_a_completion_rule(rush):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        certificates.start_collation(
            actor=rush.organiser, programme=rush.session.programme, dry_run=True
        )

    assert "chưa có điều kiện hoàn thành" in refused.value.messages[0]
    assert not Collation.objects.exists()


def test_a_point_dry_run_counts_that_points_people(course):
    close_sessions(course.first, course.second)

    run = dry_run(course, point=course.rush.tam_dao.point)

    assert (run.people, run.completed, run.to_issue) == (1, 1, 1)
    assert "Phạm Đức Thắng" in sample_text(run)


def test_a_later_sample_replaces_the_earlier_file(course):
    close_sessions(course.first, course.second)
    first = dry_run(course)
    name = first.sample.name

    second = dry_run(course)

    first.refresh_from_db()
    assert not first.sample and second.sample
    assert not second.sample.storage.exists(name) or name == second.sample.name


# --- From the page, in the worker --------------------------------------------------------


def test_the_page_starts_a_dry_run_for_the_worker_and_shows_its_result(
    course, client, monkeypatch, django_capture_on_commit_callbacks
):
    close_sessions(course.first, course.second)
    sent: list[tuple] = []
    monkeypatch.setattr(tasks.collate, "delay", lambda *args: sent.append(args))
    client.force_login(course.rush.organiser)
    page_url = reverse("certificates:programme_certificates", args=[course.programme.pk])

    # when the organiser clicks "Chạy thử"
    with django_capture_on_commit_callbacks(execute=True):
        with_message = client.post(
            reverse("certificates:programme_dry_run", args=[course.programme.pk]), follow=True
        )

    # then the request only queues it, and the page polls its progress
    [run] = Collation.objects.all()
    assert run.dry_run and run.status == Collation.Status.QUEUED and sent == [(run.pk,)]
    html = with_message.content.decode()
    assert "Đã bắt đầu chạy thử" in html
    assert reverse("certificates:dry_run_progress", args=[course.programme.pk]) in html
    progress = client.get(reverse("certificates:dry_run_progress", args=[course.programme.pk]))
    assert progress.json()["active"] is True

    # when the worker has run it
    certificates.run_collation(run.pk)

    # then the page gives the counts and the sample's link
    html = client.get(page_url).content.decode()
    assert "Nếu cấp bây giờ: <strong>3</strong> giấy chứng nhận." in html
    assert "3/5 người hoàn thành chương trình." in html
    assert "2 người chưa hoàn thành:" in html
    assert "2 người dự chưa đủ số hội nghị" in html
    assert "người đến muộn" not in html  # nobody: no line of zeros
    sample_url = reverse("certificates:dry_run_sample", args=[course.programme.pk, run.pk])
    assert sample_url in html
    data = client.get(reverse("certificates:dry_run_progress", args=[course.programme.pk])).json()
    assert (data["active"], data["to_issue"], data["sample_url"]) == (False, 3, sample_url)
    assert not Certificate.objects.exists()


def test_the_sample_downloads_for_the_programmes_organisers_only(course, client, network):
    close_sessions(course.first, course.second)
    run = dry_run(course)
    url = reverse("certificates:dry_run_sample", args=[course.programme.pk, run.pk])

    client.force_login(course.rush.organiser)
    mine = client.get(url)
    assert mine.status_code == 200 and mine["Content-Type"] == "application/pdf"
    assert PdfReader(io.BytesIO(b"".join(mine.streaming_content))).pages
    assert "no-store" in mine["Cache-Control"]

    client.force_login(course.rush.coordinator)
    assert client.get(url).status_code == 403
    client.force_login(factories.organiser(network.ben_tre, username="ben-tre"))
    elsewhere = client.get(url)
    assert elsewhere.status_code == 404 and "Đỗ Thị Dung" not in elsewhere.content.decode()
    attendee = factories.UserFactory()
    client.force_login(attendee)
    assert client.get(url).status_code in (302, 403)
    client.logout()
    assert client.get(url).status_code == 302


def test_a_real_collation_and_its_sample_are_other_rows(course):
    close_sessions(course.first, course.second)
    real = certificates.start_collation(actor=course.rush.organiser, programme=course.programme)
    dry = certificates.start_collation(
        actor=course.rush.organiser, programme=course.programme, dry_run=True
    )

    assert real.pk != dry.pk
    assert (
        certificates.start_collation(
            actor=course.rush.organiser, programme=course.programme, dry_run=True
        ).pk
        == dry.pk
    )
    # the programme page's bar follows the real one
    from certificates.selectors import latest_collation, latest_dry_run

    assert (latest_collation(course.programme), latest_dry_run(course.programme)) == (real, dry)
