"""Recurring sessions from the web: the series form builds the rule, and an occurrence is
edited alone or with the ones that follow it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Notice, Session, SessionChange, SessionSeries
from events.services import (
    PointSelection,
    SessionChanged,
    edit_occurrences,
    plan_due_notices,
    schedule_series,
    send_due_notices,
    session_version,
)
from tests import factories

pytestmark = pytest.mark.django_db


def next_monday_at(hour: int, minute: int = 0):
    today = timezone.localtime()
    monday = today + timedelta(days=7 - today.weekday())
    return monday.replace(hour=hour, minute=minute, second=0, microsecond=0)


def weekly_series(network, organiser, count=4):
    """Every Monday at 07:30 for four weeks, at two of Vĩnh Phúc's district points."""
    return schedule_series(
        actor=organiser,
        programme=factories.ProgrammeFactory(unit=network.vinh_phuc, created_by=organiser),
        title="Sinh hoạt chuyên đề CCHC hằng tuần",
        rule=f"FREQ=WEEKLY;BYDAY=MO;COUNT={count}",
        first_start=next_monday_at(7, 30),
        duration=timedelta(hours=1),
        host_point=network.vinh_phuc_point,
        selection=PointSelection(add=tuple(p.pk for p in network.district_points[:2])),
    )


def occurrences(series):
    return list(series.occurrences.order_by("starts_at"))


