"""Walk-ins and undos a paired phone made offline, sent at the end of a batch.

Each is applied through the same services as on the coordinator's page, in the name of the
coordinator who paired the phone, at the time the phone made it; each leaves an attempt
under the phone's id for it, so a change sent again is answered again and applied once.
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from attendance.models import Attendance, AttendanceChange, ScanAttempt
from events.models import RosterEntry, Session
from events.services import close_session
from tests.attendance.test_devices import pair, scan_of, sync

pytestmark = pytest.mark.django_db


def walk_in(name: str = "Hoàng Văn Khách", *, at=None, **person: str) -> dict:
    return {
        "change_id": str(uuid.uuid4()),
        "made_at": (at or timezone.now()).isoformat(),
        "kind": "walk_in",
        "person": {
            "full_name": name,
            "agency": "UBND xã Sông Lô",
            "phone": "0912345678",
            **person,
        },
    }


def undo(entry, reason: str = "Quét nhầm người") -> dict:
    return {
        "change_id": str(uuid.uuid4()),
        "made_at": timezone.now().isoformat(),
        "kind": "undo",
        "entry_id": entry.pk,
        "reason": reason,
    }


def test_a_walk_in_made_offline_is_added_and_checked_in_at_the_phones_time(client, rush):
    token = pair(rush)
    made = timezone.now() - timedelta(minutes=4)

    answer = sync(client, token, [], changes=[walk_in(at=made)]).json()

    [change] = answer["changes"]
    assert (change["accepted"], change["code"], change["name"]) == (
        True,
        "walk_in",
        "Hoàng Văn Khách",
    )
    entry = RosterEntry.objects.get(pk=change["entry_id"])
    assert entry.participation == rush.song_lo
    arrived = Attendance.objects.get(pk=entry.pk).checked_in_at
    assert abs(arrived - made) < timedelta(seconds=1)
    # the coordinator who paired the phone is who did it, and the change is audited
    assert AttendanceChange.objects.get(attendance_id=entry.pk).actor == rush.coordinator
    attempt = ScanAttempt.objects.get(scan_id=change["change_id"])
    assert (attempt.outcome, attempt.action, attempt.scanner.name) == (
        "accepted",
        "walk_in",
        "Điện thoại cửa Đông",
    )
    # and the counts in the same answer include them
    assert answer["counts"] == {"on_roster": 5, "checked_in": 1}


def test_a_walk_in_sent_twice_is_added_once(client, rush):
    token = pair(rush)
    change = walk_in()

    first = sync(client, token, [], changes=[change]).json()["changes"][0]
    again = sync(client, token, [], changes=[change]).json()["changes"][0]

    assert again == first
    assert RosterEntry.objects.filter(person__full_name="Hoàng Văn Khách").count() == 1
    assert ScanAttempt.objects.filter(scan_id=change["change_id"]).count() == 1


def test_a_walk_in_without_a_name_is_refused_and_kept_among_the_attempts(client, rush):
    token = pair(rush)
    change = walk_in("   ")

    [answer] = sync(client, token, [], changes=[change]).json()["changes"]

    assert answer["accepted"] is False
    assert answer["message"]
    assert (
        not RosterEntry.objects.filter(participation=rush.song_lo)
        .exclude(pk__in=[e.pk for e in rush.entries])
        .exists()
    )
    assert ScanAttempt.objects.get(scan_id=change["change_id"]).outcome == "refused"


def test_an_undo_after_its_check_in_in_the_same_batch_takes_it_back(client, rush):
    token = pair(rush)
    manh = rush.entries[0]

    answer = sync(client, token, [scan_of(manh)], changes=[undo(manh)]).json()

    assert answer["verdicts"][0]["code"] == "checked_in"
    assert answer["changes"][0]["code"] == "undone"
    assert Attendance.objects.get(pk=manh.pk).checked_in_at is None
    change = AttendanceChange.objects.get(attendance_id=manh.pk, kind="undone")
    assert (change.actor, change.reason) == (rush.coordinator, "Quét nhầm người")
    assert answer["counts"]["checked_in"] == 0


def test_an_undo_sent_twice_does_not_undo_a_later_check_in(client, rush):
    token = pair(rush)
    manh = rush.entries[0]
    taken_back = undo(manh)
    sync(client, token, [scan_of(manh)], changes=[taken_back])
    sync(client, token, [scan_of(manh)])

    again = sync(client, token, [], changes=[taken_back]).json()["changes"][0]

    assert again["accepted"] is True
    assert Attendance.objects.get(pk=manh.pk).checked_in_at is not None


def test_an_undo_of_someone_of_another_point_or_not_checked_in_is_refused(client, rush):
    token = pair(rush)

    answers = sync(
        client,
        token,
        [],
        changes=[undo(rush.tam_dao_entry), undo(rush.entries[1]), undo(rush.entries[2], "  ")],
    ).json()["changes"]

    assert [a["accepted"] for a in answers] == [False, False, False]
    assert answers[0]["code"] == "unknown_person"
    # nothing about the other point's person is said
    assert rush.tam_dao_entry.person.full_name not in answers[0]["message"]
    assert ScanAttempt.objects.filter(outcome="refused", action="undo").count() == 3


def test_changes_after_the_session_closed_are_refused_and_kept(client, rush):
    token = pair(rush)
    Session.objects.filter(pk=rush.session.pk).update(
        starts_at=timezone.now() - timedelta(hours=4),
        ends_at=timezone.now() - timedelta(hours=1),
        status=Session.Status.HELD,
    )
    rush.session.refresh_from_db()
    close_session(actor=rush.organiser, session=rush.session)

    answer = sync(client, token, [], changes=[walk_in()])

    assert answer.json()["changes"][0]["accepted"] is False
    assert ScanAttempt.objects.filter(action="walk_in", outcome="refused").count() == 1
