"""A record of who took personal data out of the system as a file (who, when, what kind,
which session, point or programme, how many rows), written by every view that serves one,
and a page where organisers read it within their scope."""

import pytest
from django.urls import reverse

from directory.models import PersonalDataExport
from directory.services.exports_log import record_personal_data_export
from surveys import services as surveys
from tests import factories
from tests.checkins import attendee_of
from tests.surveys.test_surveys import answers_for, make_survey

Kind = PersonalDataExport.Kind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def only_record() -> PersonalDataExport:
    [record] = PersonalDataExport.objects.all()
    return record


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_roster_export_is_recorded(client, rush, file_format):
    client.force_login(rush.coordinator)

    response = client.get(reverse("attendance:roster_export", args=[rush.song_lo.pk, file_format]))

    assert response.status_code == 200
    record = only_record()
    assert (record.actor, record.kind, record.file_format, record.row_count) == (
        rush.coordinator,
        Kind.ROSTER,
        file_format,
        4,
    )
    assert (record.session_id, record.point_id, record.programme_id) == (
        rush.session.pk,
        rush.song_lo.point_id,
        rush.session.programme_id,
    )
    assert record.unit_id == rush.song_lo.point.unit_id
    assert rush.song_lo.point.name in record.label


def test_a_refused_roster_export_records_nothing(client, rush):
    client.force_login(rush.tam_dao_coordinator)

    response = client.get(reverse("attendance:roster_export", args=[rush.song_lo.pk, "csv"]))

    assert response.status_code in (403, 404)
    assert not PersonalDataExport.objects.exists()


def test_the_certificate_register_export_is_recorded(client, course):
    from tests.certificates.test_certificates import collate

    collate(course)
    client.force_login(course.rush.organiser)

    response = client.get(reverse("certificates:register_export", args=[course.programme.pk]))

    assert response.status_code == 200
    record = only_record()
    assert (record.kind, record.file_format, record.programme_id) == (
        Kind.CERTIFICATE_REGISTER,
        "xlsx",
        course.programme.pk,
    )
    assert record.row_count == course.programme.certificates.count() > 0
    assert record.unit_id == course.programme.unit_id


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_survey_answers_export_is_recorded(client, course, file_format):
    survey = make_survey(course, is_anonymous=False)
    surveys.submit_survey_response(
        person=course.people["manh"], survey=survey, answers=answers_for(survey)
    )
    client.force_login(course.rush.organiser)

    response = client.get(reverse("surveys:survey_export", args=[course.first.pk, file_format]))

    assert response.status_code == 200
    record = only_record()
    assert (record.kind, record.file_format, record.session_id, record.row_count) == (
        Kind.SURVEY_ANSWERS,
        file_format,
        course.first.pk,
        1,
    )
    assert record.programme_id == course.programme.pk


def test_a_persons_training_history_export_is_recorded_with_the_person(client, course):
    person = course.people["anh_t"]
    client.force_login(course.rush.organiser)

    response = client.get(
        reverse("reports:report_export", args=["history", "xlsx"]), {"person": person.pk}
    )

    assert response.status_code == 200
    record = only_record()
    assert (record.kind, record.person, record.row_count) == (Kind.TRAINING_HISTORY, person, 2)
    assert record.unit_id == person.agency.unit_id


def test_an_attendee_downloading_their_own_history_is_recorded_too(client, course):
    user = attendee_of(course.rush.entries[1])
    client.force_login(user)

    client.get(reverse("reports:report_export", args=["history", "csv"]))

    record = only_record()
    assert (record.actor, record.kind, record.person) == (
        user,
        Kind.TRAINING_HISTORY,
        course.rush.entries[1].person,
    )


def test_reports_of_counts_only_are_not_personal_data(client, demo):
    client.force_login(demo.organiser)

    response = client.get(
        reverse("reports:report_export", args=["points", "csv"]), {"session": demo.session.pk}
    )

    assert response.status_code == 200
    assert not PersonalDataExport.objects.exists()


