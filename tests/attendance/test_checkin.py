"""Checking in with the coordinator's phone, through the API the scanner page speaks.

Every answer has a stable code and HTTP status: 200 accepted, 409 refused for good (do not
resend), 404 no such point or person for this caller, 429 too fast (resend later). A
refused scan changes nothing but is recorded, with the device, the caller and both clocks.
What a refusal may say about whom: tests/attendance/test_scan_reach.py.
"""

import uuid
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, Method, ScanAttempt, attendance_status
from attendance.services import CHECK_OUT, ScanRequest, record_scan, upsert_arrival
from attendance.tickets import ticket_for
from events.models import RosterEntry, SessionPoint
from events.services import (
    PointSelection,
    add_to_roster,
    cancel_session,
    close_session,
    remove_from_roster,
    revoke_ticket,
)
from tests import factories
from tests.checkins import move_start_into_past, post_scan, ticket
from tests.events.seeds import vinh_phuc_session

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEVICE = "dien-thoai-1"
TAM_DAO_POINT = "Điểm cầu Huyện Tam Đảo"
# Statements that exist only because each test runs inside a transaction.
TEST_TRANSACTION = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def attendances() -> list[dict]:
    return list(Attendance.objects.order_by("pk").values())


def hh_mm(moment: datetime) -> str:
    return moment.astimezone(HCM).strftime("%H:%M")


def when(body: dict) -> datetime:
    return datetime.fromisoformat(body["time"])


def ms(moment: datetime) -> datetime:
    """As precise as JSON carries it: milliseconds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def device_clock(offset: timedelta = timedelta(0)) -> datetime:
    return timezone.now().replace(microsecond=0) + offset


def scan_refused(client, actor, participation, payload="", *, code, status=409, **fields):
    """Scan as `actor`, expect the refusal `code`, and check it changed nothing but the log."""
    client.force_login(actor)
    before = attendances()
    scanned_at = device_clock(-timedelta(seconds=2))
    response = post_scan(client, participation, payload, scanned_at=scanned_at, **fields)
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["accepted"], body["code"]) == (False, code)
    assert body["message"]
    assert attendances() == before
    attempt = ScanAttempt.objects.get(scan_id=body["scan_id"])
    assert attempt.outcome == ScanAttempt.Outcome.REFUSED
    assert attempt.reason == code
    assert attempt.device_id == DEVICE
    assert attempt.actor_id == actor.pk
    assert attempt.participation_id == participation.pk
    assert attempt.device_time == scanned_at
    assert scanned_at <= attempt.server_time <= timezone.now()
    assert attempt.payload == payload[:120]
    return body, attempt


def scan_accepted(client, actor, participation, payload="", **fields):
    client.force_login(actor)
    response = post_scan(client, participation, payload, **fields)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] is True
    return body


@pytest.fixture
def next_week(rush, network, vinh_phuc_organiser) -> RosterEntry:
    """Sông Lô's point in another session, with Nguyễn Văn Mạnh on its roster."""
    starts = rush.session.starts_at + timedelta(days=7)
    session = vinh_phuc_session(
        network,
        vinh_phuc_organiser,
        title="Hội nghị sơ kết CCHC quý IV",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        selection=PointSelection(add=(rush.song_lo.point_id,)),
        record_past=False,
    ).session
    participation = SessionPoint.objects.get(session=session, point_id=rush.song_lo.point_id)
    add_to_roster(
        actor=rush.coordinator, participation=participation, person_ids=[rush.people[0].pk]
    )
    return RosterEntry.objects.get(participation=participation)


# Accepted


