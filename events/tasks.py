"""Celery tasks for notices and the sessions' lifecycle: thin, idempotent, and driven by
the rows in the database."""

from celery import shared_task

from common.tasks import dispatch

from .notices import planning, sending
from .services import lifecycle


@shared_task(ignore_result=True)
def tick() -> int:
    """Every few seconds from beat: note the heartbeat, plan what is due, start senders.

    Safe to run twice at once: plans are unique and notices are claimed one worker each."""
    planning.record_heartbeat()
    planning.plan_due_notices()
    needed = sending.senders_needed()
    for _ in range(needed):
        if not dispatch(send_notices):
            break  # the broker is away: the next tick starts them
    return needed


@shared_task(ignore_result=True)
def send_notices() -> int:
    """Send due notices for up to NOTICE_TASK_SECONDS; what it leaves, the next tick takes."""
    return sending.send_due_notices().handled


@shared_task(ignore_result=True)
def advance_sessions() -> None:
    """Every few minutes from beat: ended sessions become held, those soon to close
    themselves warn their organisers, those due close. Safe to run twice at once."""
    lifecycle.advance_sessions()
