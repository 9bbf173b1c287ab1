"""The check-in window: a session takes scans from an hour before its start to its end,
unless an organiser widens it. A scan outside is refused with its own code (`not_open_yet`,
`ended`) and recorded like every refusal. Online scans are judged by the server's clock;
scans a phone held offline by their own time, which is corrected when the phone's clock is
far off (and the arrival flagged on the roster), never silently trusted.

The issue's case: a coordinator's scanner accepted a check-in on 04/12 for a session on
11/12, and the roster then read "Đúng giờ 20:47" with no date.
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, Method, ScanAttempt
from attendance.services import (
    ScanRequest,
    check_in_walk_in,
    correct_times,
    record_scan,
    self_check_in,
    undo_check_in,
)
from attendance.tickets import current_step, point_code_for
from events.models import RosterEntry, Session, SessionChange, SessionPoint
from events.services import (
    PersonDetails,
    SessionEdit,
    cancel_session,
    close_session,
    session_version,
)
from events.services import edit_session as edit_session_service
from tests.checkins import attendee_of, post_scan, ticket

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = timedelta(days=365)
# Statements that exist only because each test runs inside a transaction.
TEST_TRANSACTION = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def move(session: Session, *, starts_in: timedelta, length: timedelta = timedelta(hours=3)):
    """Start the session `starts_in` from now (straight in the database: scheduling
    forbids a past start), keeping its status."""
    starts = timezone.now().replace(microsecond=0) + starts_in
    Session.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + length)
    session.refresh_from_db()
    return session


def held(session: Session) -> Session:
    Session.objects.filter(pk=session.pk).update(status=Session.Status.HELD, held_at=timezone.now())
    session.refresh_from_db()
    return session


def moment(value: datetime) -> str:
    """ "07:00 ngày 11/12/2026", as messages write a moment."""
    return value.astimezone(HCM).strftime("%H:%M ngày %d/%m/%Y")


def day_moment(value: datetime) -> str:
    """ "07:52 ngày 11/12", as the roster writes an arrival."""
    return value.astimezone(HCM).strftime("%H:%M ngày %d/%m")


def now() -> datetime:
    return timezone.now().replace(microsecond=0)


def attendances() -> list[dict]:
    return list(Attendance.objects.order_by("pk").values())


def scan(client, rush, entry=None, **fields):
    client.force_login(rush.coordinator)
    return post_scan(client, rush.song_lo, ticket(entry or rush.entries[0]), **fields)


def refused(response, code: str) -> tuple[dict, ScanAttempt]:
    """The answer is the refusal `code`, naming nobody; it was recorded as refused."""
    assert response.status_code == 409, response.content
    body = response.json()
    assert (body["accepted"], body["code"], body["name"], body["entry_id"]) == (
        False,
        code,
        "",
        None,
    )
    attempt = ScanAttempt.objects.get(scan_id=body["scan_id"])
    assert (attempt.outcome, attempt.reason) == (ScanAttempt.Outcome.REFUSED, code)
    assert attempt.recorded_time is None
    return body, attempt


def accepted(response) -> tuple[dict, ScanAttempt]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] is True
    return body, ScanAttempt.objects.get(scan_id=body["scan_id"])


# Online scans, by the server's clock


def test_a_scan_a_week_before_the_session_is_refused_saying_when_check_in_opens(client, rush):
    # given the session starts in a week
    session = move(rush.session, starts_in=timedelta(days=7))

    # when the coordinator scans a ticket today
    response = scan(client, rush, scanned_at=now())

    # then the scan is refused, saying when check-in opens, and nothing is checked in
    body, attempt = refused(response, "not_open_yet")
    opens = session.starts_at - timedelta(minutes=60)
    assert body["message"] == f"Chưa đến giờ điểm danh: điểm danh mở lúc {moment(opens)}."
    assert attendances() == []
    assert attempt.participation == rush.song_lo
    assert attempt.actor == rush.coordinator
    assert attempt.payload == ticket(rush.entries[0])


def test_a_scan_a_day_after_the_session_is_refused_saying_when_check_in_closed(client, rush):
    session = move(rush.session, starts_in=-timedelta(days=1), length=timedelta(hours=3))

    body, _attempt = refused(scan(client, rush), "ended")

    assert body["message"] == f"Đã hết giờ điểm danh (đóng lúc {moment(session.ends_at)})."
    assert attendances() == []


@pytest.mark.parametrize(
    ("starts_in", "code"),
    [
        (timedelta(minutes=61), "not_open_yet"),
        (timedelta(minutes=59), "checked_in"),
        (-timedelta(hours=2, minutes=59), "checked_in"),
        (-timedelta(hours=3, minutes=1), "ended"),
    ],
)
def test_check_in_opens_an_hour_before_the_start_and_closes_at_the_end(
    client, rush, starts_in, code
):
    move(rush.session, starts_in=starts_in, length=timedelta(hours=3))

    response = scan(client, rush)

    assert response.json()["code"] == code


def test_a_name_search_before_the_window_is_refused_too(client, rush):
    move(rush.session, starts_in=timedelta(days=1))
    client.force_login(rush.coordinator)

    response = post_scan(client, rush.song_lo, entry_id=rush.entries[0].pk)

    refused(response, "not_open_yet")
    assert attendances() == []


def test_a_check_out_after_the_window_is_refused(client, rush):
    move(rush.session, starts_in=-timedelta(hours=2), length=timedelta(hours=1))
    Attendance.objects.create(
        entry=rush.entries[0],
        session=rush.session,
        participation=rush.song_lo,
        checked_in_at=rush.session.starts_at,
    )

    refused(scan(client, rush, action="check_out"), "ended")

    assert Attendance.objects.get(entry=rush.entries[0]).checked_out_at is None


@pytest.mark.parametrize(
    ("end", "code"), [("cancel", "session_cancelled"), ("close", "session_closed")]
)
def test_a_closed_or_cancelled_session_keeps_its_own_refusal_outside_the_window(
    client, rush, end, code
):
    if end == "cancel":
        cancel_session(actor=rush.organiser, session=rush.session, reason="Mưa bão")
        move(rush.session, starts_in=-timedelta(days=2))
    else:
        move(rush.session, starts_in=-timedelta(days=2))
        close_session(actor=rush.organiser, session=rush.session)

    refused(scan(client, rush), code)


def test_a_held_session_still_takes_scans_inside_its_widened_window(client, rush):
    # given a session that ended ten minutes ago, held, whose organiser kept check-in open
    # for half an hour after its end
    session = move(rush.session, starts_in=-timedelta(hours=3, minutes=10))
    Session.objects.filter(pk=session.pk).update(checkin_closes_minutes=30)
    held(session)

    body, attempt = accepted(scan(client, rush))

    assert body["code"] == "checked_in"
    assert Attendance.objects.get(entry=rush.entries[0]).checked_in_at == attempt.server_time


def test_a_held_session_refuses_scans_after_its_window(client, rush):
    held(move(rush.session, starts_in=-timedelta(hours=3, minutes=10)))

    refused(scan(client, rush), "ended")


def test_a_window_refusal_sent_again_answers_the_same_words(client, rush):
    move(rush.session, starts_in=timedelta(days=2))
    scan_id = uuid.uuid4()

    first = scan(client, rush, scan_id=scan_id).json()
    again = scan(client, rush, scan_id=scan_id).json()

    assert (again["code"], again["message"], again["repeated"]) == (
        "not_open_yet",
        first["message"],
        True,
    )
    assert ScanAttempt.objects.count() == 1


# Scans held offline, by the phone's time


def test_a_scan_held_offline_during_the_session_counts_when_it_syncs_after_the_end(client, rush):
    # given the session ran from four hours ago to an hour ago; the phone scanned Mạnh five
    # minutes before the start, with no signal, and gets one only now
    session = move(rush.session, starts_in=-timedelta(hours=4))
    scanned_at = session.starts_at - timedelta(minutes=5)

    body, attempt = accepted(scan(client, rush, queued=True, scanned_at=scanned_at, sent_at=now()))

    # then he arrived on time, at the phone's time
    arrival = Attendance.objects.get(entry=rush.entries[0])
    assert arrival.checked_in_at == scanned_at == datetime.fromisoformat(body["time"])
    assert body["status"] == Attendance.Status.ON_TIME
    assert arrival.device_clock_skew is None
    assert abs(attempt.clock_skew) <= 2


def test_a_scan_held_offline_dated_a_week_early_is_refused(client, rush):
    session = move(rush.session, starts_in=timedelta(minutes=20))
    week_early = now() - timedelta(days=7)

    body, attempt = refused(
        scan(client, rush, queued=True, scanned_at=week_early, sent_at=now()),
        "not_open_yet",
    )

    assert moment(session.starts_at - timedelta(hours=1)) in body["message"]
    assert attempt.device_time == week_early
    assert attendances() == []


def test_a_scan_held_offline_dated_after_the_end_is_refused(client, rush):
    session = move(rush.session, starts_in=-timedelta(hours=4))

    refused(
        scan(
            client,
            rush,
            queued=True,
            scanned_at=session.ends_at + timedelta(minutes=20),
            sent_at=now(),
        ),
        "ended",
    )


def test_an_old_scanner_sending_no_clock_still_has_its_held_scans_judged_by_their_time(
    client, rush
):
    session = move(rush.session, starts_in=-timedelta(hours=4))
    scanned_at = session.starts_at + timedelta(minutes=3)

    accepted(scan(client, rush, queued=True, scanned_at=scanned_at))

    assert Attendance.objects.get(entry=rush.entries[0]).checked_in_at == scanned_at


# A phone whose clock is off


def test_a_phone_clock_a_year_back_does_not_put_an_offline_arrival_a_year_back(client, rush):
    # given a phone whose clock is a year behind scanned Mạnh offline ten minutes ago, and
    # sends the scan now
    real_scan = now() - timedelta(minutes=10)

    body, attempt = accepted(
        scan(
            client,
            rush,
            queued=True,
            scanned_at=real_scan - YEAR,
            sent_at=now() - YEAR,
        )
    )

    # then the arrival is when it really was, by the server's clock, and flagged
    arrival = Attendance.objects.get(entry=rush.entries[0])
    assert abs(arrival.checked_in_at - real_scan) <= timedelta(seconds=2)
    assert abs(arrival.device_clock_skew + YEAR.total_seconds()) <= 2
    assert attempt.clock_skew == arrival.device_clock_skew
    assert attempt.device_time == real_scan - YEAR
    assert body["status"] == Attendance.Status.ON_TIME


def test_a_phone_clock_a_year_back_online_is_dated_by_the_server_and_flagged(client, rush):
    _body, attempt = accepted(scan(client, rush, scanned_at=now() - YEAR, sent_at=now() - YEAR))

    arrival = Attendance.objects.get(entry=rush.entries[0])
    assert arrival.checked_in_at == attempt.server_time
    assert arrival.device_clock_skew is not None
    assert arrival.device_clock_skew < -YEAR.total_seconds() + 5


def test_a_phone_clock_a_year_back_without_its_sending_time_is_refused_not_trusted(client, rush):
    # An offline scan dated a year back by a phone that does not say its clock: refused,
    # and kept among the attempts with its payload and both times, so nothing is lost.
    year_back = now() - YEAR

    _body, attempt = refused(scan(client, rush, queued=True, scanned_at=year_back), "not_open_yet")

    assert attempt.device_time == year_back
    assert attempt.clock_skew is None
    assert attempt.payload == ticket(rush.entries[0])
    assert attendances() == []


def test_a_clock_a_few_minutes_off_is_recorded_but_neither_corrected_nor_flagged(client, rush):
    scanned_at = now() - timedelta(minutes=8)

    _body, attempt = accepted(
        scan(
            client,
            rush,
            queued=True,
            scanned_at=scanned_at,
            sent_at=now() + timedelta(minutes=2),
        )
    )

    arrival = Attendance.objects.get(entry=rush.entries[0])
    assert arrival.checked_in_at == scanned_at
    assert arrival.device_clock_skew is None
    assert 115 <= attempt.clock_skew <= 120


def test_every_attempt_keeps_the_phones_clock_skew_refused_ones_too(client, rush):
    move(rush.session, starts_in=timedelta(days=1))

    _body, attempt = refused(scan(client, rush, sent_at=now() + timedelta(hours=2)), "not_open_yet")

    assert 7195 <= attempt.clock_skew <= 7200


def test_a_corrected_time_or_an_undo_drops_the_flag(client, rush):
    accepted(scan(client, rush, sent_at=now() - timedelta(hours=3)))
    entry = rush.entries[0]
    assert Attendance.objects.get(entry=entry).device_clock_skew is not None

    correct_times(
        actor=rush.coordinator,
        entry=entry,
        checked_in_at=rush.session.starts_at,
        checked_out_at=None,
        reason="Giờ trên máy sai, đã đối chiếu sổ ký",
    )
    assert Attendance.objects.get(entry=entry).device_clock_skew is None

    accepted(scan(client, rush, rush.entries[1], sent_at=now() - timedelta(hours=3)))
    undo_check_in(actor=rush.coordinator, entry=rush.entries[1], reason="Quét nhầm người")
    assert Attendance.objects.get(entry=rush.entries[1]).device_clock_skew is None


def test_the_roster_flags_an_arrival_from_a_phone_clock_far_off(client, rush):
    accepted(scan(client, rush, sent_at=now() - timedelta(hours=3, minutes=12)))

    page = client.get(reverse("attendance:roster", args=[rush.song_lo.pk])).content.decode()

    assert "Giờ trên máy lệch 3 giờ 12 phút" in page
    assert "chậm 3 giờ 12 phút so với máy chủ" in page


# Cost


def test_a_flagged_offline_scan_still_makes_at_most_five_queries(client, rush):
    client.force_login(rush.coordinator)
    payload = ticket(rush.entries[0])

    with CaptureQueriesContext(connection) as queries:
        response = post_scan(
            client,
            rush.song_lo,
            payload,
            queued=True,
            scanned_at=now() - timedelta(minutes=5) - YEAR,
            sent_at=now() - YEAR,
        )

    assert response.json()["code"] == "checked_in"
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith(TEST_TRANSACTION)
    ]
    assert len(statements) <= 5, "\n".join(statements)


def test_a_scan_refused_by_the_window_reads_no_roster(client, rush):
    move(rush.session, starts_in=timedelta(days=1))
    client.force_login(rush.coordinator)
    payload = ticket(rush.entries[0])

    with CaptureQueriesContext(connection) as queries:
        response = post_scan(client, rush.song_lo, payload)

    assert response.json()["code"] == "not_open_yet"
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith(TEST_TRANSACTION)
    ]
    assert len(statements) <= 3, "\n".join(statements)


# Self check-in and walk-ins


def test_self_check_in_before_the_window_is_refused_and_the_page_says_when_it_opens(client, rush):
    session = move(rush.session, starts_in=timedelta(days=1))
    user = attendee_of(rush.entries[0], username="nguyen-van-manh")
    code = point_code_for(rush.song_lo.pk, current_step())

    result = self_check_in(user=user, payload=code)

    assert result.code == "not_open_yet"
    attempt = ScanAttempt.objects.get()
    assert (attempt.method, attempt.reason) == (Method.SELF, "not_open_yet")
    client.force_login(user)
    page = client.get(reverse("attendance:self_check_in", args=[code])).content.decode()
    opens = moment(session.starts_at - timedelta(hours=1))
    assert f"Mở điểm danh lúc {opens}." in page
    assert "Điểm danh cho tôi" not in page
    assert attendances() == []


def test_a_walk_in_after_the_window_is_refused_recorded_and_adds_nobody(rush):
    move(rush.session, starts_in=-timedelta(days=1))
    on_roster = RosterEntry.objects.count()

    with pytest.raises(ValidationError) as refusal:
        check_in_walk_in(
            actor=rush.coordinator,
            participation=SessionPoint.objects.select_related("session").get(pk=rush.song_lo.pk),
            details=PersonDetails(full_name="Khách Đến Muộn", phone="0912000111"),
        )

    assert "Đã hết giờ điểm danh" in " ".join(refusal.value.messages)
    assert RosterEntry.objects.count() == on_roster
    attempt = ScanAttempt.objects.get()
    assert (attempt.method, attempt.outcome, attempt.reason) == (
        Method.WALK_IN,
        ScanAttempt.Outcome.REFUSED,
        "ended",
    )
    assert attempt.participation == rush.song_lo and attempt.actor == rush.coordinator


def test_a_walk_in_through_the_api_before_the_window_answers_400_with_the_reason(client, rush):
    move(rush.session, starts_in=timedelta(days=1))
    client.force_login(rush.coordinator)

    response = client.post(
        reverse("api:walk_in"),
        {"participation_id": rush.song_lo.pk, "full_name": "Khách Lạ", "phone": "0912000222"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "Chưa đến giờ điểm danh" in response.json()["message"]


# An organiser widens the window


def widen(rush, **minutes):
    session = Session.objects.select_related("host_point__unit").get(pk=rush.session.pk)
    return edit_session_service(
        actor=rush.organiser,
        session=session,
        version=session_version(session),
        edit=SessionEdit(**minutes),
    ).session


def test_a_window_widened_by_the_organiser_takes_the_scan_it_refused(client, rush):
    # given the session starts in three hours: too early to check in
    session = move(rush.session, starts_in=timedelta(hours=3))
    refused(scan(client, rush), "not_open_yet")
    sequence = session.sequence

    # when the organiser opens check-in four hours before the start
    widened = widen(rush, checkin_opens_minutes=240)

    # then the same scan is taken; attendees are told nothing, the change is recorded
    body, _attempt = accepted(scan(client, rush))
    assert body["code"] == "checked_in"
    assert widened.sequence == sequence
    change = widened.changes.get(kind=SessionChange.Kind.SETTINGS_CHANGED)
    assert change.actor == rush.organiser
    assert change.details == {
        "before": {"checkin_opens_minutes": 60},
        "after": {"checkin_opens_minutes": 240},
    }


def test_a_window_wider_than_a_week_is_refused_and_changes_nothing(rush):
    with pytest.raises(ValidationError) as refusal:
        widen(rush, checkin_opens_minutes=10081, checkin_closes_minutes=-1)

    assert set(refusal.value.message_dict) == {"checkin_opens_minutes", "checkin_closes_minutes"}
    session = Session.objects.get(pk=rush.session.pk)
    assert (session.checkin_opens_minutes, session.checkin_closes_minutes) == (60, 0)


def test_the_edit_page_widens_the_window_and_refuses_nonsense(client, rush):
    client.force_login(rush.organiser)
    url = reverse("events:session_edit", args=[rush.session.pk])
    form = client.get(url).context["form"]
    data = {
        key: value.strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else value
        for key, value in form.initial.items()
        if value is not None
    }

    bad = client.post(url, {**data, "checkin_closes_minutes": "20000"})
    good = client.post(
        url, {**data, "checkin_opens_minutes": "120", "checkin_closes_minutes": "45"}
    )

    assert bad.status_code == 400
    assert bad.context["form"].errors["checkin_closes_minutes"]
    assert good.status_code == 302, good.content
    session = Session.objects.get(pk=rush.session.pk)
    assert (session.checkin_opens_minutes, session.checkin_closes_minutes) == (120, 45)


def test_the_api_edits_the_window_and_reads_it_back(client, rush):
    client.force_login(rush.organiser)
    session = Session.objects.get(pk=rush.session.pk)

    response = client.post(
        f"/api/events/sessions/{session.pk}/edit",
        {"version": session_version(session), "checkin_closes_minutes": 90},
        content_type="application/json",
    )
    too_wide = client.post(
        f"/api/events/sessions/{session.pk}/edit",
        {"version": response.json()["session"]["version"], "checkin_opens_minutes": 10081},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    out = response.json()["session"]
    assert out["checkin_closes_minutes"] == 90
    assert datetime.fromisoformat(out["checkin_closes_at"]) == session.ends_at + timedelta(
        minutes=90
    )
    assert too_wide.status_code == 422


# The pages


def test_the_scanner_says_when_check_in_opens(client, rush):
    session = move(rush.session, starts_in=timedelta(days=1))
    client.force_login(rush.coordinator)

    page = client.get(reverse("attendance:scanner", args=[rush.song_lo.pk])).content.decode()

    assert f"Mở điểm danh lúc {moment(session.starts_at - timedelta(hours=1))}." in page
    assert 'data-state="not_open_yet"' in page


def test_the_point_screen_shows_when_check_in_opens_instead_of_its_code(client, rush):
    session = move(rush.session, starts_in=timedelta(days=1))
    client.force_login(rush.coordinator)

    page = client.get(reverse("attendance:display", args=[rush.song_lo.pk])).content.decode()
    code = client.get(reverse("api:display_code", args=[rush.song_lo.pk])).json()

    notice = f"Mở điểm danh lúc {moment(session.starts_at - timedelta(hours=1))}."
    assert notice in page
    assert (code["window"], code["notice"]) == ("not_open_yet", notice)


def test_the_point_screen_says_check_in_has_ended(client, rush):
    session = move(rush.session, starts_in=-timedelta(hours=5))
    client.force_login(rush.coordinator)

    code = client.get(reverse("api:display_code", args=[rush.song_lo.pk])).json()

    assert code["window"] == "ended"
    assert code["notice"] == f"Đã hết giờ điểm danh (đóng lúc {moment(session.ends_at)})."


def test_the_roster_reads_each_arrival_and_departure_with_its_day(client, rush):
    session = move(rush.session, starts_in=-timedelta(hours=2), length=timedelta(hours=3))
    on_time = session.starts_at - timedelta(minutes=8)
    late = session.starts_at + timedelta(minutes=20)
    left = session.starts_at + timedelta(minutes=90)
    for entry, arrived, departed in (
        (rush.entries[0], on_time, left),
        (rush.entries[1], late, None),
    ):
        Attendance.objects.create(
            entry=entry,
            session=session,
            participation=rush.song_lo,
            checked_in_at=arrived,
            checked_out_at=departed,
        )
    client.force_login(rush.coordinator)

    page = client.get(reverse("attendance:roster", args=[rush.song_lo.pk])).content.decode()
    exported = client.get(reverse("attendance:roster_export", args=[rush.song_lo.pk, "csv"]))

    assert f'Về sớm</span> <span class="text-nowrap" data-arrived>{day_moment(on_time)}' in page
    assert f"Ra về {day_moment(left)}" in page
    assert f'Đến muộn</span> <span class="text-nowrap" data-arrived>{day_moment(late)}' in page
    assert moment(late) in exported.content.decode("utf-8-sig")


def test_the_scanners_answer_to_a_second_scan_names_the_day_of_the_first(client, rush):
    accepted(scan(client, rush))
    arrived = Attendance.objects.get(entry=rush.entries[0]).checked_in_at

    body = scan(client, rush).json()

    assert body["code"] == "already_checked_in"
    assert day_moment(arrived) in body["message"]


def test_the_dashboard_counts_a_held_session_with_a_wider_window_as_still_checking_in(client, rush):
    from attendance.selectors.dashboard import PointState, dashboard_for

    session = move(rush.session, starts_in=-timedelta(hours=3, minutes=5))
    Session.objects.filter(pk=session.pk).update(checkin_closes_minutes=30)
    session = held(session)

    open_board = dashboard_for(rush.organiser, session)
    later = dashboard_for(rush.organiser, session, now=timezone.now() + timedelta(minutes=40))

    assert not open_board.is_over
    assert {row.state for g in open_board.groups for row in g.points} == {PointState.NOT_STARTED}
    assert later.is_over


def test_the_service_judges_a_scan_by_what_the_request_says(rush):
    move(rush.session, starts_in=-timedelta(hours=4))
    scanned_at = rush.session.starts_at

    result = record_scan(
        actor=rush.coordinator,
        request=ScanRequest(
            participation_id=rush.song_lo.pk,
            payload=ticket(rush.entries[0]),
            scan_id=uuid.uuid4(),
            device_time=scanned_at - timedelta(hours=7),
            sent_at=timezone.now() - timedelta(hours=7),
            queued=True,
        ),
    )

    assert result.code == "checked_in"
    arrival = Attendance.objects.get(entry=rush.entries[0])
    assert abs(arrival.checked_in_at - scanned_at) <= timedelta(seconds=2)
    assert abs(arrival.device_clock_skew + 7 * 3600) <= 2