def test_a_valid_ticket_checks_the_person_in_at_their_own_point(client, rush):
    entry = rush.entries[0]
    scanned_at = device_clock(-timedelta(seconds=1))

    body = scan_accepted(
        client, rush.coordinator, rush.song_lo, ticket(entry), scanned_at=scanned_at
    )

    assert body["code"] == "checked_in"
    assert body["entry_id"] == entry.pk
    assert body["name"] == entry.person.full_name
    assert body["agency"] == "UBND huyện Sông Lô"
    assert body["point"] == rush.song_lo.point.name
    assert body["status"] == Attendance.Status.ON_TIME
    assert body["repeated"] is False
    assert entry.person.full_name in body["message"]
    attendance = Attendance.objects.get(entry=entry)
    attempt = ScanAttempt.objects.get(scan_id=body["scan_id"])
    assert attendance.checked_in_at == attempt.server_time
    assert when(body) == ms(attendance.checked_in_at)
    assert attendance.check_in_method == Method.SCAN
    assert attendance.checked_in_by == rush.coordinator
    assert (attendance.session, attendance.participation) == (rush.session, rush.song_lo)
    assert attempt.outcome == ScanAttempt.Outcome.ACCEPTED
    assert attempt.reason == "checked_in"
    assert (attempt.entry, attempt.actor, attempt.device_id) == (entry, rush.coordinator, DEVICE)
    assert attempt.device_time == scanned_at
    assert attempt.recorded_time == attendance.checked_in_at
    assert attempt.method == Method.SCAN


def test_a_person_found_by_name_is_checked_in_by_hand(client, rush):
    entry = rush.entries[2]

    body = scan_accepted(client, rush.coordinator, rush.song_lo, entry_id=entry.pk)

    assert (body["code"], body["entry_id"]) == ("checked_in", entry.pk)
    assert Attendance.objects.get(entry=entry).check_in_method == Method.MANUAL
    assert ScanAttempt.objects.get(scan_id=body["scan_id"]).method == Method.MANUAL


def test_an_organiser_over_the_points_unit_may_scan_there(client, rush):
    body = scan_accepted(client, rush.organiser, rush.song_lo, ticket(rush.entries[0]))

    assert body["code"] == "checked_in"
    assert Attendance.objects.get(entry=rush.entries[0]).checked_in_by == rush.organiser


def test_a_person_checking_in_after_the_late_threshold_is_late(client, rush):
    move_start_into_past(rush.session, ago=timedelta(minutes=16), length=timedelta(hours=3))

    body = scan_accepted(client, rush.coordinator, rush.song_lo, ticket(rush.entries[0]))

    assert body["status"] == Attendance.Status.LATE
    assert Attendance.objects.get(entry=rush.entries[0]).status == Attendance.Status.LATE


# Refused: the payload


@pytest.mark.parametrize("length", [150, 1999])
def test_a_payload_far_too_long_for_a_ticket_is_refused_as_too_long(client, rush, length):
    payload = ("DC1." + "9" * length)[:length]

    _body, attempt = scan_refused(client, rush.coordinator, rush.song_lo, payload, code="too_long")

    assert len(attempt.payload) == 120
    assert attempt.entry is None


def test_a_payload_beyond_what_the_api_takes_is_rejected_before_anything_is_recorded(client, rush):
    client.force_login(rush.coordinator)

    response = post_scan(client, rush.song_lo, "x" * 5000)

    assert response.status_code in (400, 422)
    assert not ScanAttempt.objects.exists()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "payload",
    ["https://zalo.me/g/hoinghi-cchc", "0912345678", "Nguyễn Văn Mạnh", "DC2.1.1.x"],
)
def test_a_qr_code_that_is_not_a_diemcau_ticket_is_refused(client, rush, payload):
    scan_refused(client, rush.coordinator, rush.song_lo, payload, code="not_a_ticket")


def test_a_ticket_cut_short_is_refused_as_malformed(client, rush):
    truncated = ticket(rush.entries[0])[:-4]

    scan_refused(client, rush.coordinator, rush.song_lo, truncated, code="malformed")


def test_a_ticket_with_an_altered_tag_is_refused_as_forged(client, rush):
    genuine = ticket(rush.entries[0])
    forged = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")

    _body, attempt = scan_refused(client, rush.coordinator, rush.song_lo, forged, code="forged")

    assert attempt.payload == forged
    assert attempt.entry is None


def test_a_ticket_for_another_entry_made_by_changing_its_number_is_forged(client, rush):
    genuine = ticket(rush.entries[0])
    _prefix, _entry, version, tag = genuine.split(".")
    other = f"DC1.{rush.entries[1].pk}.{version}.{tag}"

    scan_refused(client, rush.coordinator, rush.song_lo, other, code="forged")


def test_a_ticket_signed_with_another_secret_is_refused_as_forged(client, rush, settings):
    entry = rush.entries[0]
    settings.TICKET_SECRET = "khóa bị lộ của máy chủ thử nghiệm"
    foreign = ticket_for(entry.pk, entry.ticket_version)
    settings.TICKET_SECRET = "khóa thật của máy chủ"

    scan_refused(client, rush.coordinator, rush.song_lo, foreign, code="forged")


