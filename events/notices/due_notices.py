"""The beat's planner: reminder rules and session changes now due, each turned into one
`NoticeBatch` and its outbox rows.

The batch's unique key means a second beat racing the first plans nothing twice; each
notice has its own unique key (recipient, session, kind, planned time) as well.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from ..models import Heartbeat, Notice, NoticeBatch, RosterEntry, Session, SessionChange
from ..selectors import effective_plan
from .inserts import _insert_for_coordinators, _insert_for_entries
from .kinds import plan_kind_choices, plannable, registered
from .models import PlanLine

Kind = Notice.Kind
BEFORE_START = {Kind.REMINDER, Kind.CHECKLIST}
PLAN_HORIZON = timedelta(days=31)


# How far ahead of its moment a wave may start: its size is only counted this close to it.
LEAD_HORIZON = timedelta(days=1)


def wave_lead(size: int) -> timedelta:
    """How long before its moment a wave of `size` notices starts, so that at the slower of
    the rate limit and the pace the workers keep, the last one has gone by that moment."""
    pace = settings.NOTICE_WAVE_RATE_ESTIMATE
    rate = min(settings.NOTICE_RATE_PER_SECOND or pace, pace)
    seconds = size / max(rate, 1) + settings.NOTICE_WAVE_MARGIN_SECONDS
    return min(timedelta(seconds=seconds), LEAD_HORIZON)


def is_due(
    line: PlanLine,
    planned_for: datetime,
    session: Session,
    now: datetime,
    *,
    lead: timedelta = timedelta(0),
) -> bool:
    """Whether the line is to be planned now. A reminder before the start is planned `lead`
    ahead of its moment (see `wave_lead`) so that the whole wave has gone out by then."""
    catch_up = timedelta(hours=settings.NOTICE_CATCH_UP_HOURS)
    if line.kind not in BEFORE_START:
        lead = timedelta(0)
    if not (planned_for - lead <= now <= planned_for + catch_up):
        return False
    if planned_for < session.created_at:
        # The session was scheduled after this reminder's moment: the invitation does.
        return False
    if line.kind in BEFORE_START:
        return session.status == Session.Status.SCHEDULED and now < session.starts_at
    return session.status != Session.Status.CANCELLED and now >= session.ends_at


@dataclass
class PlanReport:
    batches: int = 0
    notices: int = 0


def _told(entries: QuerySet[RosterEntry]) -> QuerySet[RosterEntry]:
    """Only people already sent something about the session: the others' first message,
    rendered when it is sent, will carry the change anyway."""
    sent = Notice.objects.filter(
        session=OuterRef("session"), person=OuterRef("person"), status=Notice.Status.SENT
    )
    return entries.filter(Exists(sent))


def _plan_batch(
    session: Session,
    *,
    kind: str,
    planned_for: datetime,
    now: datetime,
    change: SessionChange | None = None,
) -> NoticeBatch | None:
    """Plan one sending in its own transaction; None when another beat planned it first."""
    try:
        with transaction.atomic():
            batch = NoticeBatch.objects.create(
                session=session, kind=kind, planned_for=planned_for, change=change
            )
            entries = RosterEntry.objects.filter(session=session)
            extension = registered(kind)
            if extension is not None and extension.recipients is not None:
                entries = extension.recipients(entries)
            if change is not None:
                entries = _told(entries)
            if kind != Kind.CHECKLIST:
                _insert_for_entries(
                    entries, kind=kind, planned_for=planned_for, batch_id=batch.pk, now=now
                )
            if kind in (Kind.CHECKLIST, Kind.UPDATE, Kind.CANCELLATION):
                _insert_for_coordinators(
                    session,
                    kind=kind,
                    planned_for=planned_for,
                    batch=batch,
                    now=now,
                    told_only=change is not None,
                )
            batch.planned_count = batch.notices.count()
            batch.save(update_fields=["planned_count"])
    except IntegrityError:
        return None
    return batch


def _void(notices: QuerySet[Notice], problem: str) -> int:
    return notices.filter(status=Notice.Status.PENDING).update(
        status=Notice.Status.SKIPPED, problem=problem, updated_at=timezone.now()
    )


def _plan_changes(now: datetime, report: PlanReport) -> None:
    pending = SessionChange.objects.filter(
        noticed_at=None,
        kind__in=[
            SessionChange.Kind.RESCHEDULED,
            SessionChange.Kind.EDITED,
            SessionChange.Kind.CANCELLED,
        ],
    ).order_by("created_at", "pk")
    for change_id in list(pending.values_list("pk", flat=True)[:200]):
        with transaction.atomic():
            change = (
                SessionChange.objects.select_for_update(skip_locked=True)
                .select_related("session__programme")
                .filter(pk=change_id, noticed_at=None)
                .first()
            )
            if change is None:
                continue  # another beat has it
            session = change.session
            cancelled = change.kind == SessionChange.Kind.CANCELLED
            kind = Kind.CANCELLATION if cancelled else Kind.UPDATE
            others = Notice.objects.filter(session=session)
            if cancelled:
                _void(others, Notice.Problem.CANCELLED)
            else:
                # Reminders planned for a time the session no longer has give way.
                current = {line.planned_for(session) for line in effective_plan(session)}
                planned_kinds = [value for value, _label in plan_kind_choices()]
                _void(
                    others.filter(kind__in=planned_kinds).exclude(planned_for__in=current),
                    Notice.Problem.SUPERSEDED,
                )
                _void(others.filter(kind=Kind.UPDATE), Notice.Problem.SUPERSEDED)
            upcoming = session.status == Session.Status.SCHEDULED and session.starts_at > now
            if cancelled or upcoming:
                batch = _plan_batch(
                    session, kind=kind, planned_for=change.created_at, now=now, change=change
                )
                if batch is not None:
                    report.batches += 1
                    report.notices += batch.planned_count
            change.noticed_at = now
            change.save(update_fields=["noticed_at"])


def _plan_reminders(now: datetime, report: PlanReport) -> None:
    sessions = (
        Session.objects.filter(
            # Follow-ups after the end (a survey request) go to held and closed ones too.
            status__in=[Session.Status.SCHEDULED, Session.Status.HELD, Session.Status.CLOSED],
            starts_at__lte=now + PLAN_HORIZON,
            ends_at__gte=now - PLAN_HORIZON,
        )
        .order_by()
        .select_related("programme")
        .prefetch_related("reminder_rules", "programme__reminder_rules")
    )
    sessions = list(sessions)
    # A registered kind with nothing to send for a session (no survey set up) is skipped:
    # its owner says which sessions have something, in one query for all of them.
    ids = [session.pk for session in sessions]
    wanted = {kind.value: kind.sessions_with(ids) for kind in plannable() if kind.sessions_with}
    planned = set(
        NoticeBatch.objects.filter(session__in=sessions, change=None).values_list(
            "session_id", "kind", "planned_for"
        )
    )
    lines = [
        (session, line, planned_for)
        for session, line_list in ((s, effective_plan(s)) for s in sessions)
        for line in line_list
        for planned_for in [line.planned_for(session)]
        if (session.pk, line.kind, planned_for) not in planned
    ]
    # Waves soon due start early by their size: the rosters counted in one query.
    soon = {
        session.pk
        for session, line, planned_for in lines
        if line.kind in BEFORE_START and now < planned_for <= now + LEAD_HORIZON
    }
    sizes = {}
    if soon:
        sizes = dict(
            RosterEntry.objects.filter(session_id__in=soon, removed_at=None)
            .values_list("session_id")
            .annotate(size=Count("pk"))
            .order_by()
        )
    for session, line, planned_for in lines:
        key = (session.pk, line.kind, planned_for)
        lead = wave_lead(sizes.get(session.pk, 0)) if session.pk in soon else timedelta(0)
        if key in planned or not is_due(line, planned_for, session, now, lead=lead):
            continue
        if line.kind in wanted and session.pk not in wanted[line.kind]:
            continue
        planned.add(key)
        batch = _plan_batch(session, kind=line.kind, planned_for=planned_for, now=now)
        if batch is not None:
            report.batches += 1
            report.notices += batch.planned_count


def plan_due_notices(*, now: datetime | None = None) -> PlanReport:
    """Write the outbox rows for every change and reminder now due; safe to run in parallel."""
    now = now or timezone.now()
    report = PlanReport()
    _plan_changes(now, report)
    _plan_reminders(now, report)
    return report


def record_heartbeat() -> None:
    """Note that the beat's tick ran on a worker just now."""
    Heartbeat.objects.update_or_create(name="tick", defaults={"beat_at": timezone.now()})
