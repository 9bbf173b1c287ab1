"""Paired scanner phones and their batches.

A coordinator pairs a phone to their point from their signed-in page; the phone claims the
one-time code and gets a device token. With the token alone it reads its point's roster and
syncs its scans in batches: each scan gets its final verdict, the batch is written whole in
a fixed number of statements, a batch sent twice counts once, and the answer carries the
point's counts and the roster's changes since the last sync. Revoking the phone, or taking
its coordinator off the point, stops it at once.
"""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, ScanAttempt, ScannerDevice
from attendance.services import devices
from events.models import Session
from events.services import add_to_roster, close_session, remove_from_roster, revoke_ticket
from network.services.coordinators import remove_coordinator
from tests import factories
from tests.checkins import ticket

pytestmark = pytest.mark.django_db


def pair(rush, name: str = "Điện thoại cửa Đông", participation=None) -> str:
    """A phone paired by the Sông Lô coordinator: its token."""
    pairing = devices.start_pairing(
        actor=rush.coordinator, participation=participation or rush.song_lo, name=name
    )
    return devices.claim_pairing(code=pairing.code, client="10.0.0.1").token


def sync(client, token: str, scans: list[dict], **fields: object):
    body = {"sent_at": timezone.now().isoformat(), "scans": scans, **fields}
    return client.post(
        reverse("api:sync"),
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def scan_of(entry, *, at=None, action: str = "check_in", **fields: object) -> dict:
    return {
        "scan_id": str(uuid.uuid4()),
        "scanned_at": (at or timezone.now()).isoformat(),
        "payload": ticket(entry),
        "action": action,
        **fields,
    }


# Pairing


def test_a_coordinator_pairs_a_phone_from_the_points_page(client, rush):
    client.force_login(rush.coordinator)
    page = reverse("attendance:point_devices", args=[rush.song_lo.pk])

    shown = client.post(page, {"name": "Điện thoại cửa Đông"}, follow=True)

    assert shown.redirect_chain == [(page, 302)]
    code = shown.context["pairing"].code
    assert shown.context["pairing"].shown_code.replace("-", "") == code
    assert "<svg" in shown.content.decode()
    # shown again on a reload while the phone has not claimed it; nothing paired twice
    assert client.get(page).context["pairing"].code == code
    assert ScannerDevice.objects.count() == 1
    client.logout()
    claimed = client.post(reverse("attendance:device_pair"), {"code": code.lower()})
    assert claimed.context["claimed"].device.name == "Điện thoại cửa Đông"
    assert 'data-token="DCD.' in claimed.content.decode()
    assert claimed.headers["Cache-Control"].startswith("max-age=0")
    device = ScannerDevice.objects.get()
    assert device.is_active and device.token_hash and not device.pairing_code_hash


def test_a_pairing_code_works_once_and_not_after_it_lapses(client, rush):
    used = devices.start_pairing(actor=rush.coordinator, participation=rush.song_lo, name="A")
    devices.claim_pairing(code=used.code, client="10.0.0.1")
    lapsed = devices.start_pairing(actor=rush.coordinator, participation=rush.song_lo, name="B")
    ScannerDevice.objects.filter(pk=lapsed.device.pk).update(
        pairing_expires_at=timezone.now() - timedelta(seconds=1)
    )

    answers = [
        client.post(reverse("api:claim_device"), {"code": code}, content_type="application/json")
        for code in (used.code, lapsed.code, "ABCD-2345")
    ]

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert len({a.json()["message"] for a in answers}) == 1
    assert ScannerDevice.objects.filter(paired_at__isnull=False).count() == 1


def test_guessing_pairing_codes_soon_has_to_wait(client, rush, settings):
    settings.SCANNER_PAIRING_TRIES_PER_MINUTE = 3
    pairing = devices.start_pairing(actor=rush.coordinator, participation=rush.song_lo, name="A")
    for _ in range(3):
        client.post(
            reverse("api:claim_device"), {"code": "WRONG234"}, content_type="application/json"
        )

    late = client.post(
        reverse("api:claim_device"), {"code": pairing.code}, content_type="application/json"
    )

    assert late.status_code == 400
    assert not ScannerDevice.objects.get().is_paired


def test_only_the_points_keepers_pair_phones_there(client, rush):
    client.force_login(rush.tam_dao_coordinator)

    page = client.get(reverse("attendance:point_devices", args=[rush.song_lo.pk]))
    api = client.post(
        reverse("api:pair_device", args=[rush.song_lo.pk]),
        {"name": "X"},
        content_type="application/json",
    )

    assert page.status_code == 404 and api.status_code == 404
    assert not ScannerDevice.objects.exists()


# Syncing


def test_a_batch_checks_people_in_and_answers_each_scan(client, rush):
    token = pair(rush)
    manh, anh = rush.entries[0], rush.entries[1]
    scans = [scan_of(manh), scan_of(anh), scan_of(manh)]

    answer = sync(client, token, scans)

    assert answer.status_code == 200
    verdicts = answer.json()["verdicts"]
    assert [v["scan_id"] for v in verdicts] == [s["scan_id"] for s in scans]
    assert [v["code"] for v in verdicts] == ["checked_in", "checked_in", "already_checked_in"]
    assert verdicts[0]["name"] == manh.person.full_name
    assert answer.json()["counts"] == {"on_roster": 4, "checked_in": 2}
    assert Attendance.objects.filter(checked_in_at__isnull=False).count() == 2
    attempts = ScanAttempt.objects.filter(scanner__isnull=False)
    assert attempts.count() == 3
    assert {a.actor_id for a in attempts} == {rush.coordinator.pk}


def test_the_same_batch_sent_twice_counts_once(client, rush):
    token = pair(rush)
    scans = [scan_of(entry) for entry in rush.entries[:3]]
    first = sync(client, token, scans)

    again = sync(client, token, scans)

    assert [v["code"] for v in again.json()["verdicts"]] == ["checked_in"] * 3
    assert all(v["repeated"] for v in again.json()["verdicts"])
    assert first.json()["verdicts"][0]["time"] == again.json()["verdicts"][0]["time"]
    assert ScanAttempt.objects.count() == 3
    assert Attendance.objects.count() == 3


def test_another_phone_that_scanned_earlier_keeps_the_arrival(client, rush):
    east, west = pair(rush, "Cửa Đông"), pair(rush, "Cửa Tây")
    manh = rush.entries[0]
    earlier = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    sync(client, east, [scan_of(manh)])

    late_news = sync(client, west, [scan_of(manh, at=earlier)])
    then = sync(client, east, [scan_of(manh)])

    # The west door saw Mạnh first: its scan, though sent later, dates the arrival.
    assert late_news.json()["verdicts"][0]["code"] == "checked_in"
    assert Attendance.objects.get(pk=manh.pk).checked_in_at == earlier
    assert then.json()["verdicts"][0]["code"] == "already_checked_in"
    assert then.json()["verdicts"][0]["time"].startswith(earlier.isoformat()[:19])


def test_a_phone_hears_only_about_its_own_points_people(client, rush):
    token = pair(rush)

    answer = sync(client, token, [scan_of(rush.tam_dao_entry)])

    verdict = answer.json()["verdicts"][0]
    assert verdict["code"] == "unknown_person"
    assert (
        verdict["name"] == "" and rush.tam_dao_entry.person.full_name not in answer.content.decode()
    )
    assert not Attendance.objects.exists()


def test_each_refused_scan_gets_its_own_reason_and_is_recorded(client, rush):
    token = pair(rush)
    manh, anh, dung = rush.entries[0], rush.entries[1], rush.entries[3]
    old_ticket = ticket(anh)
    revoke_ticket(actor=rush.coordinator, entry=anh, reason="Mất điện thoại")
    remove_from_roster(actor=rush.coordinator, entry=dung, reason="Đi công tác")
    scans = [
        scan_of(manh, payload="DC1.1.1.forged"),
        {**scan_of(anh), "payload": old_ticket},
        scan_of(dung),
        scan_of(manh, action="check_out"),
        scan_of(manh, at=timezone.now() - timedelta(days=7)),
    ]

    answer = sync(client, token, scans)

    assert [v["code"] for v in answer.json()["verdicts"]] == [
        "malformed",
        "revoked",
        "not_on_roster",
        "not_checked_in",
        "not_open_yet",
    ]
    assert ScanAttempt.objects.filter(outcome=ScanAttempt.Outcome.REFUSED).count() == 5
    assert not Attendance.objects.exists()


def test_a_check_out_in_the_same_batch_follows_the_check_in(client, rush):
    token = pair(rush)
    manh = rush.entries[0]
    came = timezone.now().replace(microsecond=0) - timedelta(minutes=10)
    left = came + timedelta(minutes=5)

    answer = sync(
        client, token, [scan_of(manh, at=came), scan_of(manh, at=left, action="check_out")]
    )

    assert [v["code"] for v in answer.json()["verdicts"]] == ["checked_in", "checked_out"]
    attendance = Attendance.objects.get(pk=manh.pk)
    assert (attendance.checked_in_at, attendance.checked_out_at) == (came, left)


def test_a_phone_with_its_clock_a_year_back_is_corrected_and_flagged(client, rush):
    token = pair(rush)
    year = timedelta(days=365)
    now = timezone.now().replace(microsecond=0)
    manh = rush.entries[0]

    answer = sync(
        client,
        token,
        [scan_of(manh, at=now - year - timedelta(minutes=2))],
        sent_at=(now - year).isoformat(),
    )

    assert answer.json()["verdicts"][0]["code"] == "checked_in"
    attendance = Attendance.objects.get(pk=manh.pk)
    assert abs(attendance.checked_in_at - (now - timedelta(minutes=2))) < timedelta(seconds=5)
    assert attendance.device_clock_skew is not None


@pytest.mark.parametrize("year", [1, 9999])
def test_a_clock_set_to_an_impossible_year_is_answered_not_an_error(client, rush, year):
    # given a phone whose clock says year 1 or 9999, for the batch and for a single scan
    token = pair(rush)
    moment = timezone.now().replace(year=year)
    client.force_login(rush.coordinator)
    single = {
        "scan_id": str(uuid.uuid4()),
        "participation_id": rush.song_lo.pk,
        "payload": ticket(rush.entries[1]),
        "scanned_at": moment.isoformat(),
        "sent_at": moment.isoformat(),
        "queued": True,
    }

    batch = sync(client, token, [scan_of(rush.entries[0], at=moment)], sent_at=moment.isoformat())
    alone = client.post(reverse("api:scan"), single, content_type="application/json")

    # then each gets a verdict, and the attempts are kept with the skew held in its column
    assert batch.status_code == 200
    assert batch.json()["verdicts"][0]["code"]
    assert alone.status_code in (200, 409)
    assert ScanAttempt.objects.count() == 2
    assert all(
        abs(skew) < 2**31 for skew in ScanAttempt.objects.values_list("clock_skew", flat=True)
    )


def test_a_batch_after_the_session_closed_is_refused_scan_by_scan_and_kept(client, rush):
    token = pair(rush)
    Session.objects.filter(pk=rush.session.pk).update(
        starts_at=timezone.now() - timedelta(hours=4), ends_at=timezone.now() - timedelta(hours=1)
    )
    rush.session.refresh_from_db()
    Session.objects.filter(pk=rush.session.pk).update(status=Session.Status.HELD)
    rush.session.refresh_from_db()
    close_session(actor=rush.organiser, session=rush.session)
    scans = [scan_of(e, at=timezone.now() - timedelta(hours=3)) for e in rush.entries[:2]]

    answer = sync(client, token, scans)

    assert [v["code"] for v in answer.json()["verdicts"]] == ["session_closed"] * 2
    # Kept among the attempts, payload and device time, for a coordinator to enter by hand.
    assert ScanAttempt.objects.filter(reason="session_closed").count() == 2
    assert not Attendance.objects.exists()


def test_a_batch_too_large_is_refused_whole(client, rush, settings):
    token = pair(rush)
    too_many = [scan_of(rush.entries[0]) for _ in range(settings.SCANNER_BATCH_MAX_SCANS + 1)]

    answer = sync(client, token, too_many)
    huge = client.post(
        reverse("api:sync"),
        "x" * 10_000_000,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert answer.status_code == 422
    assert huge.status_code == 413 and huge.json()["code"] == "too_large"
    assert not ScanAttempt.objects.exists() and not Attendance.objects.exists()


# Tokens


def test_a_revoked_phone_is_refused_at_once(client, rush):
    token = pair(rush)
    revoke = reverse("attendance:device_revoke", args=[ScannerDevice.objects.get().pk])
    client.force_login(rush.coordinator)
    client.post(revoke)
    client.logout()

    answer = sync(client, token, [scan_of(rush.entries[0])])

    assert answer.status_code == 401
    assert not ScanAttempt.objects.exists()


def test_a_phone_stops_when_its_coordinator_leaves_the_point(client, rush):
    token = pair(rush)
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    remove_coordinator(actor=admin, point=rush.song_lo.point, user_id=rush.coordinator.pk)

    answer = sync(client, token, [scan_of(rush.entries[0])])

    assert answer.status_code == 401


@pytest.mark.parametrize(
    "bad",
    ["", "DCD.1", "DCD.x.y", "DCD.999.secret", f"DCD.{2**64}.secret", "Bearer", "DC1.1.1.tag"],
)
def test_a_wrong_token_is_refused(client, rush, bad):
    pair(rush)

    answer = sync(client, bad, [scan_of(rush.entries[0])])

    assert answer.status_code == 401


def test_a_token_with_the_right_device_but_a_wrong_secret_is_refused(client, rush):
    token = pair(rush)
    prefix, device_id, _secret = token.split(".", 2)

    answer = sync(client, f"{prefix}.{device_id}.{'A' * 43}", [scan_of(rush.entries[0])])

    assert answer.status_code == 401


# The roster a phone keeps


def test_the_roster_comes_whole_then_only_what_changed(client, rush):
    token = pair(rush)
    auth = {"Authorization": f"Bearer {token}"}
    whole = client.get(reverse("api:device_roster"), headers=auth).json()
    anh, dung = rush.entries[1], rush.entries[3]
    revoke_ticket(actor=rush.coordinator, entry=anh, reason="Mất điện thoại")
    remove_from_roster(actor=rush.coordinator, entry=dung, reason="Đi công tác")

    changed = sync(client, token, [], roster_since=whole["roster"]["cursor"]).json()["roster"]

    assert whole["roster"]["full"] and len(whole["roster"]["people"]) == 4
    assert not changed["full"]
    by_id = {p["id"]: p for p in changed["people"]}
    assert by_id[dung.pk]["removed"] is True
    old = next(p["digest"] for p in whole["roster"]["people"] if p["id"] == anh.pk)
    assert by_id[anh.pk]["digest"] != old and by_id[anh.pk]["removed"] is False


# Cost


def _queries(block) -> int:
    with CaptureQueriesContext(connection) as captured:
        block()
    return len([q for q in captured if "SAVEPOINT" not in q["sql"]])


def test_a_batch_costs_the_same_few_statements_whatever_its_size(client, rush):
    agency = rush.people[0].agency
    more = [factories.PersonFactory(agency=agency) for _ in range(40)]
    add_to_roster(
        actor=rush.coordinator, participation=rush.song_lo, person_ids=[p.pk for p in more]
    )
    entries = list(rush.song_lo.roster.filter(removed_at__isnull=True).order_by("pk"))
    token = pair(rush)
    since = timezone.now().isoformat()

    few = [scan_of(e) for e in entries[:2]]
    many = [scan_of(e) for e in entries[2:44]]
    sync(client, token, [], roster_since=since)  # the phone's first sync also notes the time

    small = _queries(lambda: sync(client, token, few, roster_since=since))
    large = _queries(lambda: sync(client, token, many, roster_since=since))

    assert large == small
    assert large <= 12


# One point's counts


def test_a_points_counts_read_its_rows_only_in_a_fixed_number_of_queries(
    client, rush, django_assert_max_num_queries
):
    token = pair(rush)
    sync(client, token, [scan_of(e) for e in rush.entries[:2]])
    client.force_login(rush.coordinator)
    url = reverse("api:point_counts", args=[rush.song_lo.pk])
    client.get(url)

    with django_assert_max_num_queries(6):
        answer = client.get(url).json()

    assert (answer["on_roster"], answer["checked_in"], answer["percent"]) == (4, 2, 50)
    assert [p["participation_id"] for p in answer["points"]] == [rush.song_lo.pk]
    # another point's coordinator is told nothing about it
    client.force_login(rush.tam_dao_coordinator)
    assert client.get(url).status_code == 404


def test_the_scanner_and_roster_poll_their_points_counts_the_screen_gets_them_with_codes(
    client, rush
):
    client.force_login(rush.coordinator)
    url = reverse("api:point_counts", args=[rush.song_lo.pk])

    pages = {
        name: client.get(reverse(name, args=[rush.song_lo.pk])).content.decode()
        for name in ("attendance:scanner", "attendance:display", "attendance:roster")
    }

    assert url in pages["attendance:scanner"] and url in pages["attendance:roster"]
    assert url not in pages["attendance:display"]
    assert reverse("api:display_code", args=[rush.song_lo.pk]) in pages["attendance:display"]
    session_counts = reverse("api:counts", args=[rush.session.pk])
    assert not any(session_counts in page for page in pages.values())