# Refused: the person


def test_a_revoked_ticket_is_refused_and_the_new_one_checks_in(client, rush):
    entry = rush.entries[0]
    old = ticket(entry)
    revoke_ticket(actor=rush.coordinator, entry=entry, reason="Ảnh chụp mã QR bị chia sẻ")

    body, attempt = scan_refused(client, rush.coordinator, rush.song_lo, old, code="revoked")

    assert entry.person.full_name in body["message"]
    assert attempt.entry == entry
    new = scan_accepted(client, rush.coordinator, rush.song_lo, ticket(entry))
    assert new["code"] == "checked_in"
    assert Attendance.objects.filter(entry=entry, checked_in_at__isnull=False).count() == 1


def test_someone_taken_off_the_roster_is_refused_as_not_on_roster(client, rush):
    entry = rush.entries[0]
    remove_from_roster(actor=rush.coordinator, entry=entry, reason="Đi công tác")

    body, attempt = scan_refused(
        client, rush.coordinator, rush.song_lo, ticket(entry), code="not_on_roster"
    )

    assert entry.person.full_name in body["message"]
    assert attempt.entry == entry


def test_a_signed_ticket_for_an_entry_that_does_not_exist_is_an_unknown_person(client, rush):
    body, attempt = scan_refused(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket_for(987654, 1),
        code="unknown_person",
        status=404,
    )

    assert (body["entry_id"], body["name"], attempt.entry) == (None, "", None)


def test_a_ticket_of_another_session_is_refused_naming_that_session(client, rush, next_week):
    body, attempt = scan_refused(
        client, rush.coordinator, rush.song_lo, ticket(next_week), code="wrong_session"
    )

    assert "Hội nghị sơ kết CCHC quý IV" in body["message"]
    assert attempt.entry == next_week
    assert not Attendance.objects.filter(entry__person=rush.people[0]).exists()


def test_a_ticket_scanned_at_another_point_is_refused_naming_the_right_point(client, rush):
    # The organiser keeps both points' rosters; a coordinator of only this one hears nothing
    # about the person (tests/attendance/test_scan_reach.py).
    body, attempt = scan_refused(
        client, rush.organiser, rush.song_lo, ticket(rush.tam_dao_entry), code="wrong_point"
    )

    assert "Phạm Đức Thắng" in body["message"]
    assert TAM_DAO_POINT in body["message"]
    assert body["point"] == TAM_DAO_POINT
    assert attempt.entry == rush.tam_dao_entry


def test_a_second_scan_is_refused_with_the_local_time_of_the_first_check_in(client, rush):
    entry = rush.entries[0]
    first = scan_accepted(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket(entry),
        queued=True,
        scanned_at=device_clock(-timedelta(minutes=37)),
    )
    arrived = Attendance.objects.get(entry=entry).checked_in_at

    body, attempt = scan_refused(
        client, rush.coordinator, rush.song_lo, ticket(entry), code="already_checked_in"
    )

    assert when(first) == arrived == when(body)
    assert hh_mm(arrived) in body["message"]
    assert arrived.astimezone(ZoneInfo("UTC")).strftime("%H:%M") not in body["message"]
    assert entry.person.full_name in body["message"]
    assert attempt.recorded_time == arrived


# Refused: the session


def test_a_scan_for_a_cancelled_session_is_refused(client, rush):
    cancel_session(actor=rush.organiser, session=rush.session, reason="Mưa bão")

    scan_refused(
        client, rush.coordinator, rush.song_lo, ticket(rush.entries[0]), code="session_cancelled"
    )


def test_a_scan_for_a_closed_session_is_refused(client, rush):
    move_start_into_past(rush.session, ago=timedelta(hours=4), length=timedelta(hours=3))
    close_session(actor=rush.organiser, session=rush.session)

    scan_refused(
        client, rush.coordinator, rush.song_lo, ticket(rush.entries[0]), code="session_closed"
    )


# Refused: the caller and the device


def test_another_points_coordinator_cannot_scan_for_this_point(client, rush):
    body, _attempt = scan_refused(
        client,
        rush.tam_dao_coordinator,
        rush.song_lo,
        ticket(rush.entries[0]),
        code="unknown_point",
        status=404,
    )

    assert body["entry_id"] is None


