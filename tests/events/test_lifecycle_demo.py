"""The demo's past sessions are not left scheduled: `make run` shows them held, each with
the day it will close itself, and their organisers are told."""

import pytest
from django.utils import timezone

from directory.demo import load_demo_directory
from events.demo import advance_demo_sessions, load_demo_points, load_demo_sessions
from events.models import Notice, Session
from events.states import state_of

pytestmark = pytest.mark.django_db


def test_the_demos_past_sessions_are_held_and_the_coming_one_scheduled():
    # given the demo's sessions, from 2015 to next week
    directory = load_demo_directory()
    load_demo_sessions(directory, load_demo_points(directory))

    # when the demo advances them, twice as a second `make run` would
    advance_demo_sessions()
    advance_demo_sessions()

    # then nothing in the past reads as scheduled, and the coming session does
    now = timezone.now()
    past = Session.objects.filter(ends_at__lt=now)
    assert past.exists()
    assert set(past.values_list("status", flat=True)) == {Session.Status.HELD}
    assert all(state_of(s).startswith("Đã diễn ra ngày") for s in past)
    coming = Session.objects.get(starts_at__gt=now)
    assert coming.status == Session.Status.SCHEDULED
    # and each past session warned its organisers once
    warned = Notice.objects.filter(kind=Notice.Kind.SESSION_CLOSING)
    assert set(warned.values_list("session_id", flat=True)) == set(
        past.values_list("pk", flat=True)
    )
    assert warned.count() == len(set(warned.values_list("session_id", "user_id")))


def test_the_demos_programmes_collate_only_where_their_sessions_are_closed():
    from certificates.demo import load_demo_certificates
    from certificates.services.guards import collation_refusal, open_sessions
    from training.models import Programme

    # given the demo's sessions and certificates, advanced as `make run` does
    directory = load_demo_directory()
    points = load_demo_points(directory)
    load_demo_sessions(directory, points)
    load_demo_certificates(directory, points)
    advance_demo_sessions()

    # then a programme may be collated exactly when none of its sessions is left open
    programmes = list(Programme.objects.all())
    assert programmes
    collatable = []
    for programme in programmes:
        refusal = collation_refusal(programme)
        if open_sessions(programme):
            assert refusal, programme.title
        elif not refusal:
            collatable.append(programme)
    # and the demo has one of each: the certificates' programme, whose sessions are closed,
    # and one still waiting for its held sessions to be closed
    assert collatable
    assert any(open_sessions(programme) for programme in programmes)
