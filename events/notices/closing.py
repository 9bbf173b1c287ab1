"""The warning that a held session is about to close itself, to the organisers who would
close it: whoever scheduled it and the organisers nearest its host point.

"Nearest" is the deepest unit, from the host point's own up to the nation, where someone
holds the organiser role: a district's session warns the district's organisers when it has
some, else the province's, and the Ministry's only when nobody below holds the role. So a
national organiser is not told about every commune's session, and someone is always told.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.db.models import Min, Q

from directory.models import RoleAssignment

from ..models import Notice, NoticeBatch, Session, SessionPoint
from .kinds import NoticeKind

Recipients = dict[int, str]  # user id → e-mail address


def _chain(session: Session) -> list[int]:
    """The host point's unit and its ancestors, nearest first (read from the path)."""
    return [int(part) for part in reversed(session.host_point.unit.path.strip("/").split("/"))]


def closing_recipients(sessions: Sequence[Session]) -> dict[int, Recipients]:
    """Each session's organisers to warn, in one query however many sessions."""
    units = {unit_id for session in sessions for unit_id in _chain(session)}
    by_unit: dict[int | None, Recipients] = defaultdict(dict)
    rows = (
        RoleAssignment.objects.filter(role=RoleAssignment.Role.ORGANISER, user__is_active=True)
        .filter(Q(unit_id__in=units) | Q(unit=None))
        .values_list("unit_id", "user_id", "user__email")
    )
    for unit_id, user_id, email in rows:
        by_unit[unit_id][user_id] = email
    recipients: dict[int, Recipients] = {}
    for session in sessions:
        chain = [*_chain(session), None]
        nearest = next((by_unit[unit] for unit in chain if by_unit.get(unit)), {})
        told = dict(nearest)
        creator = session.created_by
        in_reach = creator.is_superuser or any(creator.pk in by_unit.get(u, {}) for u in chain)
        if creator.is_active and in_reach:
            told[creator.pk] = creator.email
        recipients[session.pk] = told
    return recipients


def _participations(sessions: Sequence[Session]) -> dict[int, int]:
    """The participation a notice hangs on: the host point's when it takes part, else the
    session's first point (a notice always names one)."""
    ids = [session.pk for session in sessions]
    hosts = {session.pk: session.host_point_id for session in sessions}
    chosen = {
        session_id: pk
        for session_id, point_id, pk in SessionPoint.every.filter(
            session_id__in=ids, point_id__in=set(hosts.values())
        ).values_list("session_id", "point_id", "pk")
        if hosts[session_id] == point_id
    }
    missing = [pk for pk in ids if pk not in chosen]
    if missing:
        chosen |= dict(
            SessionPoint.every.filter(session_id__in=missing)
            .order_by()
            .values_list("session_id")
            .annotate(first=Min("pk"))
        )
    return chosen


def queue_closing_warnings(sessions: Sequence[Session], *, now: datetime) -> int:
    """One batch per session and a notice to each of its organisers, in the caller's
    transaction; the caller has claimed the sessions, so none is warned twice. Five queries
    however many sessions."""
    recipients = closing_recipients(sessions)
    participations = _participations(sessions)
    kind = NoticeKind.SESSION_CLOSING
    batches = NoticeBatch.objects.bulk_create(
        NoticeBatch(
            session=session,
            kind=kind,
            planned_for=now,
            planned_count=len(recipients[session.pk]),
        )
        for session in sessions
        if session.pk in participations and recipients[session.pk]
    )
    notices = [
        Notice(
            session_id=batch.session_id,
            kind=kind,
            planned_for=now,
            batch=batch,
            user_id=user_id,
            participation_id=participations[batch.session_id],
            status=Notice.Status.PENDING if email else Notice.Status.SKIPPED,
            problem="" if email else Notice.Problem.NO_ADDRESS,
            due_at=now,
        )
        for batch in batches
        for user_id, email in sorted(recipients[batch.session_id].items())
    ]
    Notice.objects.bulk_create(notices, batch_size=1000, ignore_conflicts=True)
    return len(notices)