def test_an_organiser_of_another_province_cannot_scan_here(client, rush, network):
    ben_tre_organiser = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")

    scan_refused(
        client,
        ben_tre_organiser,
        rush.song_lo,
        ticket(rush.entries[0]),
        code="unknown_point",
        status=404,
    )


def test_an_attendee_cannot_scan_anyone_in(client, rush):
    user = factories.UserFactory()
    rush.people[1].user = user
    rush.people[1].save()

    scan_refused(
        client, user, rush.song_lo, ticket(rush.entries[0]), code="unknown_point", status=404
    )


def test_a_point_that_takes_part_in_no_session_is_404_and_changes_nothing(client, rush):
    client.force_login(rush.coordinator)

    response = post_scan(client, 987654, ticket(rush.entries[0]))

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_point"
    assert not Attendance.objects.exists()


def test_a_scan_for_an_unknown_point_is_recorded_like_any_refusal(client, rush):
    client.force_login(rush.coordinator)

    body = post_scan(client, 987654, ticket(rush.entries[0])).json()

    attempt = ScanAttempt.objects.get(scan_id=body["scan_id"])
    assert (attempt.outcome, attempt.reason) == (ScanAttempt.Outcome.REFUSED, "unknown_point")
    assert (attempt.actor, attempt.participation) == (rush.coordinator, None)
    assert attempt.device_id == DEVICE


def test_an_unknown_point_scan_sent_twice_answers_the_same_and_is_recorded_once(client, rush):
    client.force_login(rush.coordinator)
    scan_id = uuid.uuid4()

    first = post_scan(client, 987654, ticket(rush.entries[0]), scan_id=scan_id)
    again = post_scan(client, 987654, ticket(rush.entries[0]), scan_id=scan_id)

    assert first.status_code == again.status_code == 404
    assert again.json()["code"] == "unknown_point"
    assert again.json()["repeated"] is True
    assert ScanAttempt.objects.count() == 1


def test_a_coordinator_scanning_too_fast_is_told_to_wait_and_the_flood_is_not_written(client, rush):
    client.force_login(rush.coordinator)
    frozen = timezone.now()
    with (
        override_settings(SCAN_RATE_PER_MINUTE=3),
        mock.patch("django.utils.timezone.now", return_value=frozen),
    ):
        payloads = [ticket(e) for e in rush.entries]
        answers = [post_scan(client, rush.song_lo, payload) for payload in payloads]
        arrived = set(Attendance.objects.values_list("entry_id", flat=True))
        other_device = post_scan(client, rush.song_lo, payloads[3], device_id="dien-thoai-2")

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].json()["code"] == "rate_limited"
    assert answers[3].json()["accepted"] is False
    assert arrived == {e.pk for e in rush.entries[:3]}
    assert ScanAttempt.objects.filter(device_id=DEVICE).count() == 3
    # The limit counts the coordinator at the point, whatever device id the client sends.
    assert other_device.status_code == 429


def test_checking_out_someone_who_never_checked_in_is_refused(client, rush):
    body, _attempt = scan_refused(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket(rush.entries[0]),
        code="not_checked_in",
        action="check_out",
    )

    assert rush.entries[0].person.full_name in body["message"]
    assert not Attendance.objects.exists()


# The same scan sent twice


def test_the_same_scan_sent_twice_answers_the_same_and_counts_once(client, rush):
    client.force_login(rush.coordinator)
    scan_id = uuid.uuid4()

    first = post_scan(client, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id)
    again = post_scan(client, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id)

    assert first.status_code == again.status_code == 200
    assert (first.json()["repeated"], again.json()["repeated"]) == (False, True)
    for key in ("accepted", "code", "message", "entry_id", "name", "agency", "point", "time"):
        assert again.json()[key] == first.json()[key]
    assert again.json()["scan_id"] == first.json()["scan_id"] == str(scan_id)
    assert Attendance.objects.count() == 1
    assert ScanAttempt.objects.count() == 1


def test_a_resent_check_in_reports_the_same_status(client, rush):
    move_start_into_past(rush.session, ago=timedelta(minutes=30), length=timedelta(hours=3))
    client.force_login(rush.coordinator)
    scan_id = uuid.uuid4()

    first = post_scan(client, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id).json()
    again = post_scan(client, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id).json()

    assert first["status"] == Attendance.Status.LATE
    assert again["status"] == first["status"]