def test_the_series_form_schedules_the_first_monday_of_each_month(
    client, network, vinh_phuc_organiser
):
    programme = factories.ProgrammeFactory(unit=network.vinh_phuc, created_by=vinh_phuc_organiser)
    first = next_monday_at(7, 30)
    first = first + timedelta(days=7 * ((8 - first.day) // 7))  # a first Monday? keep moving
    while first.day > 7:
        first += timedelta(days=7)
    client.force_login(vinh_phuc_organiser)

    response = client.post(
        reverse("events:series_create"),
        {
            "programme": programme.pk,
            "title": "Chào cờ và sinh hoạt chính trị đầu tháng",
            "first_start": first.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 90,
            "frequency": "MONTHLY_WEEKDAY",
            "count": 6,
            "host_point": network.vinh_phuc_point.pk,
            "add_points": [network.district_points[0].pk],
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    series = SessionSeries.objects.get()
    assert series.rule == "FREQ=MONTHLY;BYDAY=1MO;COUNT=6"
    starts = [timezone.localtime(s.starts_at) for s in occurrences(series)]
    assert len(starts) == 6
    assert all(s.weekday() == 0 and s.day <= 7 and (s.hour, s.minute) == (7, 30) for s in starts)


def test_the_series_form_takes_a_last_day_instead_of_a_count(client, network, vinh_phuc_organiser):
    programme = factories.ProgrammeFactory(unit=network.vinh_phuc, created_by=vinh_phuc_organiser)
    first = next_monday_at(14)
    client.force_login(vinh_phuc_organiser)

    response = client.post(
        reverse("events:series_create"),
        {
            "programme": programme.pk,
            "title": "Giao ban hằng tuần",
            "first_start": first.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "frequency": "WEEKLY",
            "until": (first + timedelta(days=21)).date().isoformat(),
            "host_point": network.vinh_phuc_point.pk,
            "add_points": [network.district_points[0].pk],
        },
    )

    assert response.status_code == 302
    assert SessionSeries.objects.get().occurrences.count() == 4


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"count": "", "until": ""}, "count"),
        ({"count": 200}, "count"),
        ({"duration_minutes": 60 * 25}, "duration_minutes"),
        ({"host_point": "ben_tre"}, "host_point"),
    ],
)
def test_the_series_form_refuses_bad_input_in_vietnamese(
    client, network, vinh_phuc_organiser, changes, field
):
    programme = factories.ProgrammeFactory(unit=network.vinh_phuc, created_by=vinh_phuc_organiser)
    data = {
        "programme": programme.pk,
        "title": "Giao ban",
        "first_start": next_monday_at(14).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60,
        "frequency": "WEEKLY",
        "count": 4,
        "host_point": network.vinh_phuc_point.pk,
        "add_points": [network.district_points[0].pk],
        **changes,
    }
    if data["host_point"] == "ben_tre":
        data["host_point"] = network.ben_tre_point.pk
    client.force_login(vinh_phuc_organiser)

    response = client.post(reverse("events:series_create"), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not SessionSeries.objects.exists()


def test_this_occurrence_alone_changes(network, vinh_phuc_organiser):
    series = weekly_series(network, vinh_phuc_organiser)
    second = occurrences(series)[1]

    edit_occurrences(
        actor=vinh_phuc_organiser,
        session=second,
        version=session_version(second),
        which="this",
        title="Buổi đặc biệt",
        starts_at=second.starts_at + timedelta(hours=1),
        ends_at=second.ends_at + timedelta(hours=1),
    )

    titles = [s.title for s in occurrences(series)]
    assert titles == ["Sinh hoạt chuyên đề CCHC hằng tuần", "Buổi đặc biệt", *[titles[0]] * 2]
    assert [s.sequence for s in occurrences(series)] == [0, 1, 0, 0]


def test_this_and_following_move_by_as_much_on_their_own_days(network, vinh_phuc_organiser):
    series = weekly_series(network, vinh_phuc_organiser)
    before = [s.starts_at for s in occurrences(series)]
    second = occurrences(series)[1]

    edit_occurrences(
        actor=vinh_phuc_organiser,
        session=second,
        version=session_version(second),
        which="following",
        starts_at=second.starts_at + timedelta(minutes=30),
        ends_at=second.ends_at + timedelta(minutes=30),
        meeting_url="https://hop.vinhphuc.gov.vn/tuan",
    )

    after = occurrences(series)
    assert after[0].starts_at == before[0]
    assert [a.starts_at - b for a, b in zip(after[1:], before[1:], strict=True)] == [
        timedelta(minutes=30)
    ] * 3
    assert {timezone.localtime(a.starts_at).weekday() for a in after} == {0}
    assert [a.meeting_url for a in after] == ["", *["https://hop.vinhphuc.gov.vn/tuan"] * 3]
    assert [a.sequence for a in after] == [0, 1, 1, 1]
    assert SessionChange.objects.filter(kind=SessionChange.Kind.EDITED).count() == 3


def test_those_already_invited_to_each_occurrence_get_its_update(network, vinh_phuc_organiser):
    series = weekly_series(network, vinh_phuc_organiser, count=2)
    coordinator = factories.coordinator(network.district_points[0].unit, username="dm-1")
    coordinator.email = "dm1@example.vn"
    coordinator.save()
    from events.services import add_to_roster, assign_coordinator

    assign_coordinator(point=network.district_points[0], user=coordinator)
    person = factories.PersonFactory(
        full_name="Hoàng Văn Dự",
        email="du@example.vn",
        agency=factories.AgencyFactory(unit=network.district_points[0].unit),
    )
    for occurrence in occurrences(series):
        add_to_roster(
            actor=coordinator,
            participation=occurrence.participations.get(point=network.district_points[0]),
            person_ids=[person.pk],
        )
    send_due_notices(seconds=10)
    assert Notice.objects.filter(person=person, status=Notice.Status.SENT).count() == 2
    first = occurrences(series)[0]

    edit_occurrences(
        actor=vinh_phuc_organiser,
        session=first,
        version=session_version(first),
        which="following",
        title="Sinh hoạt chuyên đề (đổi tên)",
    )
    plan_due_notices()

    updates = Notice.objects.filter(kind=Notice.Kind.UPDATE, person=person)
    assert updates.count() == 2


def test_a_stale_occurrence_form_changes_no_occurrence(network, vinh_phuc_organiser):
    series = weekly_series(network, vinh_phuc_organiser)
    first = occurrences(series)[0]
    opened = session_version(first)
    Session.objects.filter(pk=first.pk).update(
        title="Ai đó vừa sửa", updated_at=timezone.now() + timedelta(seconds=1)
    )

    with pytest.raises(SessionChanged):
        edit_occurrences(
            actor=vinh_phuc_organiser,
            session=first,
            version=opened,
            which="following",
            title="Sửa cả chuỗi",
        )

    assert not Session.objects.filter(title="Sửa cả chuỗi").exists()


def test_the_occurrence_page_saves_this_and_following(client, network, vinh_phuc_organiser):
    series = weekly_series(network, vinh_phuc_organiser)
    third = occurrences(series)[2]
    client.force_login(vinh_phuc_organiser)
    page = client.get(reverse("events:occurrence_edit", args=[third.pk]))
    assert page.status_code == 200
    form = page.context["form"]

    response = client.post(
        reverse("events:occurrence_edit", args=[third.pk]),
        {
            "version": form.initial["version"],
            "which": "following",
            "title": "Sinh hoạt chuyên đề quý IV",
            "starts_at": form.initial["starts_at"].strftime("%Y-%m-%dT%H:%M"),
            "ends_at": form.initial["ends_at"].strftime("%Y-%m-%dT%H:%M"),
            "meeting_url": "",
        },
    )

    assert response.status_code == 302
    assert [s.title for s in occurrences(series)][2:] == ["Sinh hoạt chuyên đề quý IV"] * 2

    stale = client.post(
        reverse("events:occurrence_edit", args=[third.pk]),
        {
            "version": form.initial["version"],
            "which": "this",
            "title": "Cũ",
            "starts_at": form.initial["starts_at"].strftime("%Y-%m-%dT%H:%M"),
            "ends_at": form.initial["ends_at"].strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert stale.status_code == 409
    assert "đã được thay đổi kể từ khi bạn mở trang này" in stale.content.decode()


def test_a_session_outside_any_series_has_no_occurrence_page(client, upcoming):
    client.force_login(upcoming.organiser)
    response = client.get(reverse("events:occurrence_edit", args=[upcoming.session.pk]))
    assert response.status_code == 404