def test_a_national_roster_written_by_a_worker_is_recorded_when_its_file_is_downloaded(
    client, demo, eager_tasks, django_capture_on_commit_callbacks
):
    # given the national roster, written by the worker
    client.force_login(demo.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.get(
            reverse("reports:report_export", args=["roster", "csv"]), {"session": demo.session.pk}
        )
    assert started.status_code == 302
    assert not PersonalDataExport.objects.exists()
    from reports.models import ReportExport

    export = ReportExport.objects.get()

    # when the file is downloaded, from the page and then over the API
    page = client.get(reverse("reports:report_export_file", args=[export.pk]))
    api = client.get(reverse("api:report_export_file", args=[export.pk]))

    # then each download is a disclosure of its own
    assert page.status_code == api.status_code == 200
    records = list(PersonalDataExport.objects.order_by("pk"))
    assert [(r.kind, r.file_format, r.session_id) for r in records] == [
        (Kind.NATIONAL_ROSTER, "csv", demo.session.pk)
    ] * 2
    assert records[0].row_count == export.rows_total > 0


# --- The record's page ------------------------------------------------------------------


def _records(rush, count: int, *, actor=None, unit=None, kind=Kind.ROSTER) -> None:
    for _ in range(count):
        record_personal_data_export(
            actor=actor or rush.coordinator,
            kind=kind,
            file_format="csv",
            rows=4,
            unit_id=(unit or rush.song_lo.point.unit).pk,
            session_id=rush.session.pk,
            point_id=rush.song_lo.point_id,
            label=f"{rush.session.title} · {rush.song_lo.point.name}",
        )


def test_organisers_read_the_record_of_exports_in_their_scope(client, rush, network):
    # given two exports at Sông Lô and one of Bến Tre data
    _records(rush, 2)
    ben_tre = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")
    _records(rush, 1, actor=ben_tre, unit=network.ben_tre)

    # when Vĩnh Phúc's organiser opens the record
    client.force_login(rush.organiser)
    page = client.get(reverse("privacy:export_log"))

    # then they see Sông Lô's two, not Bến Tre's
    assert page.status_code == 200
    assert len(page.context["page"]) == 2
    body = page.content.decode()
    assert rush.coordinator.username in body and ben_tre.username not in body
    # and Bến Tre's organiser sees only theirs; the Ministry sees all three
    client.force_login(ben_tre)
    assert [r.actor for r in client.get(reverse("privacy:export_log")).context["page"]] == [ben_tre]
    client.force_login(factories.organiser(None, username="vu-cchc-xem"))
    assert len(client.get(reverse("privacy:export_log")).context["page"]) == 3


def test_the_record_filters_by_kind_and_by_who_exported(client, rush):
    _records(rush, 2)
    _records(rush, 1, actor=rush.organiser, kind=Kind.CERTIFICATE_REGISTER)
    client.force_login(rush.organiser)
    url = reverse("privacy:export_log")

    by_kind = client.get(url, {"kind": Kind.CERTIFICATE_REGISTER})
    by_actor = client.get(url, {"actor": rush.coordinator.username})

    assert [r.kind for r in by_kind.context["page"]] == [Kind.CERTIFICATE_REGISTER]
    assert {r.actor for r in by_actor.context["page"]} == {rush.coordinator}
    assert len(by_actor.context["page"]) == 2


def test_a_bad_filter_is_refused_with_a_vietnamese_message(client, rush):
    client.force_login(rush.organiser)

    response = client.get(reverse("privacy:export_log"), {"kind": "everything"})

    assert response.status_code == 400
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()


def test_only_organisers_read_the_record(client, rush):
    _records(rush, 1)
    for user in (rush.coordinator, attendee_of(rush.entries[0])):
        client.force_login(user)
        assert client.get(reverse("privacy:export_log")).status_code == 403
    client.logout()
    assert client.get(reverse("privacy:export_log")).status_code == 302


def test_the_record_is_paginated_in_constant_queries(client, rush, django_assert_max_num_queries):
    client.force_login(rush.organiser)
    url = reverse("privacy:export_log")
    _records(rush, 3)
    client.get(url)  # the session, scope and translations warmed up
    with django_assert_max_num_queries(9) as few:
        client.get(url)

    _records(rush, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"page": 2})

    assert len(response.context["page"]) == 63 - 50