def test_a_phone_clock_without_a_time_zone_is_refused_as_an_invalid_request(client, rush):
    client.force_login(rush.coordinator)

    response = post_scan(
        client,
        rush.song_lo,
        ticket(rush.entries[0]),
        queued=True,
        scanned_at="2026-11-21T07:45:00",
    )

    assert response.status_code in (400, 422)
    assert not ScanAttempt.objects.exists()
    assert not Attendance.objects.exists()


def test_a_refused_scan_sent_twice_answers_the_same_and_is_recorded_once(client, rush):
    client.force_login(rush.organiser)
    scan_id = uuid.uuid4()

    first = post_scan(client, rush.song_lo, ticket(rush.tam_dao_entry), scan_id=scan_id)
    again = post_scan(client, rush.song_lo, ticket(rush.tam_dao_entry), scan_id=scan_id)

    assert first.status_code == again.status_code == 409
    assert again.json()["code"] == first.json()["code"] == "wrong_point"
    assert again.json()["message"] == first.json()["message"]
    assert again.json()["repeated"] is True
    assert ScanAttempt.objects.count() == 1
    assert not Attendance.objects.exists()


def test_a_wrong_session_scan_sent_twice_answers_the_same(client, rush, next_week):
    client.force_login(rush.coordinator)
    scan_id = uuid.uuid4()

    first = post_scan(client, rush.song_lo, ticket(next_week), scan_id=scan_id)
    again = post_scan(client, rush.song_lo, ticket(next_week), scan_id=scan_id)

    assert first.status_code == again.status_code == 409
    assert again.json()["message"] == first.json()["message"]
    assert "Hội nghị sơ kết CCHC quý IV" in again.json()["message"]
    assert ScanAttempt.objects.count() == 1


def test_a_scan_resent_after_later_scans_still_gets_its_first_answer(client, rush):
    client.force_login(rush.coordinator)
    scan_id = uuid.uuid4()
    first = post_scan(client, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id).json()
    post_scan(client, rush.song_lo, ticket(rush.entries[0]))

    again = post_scan(client, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id).json()

    assert (again["code"], again["repeated"], again["time"]) == ("checked_in", True, first["time"])


# Offline: scans queued on the phone


def test_a_queued_scan_keeps_the_time_it_was_made_on_the_phone(client, rush):
    scanned_at = device_clock(-timedelta(minutes=25))

    body = scan_accepted(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket(rush.entries[0]),
        queued=True,
        scanned_at=scanned_at,
    )

    attendance = Attendance.objects.get(entry=rush.entries[0])
    assert attendance.checked_in_at == scanned_at == when(body)
    attempt = ScanAttempt.objects.get(scan_id=body["scan_id"])
    assert (attempt.device_time, attempt.recorded_time) == (scanned_at, scanned_at)
    assert attempt.server_time > scanned_at


def test_an_online_scan_takes_the_servers_time_whatever_the_phone_says(client, rush):
    body = scan_accepted(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket(rush.entries[0]),
        scanned_at=device_clock(-timedelta(hours=2)),
    )

    attempt = ScanAttempt.objects.get(scan_id=body["scan_id"])
    assert Attendance.objects.get(entry=rush.entries[0]).checked_in_at == attempt.server_time


def test_a_queued_scan_dated_in_the_future_is_dated_now(client, rush):
    body = scan_accepted(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket(rush.entries[0]),
        queued=True,
        scanned_at=device_clock(timedelta(hours=3)),
    )

    attempt = ScanAttempt.objects.get(scan_id=body["scan_id"])
    assert Attendance.objects.get(entry=rush.entries[0]).checked_in_at == attempt.server_time


def test_a_queued_scan_dated_days_before_the_check_in_window_is_refused_not_moved_into_it(
    client, rush
):
    # The window bounds how far back a phone may date a scan (test_checkin_window.py).
    client.force_login(rush.coordinator)
    three_days_back = device_clock(-timedelta(days=3))

    response = post_scan(
        client, rush.song_lo, ticket(rush.entries[0]), queued=True, scanned_at=three_days_back
    )

    assert (response.status_code, response.json()["code"]) == (409, "not_open_yet")
    attempt = ScanAttempt.objects.get()
    assert (attempt.reason, attempt.device_time) == ("not_open_yet", three_days_back)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("first_to_sync", ["earlier", "later"])
