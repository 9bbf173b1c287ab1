"""Reminder plans, and the planner that turns what is due into outbox rows.

Three things produce notices: a roster entry (its invitation, written in the same
transaction), a reminder rule falling due, and a change to the session. Rules and changes
are planned by the beat's tick, one `NoticeBatch` each; the batch's unique key means a
second beat racing the first plans nothing twice, and each notice has its own unique key
(recipient, session, kind, planned time) as well.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Heartbeat,
    Notice,
    NoticeBatch,
    ReminderRule,
    RosterEntry,
    Session,
    SessionChange,
    SessionPoint,
)
from ..selectors import effective_plan, needs_fixing, plan_source
from .kinds import plan_kind_choices, plannable, registered
from .models import PlanLine

Kind = Notice.Kind
BEFORE_START = {Kind.REMINDER, Kind.CHECKLIST}
PLAN_HORIZON = timedelta(days=31)


def is_due(line: PlanLine, planned_for: datetime, session: Session, now: datetime) -> bool:
    catch_up = timedelta(hours=settings.NOTICE_CATCH_UP_HOURS)
    if not (planned_for <= now <= planned_for + catch_up):
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


NOTICE_COLUMNS = (
    "session_id",
    "kind",
    "planned_for",
    "batch_id",
    "person_id",
    "user_id",
    "entry_id",
    "participation_id",
    "channel",
    "status",
    "problem",
    "detail",
    "address",
    "attempts",
    "due_at",
    "claim",
    "created_at",
    "updated_at",
)


def _insert_for_entries(
    entries: QuerySet[RosterEntry],
    *,
    kind: str,
    planned_for: datetime | F,
    batch_id: int | None,
    now: datetime,
) -> int:
    """One INSERT ... SELECT for every person on these roster entries, whatever their number.

    People with no way to reach them get a row too, marked skipped, so they are counted.
    """
    by_email = ~Q(person__email="")
    by_sms = Q(pk__in=[]) if "sms" not in settings.NOTICE_CHANNELS else ~Q(person__phone="")
    stamp = Value(now, output_field=DateTimeField())
    moment = planned_for if isinstance(planned_for, F) else Value(planned_for, DateTimeField())
    rows = (
        entries.filter(removed_at=None, person__is_active=True)
        .order_by()
        .annotate(
            n_kind=Value(kind),
            n_planned=moment,
            n_batch=Cast(Value(batch_id), BigIntegerField()),
            n_user=Cast(Value(None), BigIntegerField()),
            n_channel=Case(
                When(by_email, then=Value(Notice.Channel.EMAIL.value)),
                When(by_sms, then=Value(Notice.Channel.SMS.value)),
                default=Value(Notice.Channel.EMAIL.value),
            ),
            n_status=Case(
                When(by_email | by_sms, then=Value(Notice.Status.PENDING.value)),
                default=Value(Notice.Status.SKIPPED.value),
            ),
            n_problem=Case(
                When(by_email | by_sms, then=Value("")),
                default=Value(Notice.Problem.NO_ADDRESS.value),
            ),
            n_detail=Value(""),
            n_address=Value(""),
            n_attempts=Value(0),
            n_due=stamp,
            n_claim=Value(""),
            n_created=stamp,
            n_updated=stamp,
        )
        .values_list(
            "session_id",
            "n_kind",
            "n_planned",
            "n_batch",
            "person_id",
            "n_user",
            "pk",
            "participation_id",
            "n_channel",
            "n_status",
            "n_problem",
            "n_detail",
            "n_address",
            "n_attempts",
            "n_due",
            "n_claim",
            "n_created",
            "n_updated",
        )
    )
    select_sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in NOTICE_COLUMNS)
    # The query always has a WHERE clause, so SQLite cannot read ON CONFLICT as a join's.
    table = quote(Notice._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _insert_for_coordinators(
    session: Session,
    *,
    kind: str,
    planned_for: datetime,
    batch: NoticeBatch,
    now: datetime,
    told_only: bool = False,
) -> None:
    """A notice to each coordinator of the session's points (once, however many points)."""
    links = (
        SessionPoint.objects.filter(session=session, point__coordinators__is_active=True)
        .order_by("pk")
        .values_list("pk", "point__coordinators", "point__coordinators__email")
    )
    told: set[int] = set()
    if told_only:
        told = set(
            Notice.objects.filter(
                session=session, status=Notice.Status.SENT, user__isnull=False
            ).values_list("user_id", flat=True)
        )
    notices: dict[int, Notice] = {}
    for participation_id, user_id, email in links:
        if user_id in notices or (told_only and user_id not in told):
            continue
        notices[user_id] = Notice(
            session=session,
            kind=kind,
            planned_for=planned_for,
            batch=batch,
            user_id=user_id,
            participation_id=participation_id,
            status=Notice.Status.PENDING if email else Notice.Status.SKIPPED,
            problem="" if email else Notice.Problem.NO_ADDRESS,
            due_at=now,
        )
    Notice.objects.bulk_create(notices.values(), batch_size=1000, ignore_conflicts=True)


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
        noticed_at=None, kind__in=[SessionChange.Kind.RESCHEDULED, SessionChange.Kind.CANCELLED]
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
            status__in=[Session.Status.SCHEDULED, Session.Status.CLOSED],
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
    for session in sessions:
        for line in effective_plan(session):
            planned_for = line.planned_for(session)
            key = (session.pk, line.kind, planned_for)
            if key in planned or not is_due(line, planned_for, session, now):
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


