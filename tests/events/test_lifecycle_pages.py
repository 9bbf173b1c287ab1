"""The lifecycle as people see it: states with their dates on every page, the close page and
its confirmation, the warning e-mail, the calendars and the API."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from attendance.models import Attendance
from events.models import RosterEntry, Session, SessionPoint
from events.services import (
    add_to_roster,
    advance_sessions,
    assign_coordinator,
    close_session,
    mark_held,
    send_due_notices,
)
from events.states import describe_state
from tests import factories
from tests.events.seeds import HCM


@pytest.fixture(autouse=True)
def _lifecycle_settings(settings):
    settings.SESSION_AUTO_CLOSE_DAYS = 14
    settings.SESSION_CLOSE_WARNING_DAYS = 3


@pytest.fixture
def held(past):
    session = past(days=2)
    mark_held()
    return Session.objects.get(pk=session.pk)


def day(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def page(client, name: str, *args: object) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


# States with their dates


def test_each_state_reads_with_its_date():
    starts = datetime(2026, 12, 11, 8, 0, tzinfo=HCM)
    ends = starts + timedelta(hours=3)
    now = datetime(2026, 12, 12, 9, 0, tzinfo=HCM)

    def state(status, **moments):
        return describe_state(status=status, starts_at=starts, ends_at=ends, now=now, **moments)

    assert state("scheduled") == "Đã lên lịch · 08:00 ngày 11/12/2026"
    assert state("held") == "Đã diễn ra ngày 11/12/2026 · tự đóng ngày 25/12/2026"
    assert state("closed", closed_at=now) == "Đã đóng ngày 12/12/2026"
    assert state("cancelled") == "Đã hủy"


def test_a_held_session_warned_late_reads_the_later_day():
    starts = datetime(2021, 11, 3, 8, 0, tzinfo=HCM)
    now = datetime(2026, 12, 5, 9, 0, tzinfo=HCM)

    text = describe_state(
        status="held", starts_at=starts, ends_at=starts + timedelta(hours=3), now=now
    )

    assert text == "Đã diễn ra ngày 03/11/2021 · tự đóng ngày 08/12/2026"


def test_the_session_list_and_page_show_the_state_with_its_dates(client, held, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    closes = day(held.ends_at + timedelta(days=14))
    expected = f"Đã diễn ra ngày {day(held.starts_at)} · tự đóng ngày {closes}"

    assert expected in page(client, "events:session_list")
    assert expected in page(client, "events:session_detail", held.pk)


def test_a_coordinators_points_list_held_sessions_until_they_are_closed(
    client, held, vinh_phuc_organiser, song_lo
):
    coordinator = factories.coordinator(song_lo.unit, username="dau-moi-song-lo")
    assign_coordinator(point=song_lo, user=coordinator)
    client.force_login(coordinator)

    assert "Đã diễn ra ngày" in page(client, "events:my_points")

    close_session(actor=vinh_phuc_organiser, session=held)
    assert held.title not in page(client, "events:my_points")


def test_an_attendee_sees_their_past_sessions_with_their_state(client, held, song_lo):
    coordinator = factories.coordinator(song_lo.unit, username="dau-moi-song-lo")
    assign_coordinator(point=song_lo, user=coordinator)
    person = factories.PersonFactory(
        user=factories.UserFactory(username="dai-bieu"),
        agency=factories.AgencyFactory(unit=song_lo.unit),
    )
    participation = SessionPoint.objects.get(session=held, point=song_lo)
    add_to_roster(actor=coordinator, participation=participation, person_ids=[person.pk])
    client.force_login(person.user)

    assert "Đã diễn ra ngày" in page(client, "events:my_sessions")


# Closing from the session page


def test_a_held_session_page_offers_to_close_it_and_says_when_it_would_close_itself(
    client, held, vinh_phuc_organiser
):
    client.force_login(vinh_phuc_organiser)

    html = page(client, "events:session_detail", held.pk)

    assert 'id="close-session"' in html
    assert "Nếu không, hội nghị sẽ tự đóng lúc" in html
    assert reverse("events:close_session", args=[held.pk]) in html
    # and it can no longer be moved or edited from there
    assert reverse("events:session_edit", args=[held.pk]) not in html
    assert reverse("events:session_reschedule", args=[held.pk]) not in html


def test_the_close_page_says_what_closing_does_before_anything_changes(
    client, held, vinh_phuc_organiser
):
    client.force_login(vinh_phuc_organiser)

    html = page(client, "events:close_session", held.pk)

    assert "danh sách và điểm danh được chốt" in html
    assert "giấy chứng nhận của chương trình có thể được xét cấp" in html
    assert f"ngày {day(held.ends_at + timedelta(days=14))}" in html
    assert Session.objects.get(pk=held.pk).status == Session.Status.HELD


def test_closing_from_the_page_freezes_the_session(client, held, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)

    response = client.post(reverse("events:close_session", args=[held.pk]), follow=True)

    closed = Session.objects.get(pk=held.pk)
    assert closed.status == Session.Status.CLOSED
    html = response.content.decode()
    assert "Đã đóng hội nghị: danh sách và điểm danh đã được chốt." in html
    assert f"Đã đóng ngày {day(closed.closed_at)}" in html
    assert 'id="close-session"' not in html


def test_closing_twice_tells_the_second_when_it_was_closed(client, held, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    url = reverse("events:close_session", args=[held.pk])
    client.post(url)

    response = client.post(url, follow=True)

    assert "Hội nghị này đã được đóng lúc" in response.content.decode()
    assert held.changes.filter(kind="closed").count() == 1


def test_a_coordinator_cannot_close_a_session(client, held, song_lo):
    coordinator = factories.coordinator(song_lo.unit, username="dau-moi-song-lo")
    assign_coordinator(point=song_lo, user=coordinator)
    client.force_login(coordinator)

    assert client.get(reverse("events:close_session", args=[held.pk])).status_code == 403
    assert client.post(reverse("events:close_session", args=[held.pk])).status_code == 403
    assert Session.objects.get(pk=held.pk).status == Session.Status.HELD


def test_an_organiser_outside_scope_finds_no_session_to_close(client, held, network):
    client.force_login(factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre"))

    assert client.get(reverse("events:close_session", args=[held.pk])).status_code == 404
    assert client.post(reverse("events:close_session", args=[held.pk])).status_code == 404


def test_the_edit_page_of_a_held_session_sends_the_organiser_back_with_why(
    client, held, vinh_phuc_organiser
):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("events:session_edit", args=[held.pk]), follow=True)

    assert "Hội nghị đã diễn ra: không thể đổi giờ hay điểm cầu" in response.content.decode()


def test_the_history_says_a_session_closed_by_itself(client, past, vinh_phuc_organiser):
    session = past(days=20)
    advance_sessions()
    from events.services import close_due

    close_due(now=timezone.now() + timedelta(days=4))
    client.force_login(vinh_phuc_organiser)

    assert "tự đóng: không ai đóng trong vòng 14 ngày" in page(
        client, "events:session_detail", session.pk
    )


# The warning e-mail


def test_the_warning_mail_says_what_is_recorded_when_it_closes_and_where_to_close_it(
    past, song_lo, settings
):
    # given a held session with two people at Sông Lô, one of whom checked in
    session = past(days=12)
    coordinator = factories.coordinator(song_lo.unit, username="dau-moi-song-lo")
    assign_coordinator(point=song_lo, user=coordinator)
    participation = SessionPoint.objects.get(session=session, point=song_lo)
    people = factories.PersonFactory.create_batch(
        2, agency=factories.AgencyFactory(unit=song_lo.unit)
    )
    add_to_roster(actor=coordinator, participation=participation, person_ids=[p.pk for p in people])
    entry = RosterEntry.objects.filter(session=session).first()
    Attendance.objects.create(
        entry=entry,
        session=session,
        participation=participation,
        checked_in_at=session.starts_at,
    )
    mail.outbox.clear()

    # when the beat warns and the notices go
    advance_sessions()
    send_due_notices(seconds=5)

    # then the organiser reads the session, its figures, the day and the link
    (message,) = mail.outbox
    session.refresh_from_db()
    # (warned a day after its due moment, it closes three days after the warning)
    closes = day(session.close_warned_at + timedelta(days=3))
    assert message.to == ["sonoivu@vinhphuc.gov.vn"]
    assert message.subject == f"Hội nghị “{session.title}” sẽ tự đóng ngày {closes}"
    body = message.body
    assert f"đã diễn ra lúc {timezone.localtime(session.starts_at):%H:%M} ngày" in body
    assert "2 điểm cầu" in body
    assert "2 người trong danh sách" in body
    assert "1 người đã điểm danh" in body
    assert settings.SITE_URL + reverse("events:session_detail", args=[session.pk]) in body
    html = message.alternatives[0][0]
    assert "Mở trang hội nghị" in html
    assert not message.attachments  # no calendar invitation, no QR code


# Calendars and the API


def test_a_held_session_stays_confirmed_in_calendars(client, held, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)

    body = client.get(reverse("events:session_calendar", args=[held.pk])).content
    (event,) = Calendar.from_ical(body).walk("VEVENT")

    assert str(event["status"]) == "CONFIRMED"


def test_the_api_gives_the_lifecycle_moments_and_answers_a_second_closing_with_409(
    client, held, vinh_phuc_organiser
):
    client.force_login(vinh_phuc_organiser)

    detail = client.get(f"/api/events/sessions/{held.pk}").json()
    assert detail["status"] == "held"
    assert detail["held_at"] is not None and detail["closed_at"] is None

    closed = client.post(f"/api/events/sessions/{held.pk}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"] is not None

    again = client.post(f"/api/events/sessions/{held.pk}/close")
    assert again.status_code == 409
    assert again.json()["code"] == "already_closed"
    assert "đã được đóng lúc" in again.json()["message"]


def test_the_api_refuses_to_move_a_held_session(client, held, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    later = timezone.now() + timedelta(days=2)

    response = client.post(
        f"/api/events/sessions/{held.pk}/reschedule",
        {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat()},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "Hội nghị đã diễn ra" in response.json()["message"]