def test_two_phones_offline_keep_the_earliest_arrival_whichever_syncs_first(
    client, rush, first_to_sync
):
    entry = rush.entries[0]
    times = {
        "earlier": device_clock(-timedelta(minutes=9)),
        "later": device_clock(-timedelta(minutes=4)),
    }
    order = [first_to_sync, "later" if first_to_sync == "earlier" else "earlier"]
    client.force_login(rush.coordinator)

    answers = [
        post_scan(
            client,
            rush.song_lo,
            ticket(entry),
            queued=True,
            scanned_at=times[phone],
            device_id=f"dien-thoai-{phone}",
        ).json()
        for phone in order
    ]

    assert Attendance.objects.get(entry=entry).checked_in_at == times["earlier"]
    assert Attendance.objects.count() == 1
    assert ScanAttempt.objects.count() == 2
    if first_to_sync == "earlier":
        assert [a["code"] for a in answers] == ["checked_in", "already_checked_in"]
        assert when(answers[1]) == times["earlier"]
    else:
        assert [a["code"] for a in answers] == ["checked_in", "checked_in"]


def test_an_online_scan_after_an_earlier_queued_one_reports_already_checked_in(client, rush):
    entry = rush.entries[0]
    queued_at = device_clock(-timedelta(minutes=6))
    scan_accepted(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket(entry),
        queued=True,
        scanned_at=queued_at,
        device_id="dien-thoai-mat-mang",
    )

    body, _attempt = scan_refused(
        client, rush.coordinator, rush.song_lo, ticket(entry), code="already_checked_in"
    )

    assert when(body) == queued_at
    assert hh_mm(queued_at) in body["message"]


# Checking out


def test_checking_out_records_the_departure(client, rush):
    entry = rush.entries[0]
    move_start_into_past(rush.session, ago=timedelta(hours=3), length=timedelta(hours=3, minutes=5))
    scan_accepted(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket(entry),
        queued=True,
        scanned_at=device_clock(-timedelta(hours=3, minutes=5)),
    )

    body = scan_accepted(client, rush.coordinator, rush.song_lo, ticket(entry), action="check_out")

    attendance = Attendance.objects.get(entry=entry)
    assert body["code"] == "checked_out"
    assert ms(attendance.checked_out_at) == when(body)
    assert attendance.status == Attendance.Status.ON_TIME
    assert attendance.minutes_present == 180
    attempt = ScanAttempt.objects.get(scan_id=body["scan_id"])
    assert (attempt.action, attempt.reason) == (CHECK_OUT, "checked_out")


def test_leaving_more_than_the_late_threshold_before_the_end_is_leaving_early(client, rush):
    entry = rush.entries[0]
    move_start_into_past(rush.session, ago=timedelta(hours=1), length=timedelta(hours=3))
    scan_accepted(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket(entry),
        queued=True,
        scanned_at=rush.session.starts_at - timedelta(minutes=10),
    )

    scan_accepted(client, rush.coordinator, rush.song_lo, ticket(entry), action="check_out")

    attendance = Attendance.objects.get(entry=entry)
    assert attendance.status == Attendance.Status.LEFT_EARLY
    assert attendance.get_status_display()
    assert 59 <= attendance.minutes_present <= 60


@pytest.mark.parametrize(
    ("arrival", "departure", "status"),
    [
        (timedelta(minutes=-30), None, "on_time"),
        (timedelta(minutes=15), None, "on_time"),
        (timedelta(minutes=15, seconds=1), None, "late"),
        (timedelta(minutes=40), timedelta(hours=3), "late"),
        (timedelta(0), timedelta(hours=2, minutes=45), "on_time"),
        (timedelta(0), timedelta(hours=2, minutes=44, seconds=59), "left_early"),
        (timedelta(minutes=40), timedelta(hours=1), "left_early"),
    ],
)
def test_status_is_on_time_late_or_left_early_by_the_late_threshold(
    rush, arrival, departure, status
):
    session = rush.session
    assert (session.late_after_minutes, session.ends_at - session.starts_at) == (
        15,
        timedelta(hours=3),
    )

    found = attendance_status(
        session=session,
        checked_in_at=session.starts_at + arrival,
        checked_out_at=session.starts_at + departure if departure else None,
        excuse="",
    )

    assert found == status