def send_soon() -> None:
    """Start the tick (plan, then dispatch senders) once the current transaction commits."""
    from ..tasks import tick

    tick.delay_on_commit()


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


def record_heartbeat() -> None:
    """Note that the beat's tick ran on a worker just now."""
    Heartbeat.objects.update_or_create(name="tick", defaults={"beat_at": timezone.now()})


def require_plan_editor(actor: AbstractBaseUser, session: Session) -> None:
    from ..services.sessions import require_host_in_scope

    require_host_in_scope(actor=actor, host_point=session.host_point)


def _rule(session: Session, line: PlanLine, *, active: bool = True) -> ReminderRule:
    return ReminderRule(
        session=session,
        kind=line.kind,
        anchor=line.anchor,
        day_offset=line.day_offset,
        at_time=line.at_time,
        minute_offset=line.minute_offset,
        is_active=active,
    )


def _own_rules(session: Session) -> QuerySet[ReminderRule]:
    """The session's own plan, copied (in order) from the one it followed when first edited."""
    rules = ReminderRule.objects.filter(session=session).order_by("pk")
    if not rules.exists():
        ReminderRule.objects.bulk_create(
            _rule(session, line, active=active) for line, active in plan_source(session)[1]
        )
    return rules


@transaction.atomic
def add_reminder_rule(*, actor: AbstractBaseUser, session: Session, line: PlanLine) -> ReminderRule:
    """Add a line to a session's plan; the session keeps the lines it followed before."""
    require_plan_editor(actor, session)
    _own_rules(session)
    rule = _rule(session, line)
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def switch_reminder_rule(
    *, actor: AbstractBaseUser, session: Session, index: int, active: bool
) -> None:
    """Turn one line of the session's plan (by its position in `plan_source`) off or on."""
    require_plan_editor(actor, session)
    rules = list(_own_rules(session))
    if not 0 <= index < len(rules):
        raise ValidationError(_("This reminder is not in the plan."))
    rule = rules[index]
    rule.is_active = active
    rule.save(update_fields=["is_active", "updated_at"])


@transaction.atomic
def reset_reminder_plan(*, actor: AbstractBaseUser, session: Session) -> None:
    """Drop the session's own plan: it follows its programme's (or the default) again."""
    require_plan_editor(actor, session)
    ReminderRule.objects.filter(session=session).delete()


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
