"""A session's life after its end, moved on by the beat (`events.tasks.advance_sessions`).

Scheduled → held when its end has passed (`mark_held`); held → closed when an organiser
closes it (`sessions.close_session`) or by itself SESSION_AUTO_CLOSE_DAYS after its end
(`close_due`), through the same path. It never closes unannounced: `warn_closing` tells its
organisers SESSION_CLOSE_WARNING_DAYS before, and a session whose warning went late (the
worker was down, or the session was recorded long after it was held) closes that many days
after the warning rather than on the day it was due. `states.closes_itself_at` says when.

Each step claims its rows under a lock that skips what another run holds, so two runs at
once do every thing once. Becoming held is not written to SessionChange: it is nobody's
act, a change kind for it would need a migration, and `held_at` already records when.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Session
from ..notices.closing import queue_closing_warnings
from ..notices.planning import send_soon
from ..states import auto_close_delay, warning_delay
from .sessions import SessionAlreadyClosed, close_session

logger = logging.getLogger(__name__)

# Sessions warned or closed per transaction; the first run after an outage may find many.
BATCH = 200


@transaction.atomic
def mark_held(*, now: datetime | None = None) -> int:
    """Every scheduled session whose end has passed becomes held, in one UPDATE however
    many; idempotent, and two runs at once mark each session once. A session being moved
    at that moment is left for the next run rather than waited for."""
    now = now or timezone.now()
    ended = (
        Session.objects.select_for_update(skip_locked=True, no_key=True)
        .filter(status=Session.Status.SCHEDULED, ends_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return Session.objects.filter(
        pk__in=list(ended), status=Session.Status.SCHEDULED, ends_at__lte=now
    ).update(status=Session.Status.HELD, held_at=now, updated_at=now)


def warn_closing(*, now: datetime | None = None) -> int:
    """Tell the organisers of each held session due to close itself within
    SESSION_CLOSE_WARNING_DAYS, once: the session is claimed and stamped `close_warned_at`
    in the transaction that queues the notices. Returns the number of sessions warned."""
    now = now or timezone.now()
    warned = 0
    while count := _warn_batch(now):
        warned += count
        if count < BATCH:
            break
    return warned


@transaction.atomic
def _warn_batch(now: datetime) -> int:
    sessions = list(
        Session.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
        .filter(
            status=Session.Status.HELD,
            close_warned_at=None,
            ends_at__lte=now - (auto_close_delay() - warning_delay()),
        )
        .select_related("host_point__unit", "created_by")
        .order_by("ends_at", "pk")[:BATCH]
    )
    if not sessions:
        return 0
    Session.objects.filter(pk__in=[session.pk for session in sessions]).update(close_warned_at=now)
    if queue_closing_warnings(sessions, now=now):
        send_soon()
    return len(sessions)


def close_due(*, now: datetime | None = None) -> int:
    """Close each held session SESSION_AUTO_CLOSE_DAYS past its end whose organisers were
    warned at least SESSION_CLOSE_WARNING_DAYS ago, through `close_session` with no actor
    (recorded as closed by itself; `session_closed` sent once). One session's failure is
    logged and leaves the others to close. Returns the number closed."""
    now = now or timezone.now()
    due = (
        Session.objects.filter(
            status=Session.Status.HELD,
            ends_at__lte=now - auto_close_delay(),
            close_warned_at__lte=now - warning_delay(),
        )
        .order_by("ends_at", "pk")
        .values_list("pk", flat=True)
    )
    closed = 0
    for session_id in list(due[:BATCH]):
        try:
            closed += _close_one(session_id)
        except Exception:  # one session must not keep the others open
            logger.exception("session %s could not close itself", session_id)
    return closed


@transaction.atomic
def _close_one(session_id: int) -> int:
    session = (
        Session.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=session_id, status=Session.Status.HELD)
        .select_related("programme", "host_point")
        .first()
    )
    if session is None:
        return 0  # closed meanwhile, or another run has it
    try:
        close_session(actor=None, session=session)
    except SessionAlreadyClosed:
        return 0
    return 1


def advance_sessions(*, now: datetime | None = None) -> dict[str, int]:
    """Held, warned, closed: the three steps in that order; idempotent."""
    now = now or timezone.now()
    return {
        "held": mark_held(now=now),
        "warned": warn_closing(now=now),
        "closed": close_due(now=now),
    }