def test_nobody_checked_in_is_absent(rush):
    status = attendance_status(
        session=rush.session, checked_in_at=None, checked_out_at=None, excuse=""
    )

    assert status == Attendance.Status.ABSENT


def test_minutes_present_count_only_the_sessions_own_time(rush):
    entry = rush.entries[0]
    starts = rush.session.starts_at
    upsert_arrival(entry=entry, at=starts - timedelta(minutes=30), method="scan", actor=None)
    attendance = Attendance.objects.get(entry=entry)
    assert attendance.minutes_present == 180

    attendance.checked_out_at = starts + timedelta(hours=1, minutes=30, seconds=59)
    assert attendance.minutes_present == 90
    attendance.checked_out_at = starts + timedelta(hours=5)
    assert attendance.minutes_present == 180


def test_the_last_departure_recorded_wins(client, rush):
    entry = rush.entries[0]
    move_start_into_past(rush.session, ago=timedelta(hours=2), length=timedelta(hours=3))
    scan_accepted(client, rush.coordinator, rush.song_lo, ticket(entry))
    later = scan_accepted(client, rush.coordinator, rush.song_lo, ticket(entry), action="check_out")

    scan_accepted(
        client,
        rush.coordinator,
        rush.song_lo,
        ticket(entry),
        action="check_out",
        queued=True,
        scanned_at=device_clock(-timedelta(minutes=30)),
        device_id="dien-thoai-cham",
    )

    assert ms(Attendance.objects.get(entry=entry).checked_out_at) == when(later)


# Reach


def test_a_coordinator_cannot_read_another_points_scanner_roster(client, rush):
    client.force_login(rush.tam_dao_coordinator)

    response = client.get(reverse("api:scanner_roster", args=[rush.song_lo.pk]))

    assert response.status_code == 404
    own = client.get(reverse("api:scanner_roster", args=[rush.tam_dao.pk]))
    assert [p["name"] for p in own.json()["people"]] == ["Phạm Đức Thắng"]


def test_the_scanner_roster_shows_who_has_arrived(client, rush):
    scan_accepted(client, rush.coordinator, rush.song_lo, ticket(rush.entries[0]))
    remove_from_roster(actor=rush.coordinator, entry=rush.entries[3], reason="Nghỉ ốm")

    body = client.get(reverse("api:scanner_roster", args=[rush.song_lo.pk])).json()

    assert body["session_status"] == "scheduled"
    arrived = {p["id"]: p["checked_in_at"] for p in body["people"]}
    assert set(arrived) == {e.pk for e in rush.entries[:3]}
    assert arrived[rush.entries[0].pk] is not None
    assert arrived[rush.entries[1].pk] is None


def test_a_coordinator_counts_only_their_own_points(client, rush):
    scan_accepted(client, rush.coordinator, rush.song_lo, ticket(rush.entries[0]))

    mine = client.get(reverse("api:counts", args=[rush.session.pk])).json()
    client.force_login(rush.organiser)
    everyone = client.get(reverse("api:counts", args=[rush.session.pk])).json()

    assert [p["participation_id"] for p in mine["points"]] == [rush.song_lo.pk]
    assert (mine["on_roster"], mine["checked_in"], mine["percent"]) == (4, 1, 25)
    assert {p["participation_id"] for p in everyone["points"]} == {
        rush.song_lo.pk,
        rush.tam_dao.pk,
    }
    assert (everyone["on_roster"], everyone["checked_in"], everyone["percent"]) == (5, 1, 20)


def test_a_point_number_no_row_could_have_is_not_found(client, rush):
    # The screen's and the scan's reads are written out: a number past 64 bits must get
    # the ORM's answer (SQLite cannot even bind it)
    client.force_login(rush.coordinator)
    too_big = 2**64

    assert client.get(reverse("api:display_code", args=[too_big])).status_code == 404


