"""Celery tasks for notices: thin, idempotent, and driven by the rows in the database."""

from celery import shared_task

from .services import outbox, reminders


@shared_task(ignore_result=True)
def tick() -> int:
    """Every few seconds from beat: note the heartbeat, plan what is due, start senders.

    Safe to run twice at once: plans are unique and notices are claimed one worker each."""
    reminders.record_heartbeat()
    reminders.plan_due_notices()
    needed = outbox.senders_needed()
    for _ in range(needed):
        send_notices.delay()
    return needed


@shared_task(ignore_result=True)
def send_notices() -> int:
    """Send due notices for up to NOTICE_TASK_SECONDS; what it leaves, the next tick takes."""
    return outbox.send_due_notices().handled
