"""Notices queued in the caller's transaction, notices sent again, and the way into planning.

Three things produce notices: a roster entry (its invitation, written in the same
transaction), a reminder rule falling due, and a change to the session. Entries are queued
here; rules and changes are planned by the beat's tick in `due_notices`, one `NoticeBatch`
each. Both write through `inserts`, under each notice's unique key (recipient, session,
kind, planned time). `reminder_plans` edits the plans the tick follows. The rest of the
code imports all of it from here.

What queues or resends calls `send_soon` from this module, so patching it here (as the
certificates benchmark does) keeps the tick from starting.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from common.tasks import dispatch_on_commit

from ..models import Notice, RosterEntry, Session, SessionPoint
from ..selectors import needs_fixing
from .due_notices import (
    BEFORE_START,
    PLAN_HORIZON,
    Kind,
    PlanReport,
    is_due,
    plan_due_notices,
    record_heartbeat,
)
from .inserts import _insert_for_entries
from .reminder_plans import (
    add_reminder_rule,
    require_plan_editor,
    reset_reminder_plan,
    switch_reminder_rule,
)

__all__ = [
    "BEFORE_START",
    "PLAN_HORIZON",
    "PlanReport",
    "add_reminder_rule",
    "is_due",
    "plan_due_notices",
    "queue_entry_notices",
    "queue_invitations",
    "record_heartbeat",
    "require_plan_editor",
    "resend_notices_to",
    "reset_reminder_plan",
    "retry_failed_notices",
    "send_soon",
    "switch_reminder_rule",
]


def send_soon() -> None:
    """Start the tick (plan, then dispatch senders) once the current transaction commits;
    while the broker is away, beat's next tick does the same."""
    from ..tasks import tick

    dispatch_on_commit(tick)


def queue_invitations(*, session_id: int, entry_ids: Iterable[int]) -> int:
    """Invite people just put on an upcoming session's roster, in the caller's transaction;
    nothing leaves before it commits. An entry already invited is not invited again."""
    return _queue_for_entries(
        RosterEntry.objects.filter(
            session_id=session_id,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__gt=timezone.now(),
        ).exclude(source=RosterEntry.Source.WALK_IN),
        entry_ids,
        kind=Kind.INVITATION,
        planned_for=F("added_at"),
    )


def queue_entry_notices(*, entry_ids: Iterable[int], kind: str, planned_for: datetime) -> int:
    """A notice of `kind` to each person on these roster entries, in the caller's
    transaction (a certificate ready, say); the same moment twice sends nothing twice."""
    return _queue_for_entries(
        RosterEntry.objects.all(), entry_ids, kind=kind, planned_for=planned_for
    )


def _queue_for_entries(
    entries: QuerySet[RosterEntry],
    entry_ids: Iterable[int],
    *,
    kind: str,
    planned_for: datetime | F,
) -> int:
    now = timezone.now()
    ids = list(entry_ids)
    added = 0
    for start in range(0, len(ids), 500):
        added += _insert_for_entries(
            entries.filter(pk__in=ids[start : start + 500]),
            kind=kind,
            planned_for=planned_for,
            batch_id=None,
            now=now,
        )
    if added:
        send_soon()
    return added


def _send_again(notices: QuerySet[Notice]) -> int:
    now = timezone.now()
    count = notices.filter(needs_fixing()).update(
        status=Notice.Status.PENDING, problem="", detail="", attempts=0, due_at=now, updated_at=now
    )
    if count:
        send_soon()
    return count


def resend_notices_to(*, session: Session, person: object) -> int:
    """Send again what could not reach this person about this session (address fixed)."""
    return _send_again(Notice.objects.filter(session=session, person=person))


@transaction.atomic
def retry_failed_notices(
    *, actor: AbstractBaseUser, session: Session, participation: SessionPoint | None = None
) -> int:
    """Send failed notices again (and those skipped for want of an address), for instance
    after a coordinator corrected the addresses. Reads the address anew when sending."""
    require_plan_editor(actor, session)
    notices = Notice.objects.filter(session=session)
    if participation is not None:
        notices = notices.filter(participation=participation)
    return _send_again(notices)
