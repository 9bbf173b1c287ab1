"""Calendars: a .ics per session and secret feeds, read back by two independent parsers
and imported by a real calendar client (khal)."""

import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
import vobject
from django.urls import reverse
from icalendar import Calendar

from events.models import CalendarFeed
from events.services import (
    PointSelection,
    cancel_session,
    invite_agency,
    open_feed,
    reschedule_session,
    revoke_feed,
    schedule_series,
)
from tests import factories
from tests.events.seeds import HCM, at, ministry_training

pytestmark = pytest.mark.django_db


def events_of(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


@pytest.fixture
def training(network, ministry_organiser):
    return ministry_training(network, ministry_organiser).session


@pytest.fixture
def ben_tre_attendee(network, ministry_organiser, training):
    """A Bến Tre civil servant on the Bến Tre point's roster, with their department."""
    agency = factories.AgencyFactory(name="Sở Nội vụ tỉnh Bến Tre", unit=network.ben_tre)
    person = factories.PersonFactory(full_name="Nguyễn Thị Ngọc Giàu", agency=agency)
    person.user = factories.UserFactory(username="giau")
    person.save()
    invite_agency(
        actor=ministry_organiser,
        session=training,
        point=network.ben_tre_point,
        agency=agency,
        quota=20,
    )
    return person


def test_a_session_ics_carries_what_a_calendar_needs(client, network, ministry_organiser, training):
    network.host.room, network.host.address = "Hội trường tầng 2", "8 Tôn Thất Thuyết, Hà Nội"
    network.host.save()
    client.force_login(ministry_organiser)

    response = client.get(reverse("events:session_calendar", args=[training.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"{training.uid}@diemcau"
    assert event["sequence"] == 0
    assert event["dtstart"].dt == at("2021-11-23", "08:00")
    assert event["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    assert str(event["url"]) == "https://hop.moha.example.vn/cchc-2021"
    assert "08:00 Giới thiệu Chương trình tổng thể CCHC" in str(event["description"])
    assert "(Lãnh đạo Vụ Cải cách hành chính)" in str(event["description"])
    assert (
        str(event["location"])
        == "Điểm cầu chính Bộ Nội vụ, Hội trường tầng 2, 8 Tôn Thất Thuyết, Hà Nội"
    )
    assert [str(a["trigger"].dt) for a in event.walk("VALARM")] == [
        "-1 day, 0:00:00",
        "-1 day, 23:00:00",
    ]
    assert str(event["status"]) == "CONFIRMED"


def test_a_change_keeps_the_uid_and_grows_the_sequence(client, ministry_organiser, training):
    client.force_login(ministry_organiser)
    url = reverse("events:session_calendar", args=[training.pk])
    [before] = events_of(client.get(url).content)

    reschedule_session(
        actor=ministry_organiser,
        session=training,
        starts_at=at("2021-11-24", "08:00"),
        ends_at=at("2021-11-24", "11:30"),
        record_past=True,
    )
    [after] = events_of(client.get(url).content)

    assert after["uid"] == before["uid"]
    assert after["sequence"] == 1
    assert after["dtstart"].dt == at("2021-11-24", "08:00")


def test_a_cancelled_session_comes_as_cancelled(client, ministry_organiser, training):
    cancel_session(actor=ministry_organiser, session=training, reason="Hoãn")
    client.force_login(ministry_organiser)

    [event] = events_of(client.get(reverse("events:session_calendar", args=[training.pk])).content)

    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 1


def test_a_session_outside_the_scope_has_no_ics(client, network, training):
    # Điện Biên has no point in the 2021 training's network
    stranger = factories.organiser(factories.province("Tỉnh Điện Biên", "11"))
    client.force_login(stranger)

    response = client.get(reverse("events:session_calendar", args=[training.pk]))

    assert response.status_code == 404


def test_the_attendee_feed_places_them_at_their_own_point(client, network, ben_tre_attendee):
    feed = open_feed(actor=ben_tre_attendee.user, target=ben_tre_attendee)

    response = client.get(reverse("events:calendar_feed", args=[feed.token]))

    assert response.status_code == 200
    [event] = events_of(response.content)
    assert str(event["location"]).startswith("Điểm cầu tỉnh Bến Tre")
    parsed = vobject.readOne(response.content.decode())
    assert parsed.vevent.location.value.startswith("Điểm cầu tỉnh Bến Tre")
    assert parsed.vevent.dtstart.value == at("2021-11-23", "08:00")


def test_opening_a_feed_twice_gives_the_same_url(ben_tre_attendee):
    first = open_feed(actor=ben_tre_attendee.user, target=ben_tre_attendee)

    assert open_feed(actor=ben_tre_attendee.user, target=ben_tre_attendee) == first
    assert len(first.token) >= 32


def test_a_revoked_feed_answers_404_and_a_new_one_works(client, ben_tre_attendee):
    old = open_feed(actor=ben_tre_attendee.user, target=ben_tre_attendee)

    revoke_feed(actor=ben_tre_attendee.user, feed=old)
    new = open_feed(actor=ben_tre_attendee.user, target=ben_tre_attendee)

    assert client.get(reverse("events:calendar_feed", args=[old.token])).status_code == 404
    assert client.get(reverse("events:calendar_feed", args=[new.token])).status_code == 200
    assert new.token != old.token


def test_a_wrong_token_answers_404(client, ben_tre_attendee):
    open_feed(actor=ben_tre_attendee.user, target=ben_tre_attendee)

    assert client.get(reverse("events:calendar_feed", args=["doan-bua"])).status_code == 404


def test_no_one_opens_a_feed_of_someone_outside_their_scope(network, ben_tre_attendee):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        open_feed(actor=factories.organiser(network.vinh_phuc), target=ben_tre_attendee)
    assert not CalendarFeed.objects.exists()


def test_a_point_feed_lists_the_sessions_it_receives(client, network, ministry_organiser, training):
    feed = open_feed(actor=ministry_organiser, target=network.ben_tre_point)

    [event] = events_of(client.get(reverse("events:calendar_feed", args=[feed.token])).content)

    assert str(event["uid"]) == f"{training.uid}@diemcau"


@pytest.fixture
def monthly(db):
    province = factories.province("Tỉnh Quảng Trị", "45")
    point = factories.BridgePointFactory(name="Hội trường Sở Ngoại vụ", unit=province)
    organiser = factories.organiser(province)
    series = schedule_series(
        actor=organiser,
        programme=factories.ProgrammeFactory(unit=province, created_by=organiser),
        title="Chào cờ và sinh hoạt chính trị đầu tháng",
        rule="FREQ=MONTHLY;BYDAY=1MO;COUNT=6",
        first_start=datetime(2021, 8, 2, 7, 30, tzinfo=HCM),
        duration=timedelta(hours=1),
        host_point=point,
        selection=PointSelection(add=(point.pk,)),
        record_past=True,
    )
    occurrences = list(series.occurrences.order_by("starts_at"))
    moved = occurrences[1]
    reschedule_session(
        actor=organiser,
        session=moved,
        starts_at=moved.starts_at + timedelta(days=1),
        ends_at=moved.ends_at + timedelta(days=1),
        record_past=True,
    )
    cancel_session(actor=organiser, session=occurrences[2], reason="Nghỉ lễ")
    return series, organiser


def test_a_recurring_session_is_one_rule_with_its_exceptions(client, monthly):
    series, organiser = monthly
    feed = open_feed(actor=organiser, target=series.programme)

    body = client.get(reverse("events:calendar_feed", args=[feed.token])).content

    master, *overrides = events_of(body)
    assert master["rrule"]["FREQ"] == ["MONTHLY"] and master["rrule"]["COUNT"] == [6]
    assert [d.dt for d in master["exdate"].dts] == [datetime(2021, 10, 4, 7, 30, tzinfo=HCM)]
    by_recurrence = {o["recurrence-id"].dt: o for o in overrides}
    moved = by_recurrence[datetime(2021, 9, 6, 7, 30, tzinfo=HCM)]
    assert moved["dtstart"].dt == datetime(2021, 9, 7, 7, 30, tzinfo=HCM)
    assert str(by_recurrence[datetime(2021, 10, 4, 7, 30, tzinfo=HCM)]["status"]) == "CANCELLED"
    assert {str(o["uid"]) for o in overrides} == {str(master["uid"])}

    # and vobject, a second parser, expands the rule to the five sessions that remain
    parsed = vobject.readOne(body.decode())
    masters = [v for v in parsed.vevent_list if not hasattr(v, "recurrence_id")]
    assert len(list(masters[0].getrruleset())) == 5


KHAL_CONFIG = """
[calendars]
[[diemcau]]
path = {path}
type = calendar
[locale]
timeformat = %H:%M
dateformat = %d/%m/%Y
longdateformat = %d/%m/%Y
datetimeformat = %d/%m/%Y %H:%M
longdatetimeformat = %d/%m/%Y %H:%M
local_timezone = Asia/Ho_Chi_Minh
default_timezone = Asia/Ho_Chi_Minh
"""


@pytest.mark.skipif(shutil.which("khal") is None, reason="Debian's khal is not installed")
def test_khal_imports_the_feeds(client, tmp_path, monthly, ministry_organiser, training):
    # given an empty khal calendar
    (tmp_path / "cal").mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(KHAL_CONFIG.format(path=tmp_path / "cal"))
    khal = ["khal", "-c", str(config)]
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}

    # when it imports the Ministry training and the monthly series
    for target, actor in (
        (training.programme, ministry_organiser),
        (monthly[0].programme, monthly[1]),
    ):
        feed = open_feed(actor=actor, target=target)
        path = tmp_path / f"{feed.pk}.ics"
        path.write_bytes(client.get(reverse("events:calendar_feed", args=[feed.token])).content)
        subprocess.run(
            [*khal, "import", "--batch", "-a", "diemcau", str(path)], check=True, env=env
        )

    # then its agenda shows them at Vietnamese local time, the cancelled one marked so
    listing = subprocess.run(
        [*khal, "list", "--format", "{cancelled}{start} {title}", "01/08/2021", "400d"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    assert "23/11/2021 08:00 Hội nghị tập huấn trực tuyến cải cách hành chính năm 2021" in listing
    assert "07/09/2021 07:30 Chào cờ và sinh hoạt chính trị đầu tháng" in listing
    assert "CANCELLED 04/10/2021 07:30 Chào cờ và sinh hoạt chính trị đầu tháng" in listing
    held = [line for line in listing.splitlines() if line.endswith("đầu tháng")]
    assert len([line for line in held if not line.startswith("CANCELLED")]) == 5