def test_an_attendee_is_kept_out_of_every_staff_endpoint(client, rush):
    user = factories.UserFactory()
    rush.people[0].user = user
    rush.people[0].save()
    client.force_login(user)

    assert client.get(reverse("api:scanner_roster", args=[rush.song_lo.pk])).status_code == 404
    assert client.get(reverse("api:counts", args=[rush.session.pk])).status_code == 404
    assert client.get(reverse("api:display_code", args=[rush.song_lo.pk])).status_code == 404
    undo = client.post(
        reverse("api:undo", args=[rush.entries[0].pk]),
        {"reason": "Tôi tự hủy"},
        content_type="application/json",
    )
    assert undo.status_code == 404
    walk_in = client.post(
        reverse("api:walk_in"),
        {"participation_id": rush.song_lo.pk, "full_name": "Khách lạ", "phone": "0912345678"},
        content_type="application/json",
    )
    assert walk_in.status_code == 404
    assert client.get(reverse("attendance:scanner", args=[rush.song_lo.pk])).status_code == 403


def test_nobody_signed_in_can_scan(client, rush):
    response = post_scan(client, rush.song_lo, ticket(rush.entries[0]))

    assert response.status_code == 401
    assert not ScanAttempt.objects.exists()


# Cost


def test_a_successful_scan_through_the_api_makes_at_most_five_queries(client, rush):
    client.force_login(rush.coordinator)
    payload = ticket(rush.entries[0])

    with CaptureQueriesContext(connection) as queries:
        response = post_scan(client, rush.song_lo, payload)

    assert response.json()["code"] == "checked_in"
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith(TEST_TRANSACTION)
    ]
    assert len(statements) <= 5, "\n".join(statements)


def test_a_scan_found_by_name_costs_no_more_than_a_scanned_ticket(client, rush):
    client.force_login(rush.coordinator)
    post_scan(client, rush.song_lo, ticket(rush.entries[1]))

    with CaptureQueriesContext(connection) as queries:
        response = post_scan(client, rush.song_lo, entry_id=rush.entries[0].pk)

    assert response.json()["code"] == "checked_in"
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith(TEST_TRANSACTION)
    ]
    assert len(statements) <= 5, "\n".join(statements)


def _session_at_ten_points(network, organiser) -> SessionPoint:
    points = [*network.district_points, network.vinh_phuc_point]
    starts = timezone.now().replace(microsecond=0) + timedelta(days=2)
    session = vinh_phuc_session(
        network,
        organiser,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        selection=PointSelection(add=tuple(p.pk for p in points)),
        record_past=False,
    ).session
    for participation in session.participations.select_related("point__unit"):
        agency = factories.AgencyFactory(unit=participation.point.unit)
        people = factories.PersonFactory.create_batch(2, agency=agency)
        add_to_roster(
            actor=organiser, participation=participation, person_ids=[p.pk for p in people]
        )
        entry = RosterEntry.objects.filter(participation=participation).first()
        upsert_arrival(entry=entry, at=timezone.now(), method=Method.SCAN, actor=organiser)
    return session


def test_the_counts_cost_the_same_for_two_points_as_for_ten(client, rush, network, settings):
    # computed on every call: an organiser's counts are otherwise shared for an interval
    # (tests/attendance/test_counts.py)
    settings.DASHBOARD_SHARED_SECONDS = 0
    big = _session_at_ten_points(network, rush.organiser)
    assert big.participations.count() == 10
    upsert_arrival(entry=rush.entries[0], at=timezone.now(), method=Method.SCAN, actor=None)
    client.force_login(rush.organiser)
    client.get(reverse("api:counts", args=[rush.session.pk]))

    with CaptureQueriesContext(connection) as two:
        small_body = client.get(reverse("api:counts", args=[rush.session.pk])).json()
    with CaptureQueriesContext(connection) as ten:
        big_body = client.get(reverse("api:counts", args=[big.pk])).json()

    assert len(small_body["points"]) == 2
    assert len(big_body["points"]) == 10
    assert (big_body["on_roster"], big_body["checked_in"], big_body["percent"]) == (20, 10, 50)
    assert len(two.captured_queries) == len(ten.captured_queries)


def test_the_service_answers_like_the_api(rush):
    result = record_scan(
        actor=rush.organiser,
        request=ScanRequest(
            participation_id=rush.song_lo.pk,
            payload=ticket(rush.tam_dao_entry),
            scan_id=uuid.uuid4(),
            device_id=DEVICE,
        ),
    )

    assert (result.code, result.accepted, result.http_status) == ("wrong_point", False, 409)
    assert TAM_DAO_POINT in result.message
