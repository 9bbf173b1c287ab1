"""Two organisers (or one double click) starting the same collation at the same moment, on
real connections: exactly one run is made and sent to a worker, and both callers are shown
that run.

The first caller's run is made and held uncommitted while the second asks: on PostgreSQL
the second cannot see it yet, so its own insert waits on the unique index
`certificates_collation_one_active` until the first commits, then fails and finds the
first's run; on SQLite (transactions begin IMMEDIATE) the second waits to begin at all.
"""

import threading
import time

import pytest
from django.db import connections, transaction

from certificates import tasks
from certificates.models import Collation
from certificates.services import collation as certificates
from tests.certificates.helpers import close_sessions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    """What would have gone to a worker."""
    calls: list[tuple] = []
    monkeypatch.setattr(tasks.collate, "delay", lambda *args: calls.append(args))
    return calls


def run_in_thread(call, errors: list[BaseException]) -> threading.Thread:
    def body() -> None:
        try:
            call()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


@pytest.mark.parametrize("dry_run", [False, True], ids=["collation", "dry run"])
def test_started_twice_at_once_there_is_one_run_and_both_see_it(course, sent, dry_run):
    # given: a programme ready to collate
    close_sessions(course.first, course.second)
    organiser, programme = course.rush.organiser, course.programme
    first_made, runs, errors = threading.Event(), {}, []

    def first() -> None:
        with transaction.atomic():
            runs["first"] = certificates.start_collation(
                actor=organiser, programme=programme, dry_run=dry_run
            )
            first_made.set()
            time.sleep(1.0)  # the second asks meanwhile

    def second() -> None:
        assert first_made.wait(timeout=10)
        runs["second"] = certificates.start_collation(
            actor=organiser, programme=programme, dry_run=dry_run
        )

    # when both click
    threads = [run_in_thread(first, errors), run_in_thread(second, errors)]
    for thread in threads:
        thread.join(timeout=30)

    # then one run, sent once, shown to both
    assert not errors, errors
    assert runs["first"].pk == runs["second"].pk
    assert Collation.objects.filter(programme=programme).count() == 1
    assert sent == [(runs["first"].pk,)]


def test_a_run_already_done_does_not_stop_the_next(course, sent):
    close_sessions(course.first, course.second)
    done = certificates.start_collation(actor=course.rush.organiser, programme=course.programme)
    Collation.objects.filter(pk=done.pk).update(status=Collation.Status.DONE)

    again = certificates.start_collation(actor=course.rush.organiser, programme=course.programme)

    assert again.pk != done.pk
    assert sent == [(done.pk,), (again.pk,)]
