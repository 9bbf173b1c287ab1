"""Two phones scanning the same person at the same moment, on real connections.

Each phone is a thread with a connection of its own; a barrier lets them go together, so
their check-ins meet in the database. Whatever the timing, one answer is `checked_in` and
the other `already_checked_in` with the winner's time, and the audit holds one accepted
check-in per person.
"""

import threading
import uuid

import pytest
from django.db import connections

from attendance.models import Attendance, ScanAttempt
from attendance.services import ScanRequest, record_scan, self_check_in
from attendance.tickets import current_step, point_code_for
from events.models import RosterEntry
from events.services import add_to_roster, assign_coordinator
from tests import factories
from tests.checkins import attendee_of, ticket

PAIRS = 25

# On SQLite every transaction begins IMMEDIATE, so the phones take turns and the answers are
# checked without a race; PostgreSQL lets them meet, which is the case that matters.
pytestmark = pytest.mark.django_db(transaction=True)


def together(*calls):
    """Run the calls at the same moment, each in a thread with its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.fixture
def crowd(rush) -> list[RosterEntry]:
    """Sông Lô's roster grown to PAIRS people, and a second phone held by another keeper."""
    agency = rush.people[0].agency
    people = factories.PersonFactory.create_batch(PAIRS - len(rush.people), agency=agency)
    add_to_roster(
        actor=rush.coordinator, participation=rush.song_lo, person_ids=[p.pk for p in people]
    )
    return list(RosterEntry.objects.filter(participation=rush.song_lo).order_by("pk"))


def scan(actor, participation, payload, device):
    return lambda: record_scan(
        actor=actor,
        request=ScanRequest(
            participation_id=participation.pk,
            payload=payload,
            scan_id=uuid.uuid4(),
            device_id=device,
        ),
    )


def assert_one_check_in_each(entries, answers) -> None:
    for entry, pair in zip(entries, answers, strict=True):
        codes = sorted(result.code for result in pair)
        assert codes == ["already_checked_in", "checked_in"], (entry.pk, codes)
        winner = next(r for r in pair if r.code == "checked_in")
        loser = next(r for r in pair if r.code == "already_checked_in")
        arrived = Attendance.objects.get(entry=entry).checked_in_at
        assert winner.time == loser.time == arrived
        assert loser.entry_id == entry.pk
        audit = ScanAttempt.objects.filter(entry=entry)
        outcomes = sorted(audit.values_list("outcome", "reason", "recorded_time"))
        assert outcomes == [
            (ScanAttempt.Outcome.ACCEPTED, "checked_in", arrived),
            (ScanAttempt.Outcome.REFUSED, "already_checked_in", arrived),
        ]


def test_two_phones_scanning_the_same_ticket_at_once_check_in_once(rush, crowd):
    second_keeper = factories.coordinator(rush.song_lo.point.unit, username="dau-moi-2")
    assign_coordinator(point=rush.song_lo.point, user=second_keeper)

    answers = [
        together(
            scan(rush.coordinator, rush.song_lo, ticket(entry), "dien-thoai-1"),
            scan(second_keeper, rush.song_lo, ticket(entry), "dien-thoai-2"),
        )
        for entry in crowd
    ]

    assert_one_check_in_each(crowd, answers)
    assert Attendance.objects.filter(checked_in_at__isnull=False).count() == PAIRS


def test_one_coordinators_two_phones_at_once_check_in_once(rush, crowd):
    answers = [
        together(
            scan(rush.coordinator, rush.song_lo, ticket(entry), "dien-thoai-1"),
            scan(rush.coordinator, rush.song_lo, ticket(entry), "dien-thoai-2"),
        )
        for entry in crowd
    ]

    assert_one_check_in_each(crowd, answers)


def test_a_self_check_in_and_a_scan_at_once_check_in_once(rush, crowd, settings):
    settings.SELF_CHECK_IN_STEP_SECONDS = 600
    entries = crowd[:10]
    users = [attendee_of(entry) for entry in entries]

    answers = [
        together(
            scan(rush.coordinator, rush.song_lo, ticket(entry), "dien-thoai-1"),
            lambda user=user: self_check_in(
                user=user, payload=point_code_for(rush.song_lo.pk, current_step())
            ),
        )
        for entry, user in zip(entries, users, strict=True)
    ]

    assert_one_check_in_each(entries, answers)
