"""Two beats, or two organisers, moving the same sessions at the same moment, on real
connections: each session is held once, warned once, closed once, and no roster change
lands after its closing.

Each caller is a thread with a connection of its own and a barrier lets them go together.
On SQLite every transaction begins IMMEDIATE, so they take turns; PostgreSQL lets them meet,
which is the case that matters.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from directory.models import Agency
from events.models import Notice, RosterEntry, Session, SessionChange, SessionPoint
from events.services import (
    PointSelection,
    SessionAlreadyClosed,
    add_to_roster,
    advance_sessions,
    assign_coordinator,
    close_due,
    close_session,
    mark_held,
    warn_closing,
)
from events.signals import session_closed
from tests import factories
from tests.events.seeds import vinh_phuc_session

pytestmark = pytest.mark.django_db(transaction=True)
SESSIONS = 8


def together(*calls):
    """Run the calls at the same moment; each answer, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # compared by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def ended(network, vinh_phuc_organiser):
    """SESSIONS sessions at Vĩnh Phúc's point that ended 12 to 20 days ago."""
    vinh_phuc_organiser.email = "sonoivu@vinhphuc.gov.vn"
    vinh_phuc_organiser.save()
    sessions = []
    for index in range(SESSIONS):
        ends = timezone.now() - timedelta(days=12 + index)
        sessions.append(
            vinh_phuc_session(
                network,
                vinh_phuc_organiser,
                title=f"Hội nghị {index}",
                starts_at=ends - timedelta(hours=2),
                ends_at=ends,
                selection=PointSelection(add=(network.vinh_phuc_point.pk,)),
            ).session
        )
    return sessions


@pytest.fixture
def closings():
    seen: list[int] = []

    def receiver(sender, session, actor, **kwargs):
        seen.append(session.pk)

    session_closed.connect(receiver, dispatch_uid="tests.race_closings")
    yield seen
    session_closed.disconnect(dispatch_uid="tests.race_closings")


def test_two_beats_mark_each_session_held_once(ended):
    answers = together(mark_held, mark_held)

    assert sum(answers) == SESSIONS, answers
    assert Session.objects.filter(status=Session.Status.HELD).count() == SESSIONS


def test_two_beats_warn_each_sessions_organisers_once(ended):
    mark_held()

    answers = together(warn_closing, warn_closing)

    assert sum(answers) == SESSIONS, answers
    per_session = Counter(
        Notice.objects.filter(kind=Notice.Kind.SESSION_CLOSING).values_list("session_id", flat=True)
    )
    assert per_session == {session.pk: 1 for session in ended}


def test_two_beats_close_each_session_once(ended, closings):
    advance_sessions()
    later = timezone.now() + timedelta(days=4)

    answers = together(lambda: close_due(now=later), lambda: close_due(now=later))

    assert sum(answers) == SESSIONS, answers
    assert Counter(closings) == {session.pk: 1 for session in ended}
    assert SessionChange.objects.filter(kind=SessionChange.Kind.CLOSED).count() == SESSIONS


def test_two_organisers_closing_at_once_one_wins_and_the_other_is_told(
    ended, vinh_phuc_organiser, closings
):
    mark_held()
    colleague = factories.organiser(ended[0].host_point.unit, username="so-noi-vu-2")
    first = Session.objects.get(pk=ended[0].pk)
    second = Session.objects.get(pk=ended[0].pk)

    answers = together(
        lambda: close_session(actor=vinh_phuc_organiser, session=first),
        lambda: close_session(actor=colleague, session=second),
    )

    refused = [a for a in answers if isinstance(a, SessionAlreadyClosed)]
    closed = [a for a in answers if isinstance(a, Session)]
    assert (len(closed), len(refused)) == (1, 1), answers
    assert "đã được đóng lúc" in refused[0].messages[0]
    assert closings == [ended[0].pk]


def test_no_roster_change_lands_after_the_closing(network, ended, vinh_phuc_organiser):
    # given a coordinator at the point of a held session and people to add, one at a time
    mark_held()
    session = Session.objects.get(pk=ended[0].pk)
    point = network.vinh_phuc_point
    coordinator = factories.coordinator(point.unit, username="dau-moi-vinh-phuc")
    assign_coordinator(point=point, user=coordinator)
    participation = SessionPoint.objects.select_related("session").get(session=session)
    agency = Agency.objects.create(name="Sở Nội vụ tỉnh Vĩnh Phúc", unit=point.unit)
    people = factories.PersonFactory.create_batch(6, agency=agency)

    def add(person):
        return lambda: add_to_roster(
            actor=coordinator,
            participation=SessionPoint.objects.select_related("session").get(pk=participation.pk),
            person_ids=[person.pk],
        )

    # when the organiser closes while the coordinator adds them
    together(
        lambda: close_session(actor=vinh_phuc_organiser, session=session),
        *(add(person) for person in people),
    )

    # then whatever was added was added before the closing, never after
    closed_at = Session.objects.get(pk=session.pk).closed_at
    added = RosterEntry.objects.filter(session=session).values_list("added_at", flat=True)
    assert all(moment <= closed_at for moment in added), (list(added), closed_at)
