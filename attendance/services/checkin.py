"""Checking people in: by a coordinator's scan, by name, at the door, or by themselves.

The morning rush is 300,000 people in half an hour, so a scan costs at most five queries:
the user, the point (with the device's earlier answer for the same scan id), the roster
entry (with its attendance), the attendance upsert and the audit row. Every attempt is
recorded, refused ones too; the device's scan id makes a resent scan count once.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from directory.selectors import scope_for
from events.models import BridgePoint, RosterEntry, Session, SessionPoint

from ..models import Attendance, AttendanceChange, Method, ScanAttempt, attendance_status
from ..tickets import TicketError, read_point_code, read_ticket

CHECK_IN = "check_in"
CHECK_OUT = "check_out"
# How far back a phone that was offline may date its scans.
QUEUE_LIMIT = timedelta(hours=12)

MESSAGES = {
    "checked_in": lambda c: _("%(name)s checked in.") % c,
    "checked_out": lambda c: _("%(name)s checked out.") % c,
    "too_long": lambda c: _("This code is far too long to be a DiemCau ticket."),
    "not_a_ticket": lambda c: _("This QR code is not a DiemCau ticket."),
    "malformed": lambda c: _("The ticket is damaged or cut short; scan it again."),
    "forged": lambda c: _("Forged ticket: its signature does not match."),
    "revoked": lambda c: _("This ticket was revoked; %(name)s has a newer one.") % c,
    "not_on_roster": lambda c: _("%(name)s is not on this session's roster.") % c,
    "wrong_session": lambda c: _("This ticket is for another session: %(session)s.") % c,
    "wrong_point": lambda c: _("%(name)s is on the roster of %(point)s, not this point.") % c,
    "already_checked_in": lambda c: _("%(name)s already checked in at %(time)s.") % c,
    "not_checked_in": lambda c: _("%(name)s has not checked in yet.") % c,
    "session_cancelled": lambda c: _("This session was cancelled."),
    "session_closed": lambda c: _("This session is closed: attendance is frozen."),
    "not_your_point": lambda c: _("You do not keep this bridge point."),
    "unknown_point": lambda c: _("This bridge point does not take part in any session."),
    "rate_limited": lambda c: _("Too many scans from this device; wait a minute."),
    "expired": lambda c: _("This code has expired; scan the one on the screen now."),
    "no_person": lambda c: _("Your account is not linked to anyone in the directory."),
}
HTTP_STATUS = {
    "checked_in": 200,
    "checked_out": 200,
    "not_your_point": 403,
    "unknown_point": 404,
    "rate_limited": 429,
}
REFUSED_STATUS = 409


@dataclass
class ScanRequest:
    participation_id: int
    payload: str = ""
    # A person found by name on the scanner instead of by their ticket.
    entry_id: int | None = None
    scan_id: UUID | None = None
    device_id: str = ""
    device_time: datetime | None = None
    # Sent later by a phone that was offline: its own time is the time of the scan.
    queued: bool = False
    action: str = CHECK_IN


@dataclass
class ScanResult:
    code: str
    message: str = ""
    entry_id: int | None = None
    name: str = ""
    agency: str = ""
    point: str = ""
    time: datetime | None = None
    status: str = ""
    repeated: bool = False
    context: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def accepted(self) -> bool:
        return self.code in ("checked_in", "checked_out")

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, REFUSED_STATUS)


def _local_time(moment: datetime | None) -> str:
    return time_format(timezone.localtime(moment), "H:i") if moment else ""


class _Blanks(dict):
    """Message values where anything not known reads as empty rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def _result(code: str, entry: RosterEntry | None = None, **context: object) -> ScanResult:
    result = ScanResult(code=code)
    if entry is not None:
        result.entry_id = entry.pk
        result.name = entry.person.full_name
        result.agency = entry.person.agency.name
        result.point = entry.participation.point.name
    values = _Blanks(name=result.name or _("This person"), point=result.point)
    values |= {key: str(value) for key, value in context.items() if key != "time"}
    if isinstance(context.get("time"), datetime):
        result.time = context["time"]
        values["time"] = _local_time(result.time)
    result.message = MESSAGES[code](values)
    return result


def _over_rate(actor: AbstractBaseUser, device_id: str, *, queued: bool = False) -> bool:
    # A phone back from an outage sends its backlog at once: held scans get ten times the
    # room, counted apart, so a long outage drains in a minute and a flood is still cut off.
    kind = "queued" if queued else "live"
    key = f"scan-rate:{kind}:{actor.pk}:{device_id}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, 120)
    limit = settings.SCAN_RATE_PER_MINUTE * (10 if queued else 1)
    return cache.incr(key) > limit


def _recorded_time(request: ScanRequest, now: datetime) -> datetime:
    """The server's clock decides, except for scans a phone queued while offline."""
    if request.queued and request.device_time is not None:
        return min(max(request.device_time, now - QUEUE_LIMIT), now)
    return now


def upsert_arrival(
    *, entry: RosterEntry, at: datetime, method: str, actor: AbstractBaseUser | None
) -> None:
    """Record an arrival in one statement; an earlier arrival already recorded stays."""
    table = connection.ops.quote_name(Attendance._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(at)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (entry_id, session_id, participation_id, checked_in_at,
                                 check_in_method, checked_in_by_id, updated_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (entry_id) DO UPDATE SET
                checked_in_at = EXCLUDED.checked_in_at,
                check_in_method = EXCLUDED.check_in_method,
                checked_in_by_id = EXCLUDED.checked_in_by_id,
                updated_at = EXCLUDED.updated_at
            WHERE {table}.checked_in_at IS NULL OR EXCLUDED.checked_in_at < {table}.checked_in_at
            """,
            [
                entry.pk,
                entry.session_id,
                entry.participation_id,
                stamp,
                method,
                actor.pk if actor else None,
                now,
            ],
        )


def _record_departure(entry: RosterEntry, at: datetime) -> None:
    Attendance.objects.filter(pk=entry.pk).filter(
        Q(checked_out_at__isnull=True) | Q(checked_out_at__lt=at)
    ).update(checked_out_at=at, updated_at=timezone.now())


def _attendance(entry: RosterEntry) -> Attendance | None:
    try:
        return entry.attendance
    except Attendance.DoesNotExist:
        return None


def _session_refusal(session: Session) -> str | None:
    if session.status == Session.Status.CANCELLED:
        return "session_cancelled"
    if session.status == Session.Status.CLOSED:
        return "session_closed"
    return None


def _entry_refusal(
    entry: RosterEntry, participation: SessionPoint, version: int | None
) -> tuple[str, dict[str, object]] | None:
    if version is not None and version != entry.ticket_version:
        return "revoked", {}
    if entry.session_id != participation.session_id:
        return "wrong_session", {"session": entry.session.title}
    if entry.removed_at is not None:
        return "not_on_roster", {}
    if entry.participation_id != participation.pk:
        return "wrong_point", {}
    return None


def _apply(
    *,
    entry: RosterEntry,
    session: Session,
    action: str,
    at: datetime,
    method: str,
    actor: AbstractBaseUser | None,
) -> ScanResult:
    """Check in or out someone known to be on this point's roster."""
    attendance = _attendance(entry)
    arrived = attendance.checked_in_at if attendance else None
    if action == CHECK_OUT:
        if arrived is None:
            return _result("not_checked_in", entry)
        _record_departure(entry, at)
        return _result("checked_out", entry, time=at)
    if arrived is not None and arrived <= at:
        return _result("already_checked_in", entry, time=arrived)
    upsert_arrival(entry=entry, at=at, method=method, actor=actor)
    result = _result("checked_in", entry, time=at)
    result.status = attendance_status(
        session=session,
        checked_in_at=at,
        checked_out_at=attendance.checked_out_at if attendance else None,
        excuse=attendance.excuse if attendance else "",
    )
    return result


@dataclass
class _Attempt:
    """One attempt being answered: every answer, accepted or refused, is recorded once."""

    request: ScanRequest
    actor: AbstractBaseUser
    method: str
    now: datetime
    participation: SessionPoint | None = None

    def answer(self, code: str, entry: RosterEntry | None = None, **context: object) -> ScanResult:
        return self.record(_result(code, entry, **context))

    def record(self, result: ScanResult) -> ScanResult:
        request = self.request
        ScanAttempt.objects.create(
            scan_id=request.scan_id,
            device_id=request.device_id[:64],
            method=self.method,
            action=request.action,
            participation=self.participation,
            entry_id=result.entry_id,
            actor=self.actor,
            outcome=(
                ScanAttempt.Outcome.ACCEPTED if result.accepted else ScanAttempt.Outcome.REFUSED
            ),
            reason=result.code,
            payload=request.payload[:120],
            device_time=request.device_time,
            server_time=self.now,
            recorded_time=result.time,
        )
        return result

    def settle(self, entry: RosterEntry | None, version: int | None, at: datetime) -> ScanResult:
        """Refuse a person who is not expected here, or check them in (or out)."""
        participation = self.participation
        if entry is None:
            return self.answer("not_on_roster")
        refused = _entry_refusal(entry, participation, version)
        if refused:
            return self.answer(refused[0], entry, **refused[1])
        return self.record(
            _apply(
                entry=entry,
                session=participation.session,
                action=self.request.action,
                at=at,
                method=self.method,
                actor=self.actor,
            )
        )


def _repeat(scan_id: UUID) -> ScanResult:
    """The answer already given to this scan id, given again."""
    attempt = (
        ScanAttempt.objects.select_related(
            "entry__person__agency", "entry__participation__point", "entry__session"
        )
        .filter(scan_id=scan_id)
        .first()
    )
    context = {"session": attempt.entry.session.title} if attempt.entry else {}
    result = _result(attempt.reason, attempt.entry, time=attempt.recorded_time, **context)
    if attempt.reason == "checked_in":
        result.status = attendance_status(
            session=attempt.entry.session,
            checked_in_at=attempt.recorded_time,
            checked_out_at=None,
            excuse="",
        )
    result.repeated = True
    return result


def _roster_entry(**filters: object) -> RosterEntry | None:
    """One roster entry with what a scan answer names. Without the models' default
    ordering, which would join and sort for a single row on every scan."""
    return (
        RosterEntry.objects.select_related("person__agency", "participation__point", "attendance")
        .filter(**filters)
        .order_by()
        .first()
    )


def _point_for_scan(actor: AbstractBaseUser, request: ScanRequest) -> SessionPoint | None:
    keeps = BridgePoint.coordinators.through.objects.filter(
        bridgepoint_id=OuterRef("point_id"), user_id=actor.pk
    )
    points = SessionPoint.objects.select_related("session", "point").annotate(keeps=Exists(keeps))
    if request.scan_id is not None:
        earlier = ScanAttempt.objects.filter(scan_id=request.scan_id).values("pk")[:1]
        points = points.annotate(earlier_scan=Subquery(earlier))
    return points.filter(pk=request.participation_id).order_by().first()


def record_scan(*, actor: AbstractBaseUser, request: ScanRequest) -> ScanResult:
    """Check someone in (or out) at a point from a scanned ticket or a name search."""
    if _over_rate(actor, request.device_id, queued=request.queued):
        # Not audited row by row: a flood must not become a flood of writes.
        return _result("rate_limited")
    try:
        with transaction.atomic():
            return _record_scan(actor, request)
    except IntegrityError:
        # The same scan id, sent twice at once by a retrying phone: the first one won.
        if request.scan_id is not None and ScanAttempt.objects.filter(scan_id=request.scan_id):
            return _repeat(request.scan_id)
        raise


def _record_scan(actor: AbstractBaseUser, request: ScanRequest) -> ScanResult:
    method = Method.MANUAL if request.entry_id else Method.SCAN
    attempt = _Attempt(request, actor, method, timezone.now())
    participation = _point_for_scan(actor, request)
    if participation is None:
        return attempt.answer("unknown_point")
    if getattr(participation, "earlier_scan", None):
        return _repeat(request.scan_id)
    attempt.participation = participation
    if not participation.keeps:
        scope = scope_for(actor)
        if not (scope.is_organiser and scope.covers_unit(participation.point.unit)):
            return attempt.answer("not_your_point")
    refusal = _session_refusal(participation.session)
    if refusal:
        return attempt.answer(refusal)
    version = None
    entry_id = request.entry_id
    if not entry_id:
        try:
            ticket = read_ticket(request.payload)
        except TicketError as error:
            return attempt.answer(error.code)
        entry_id, version = ticket.entry_id, ticket.version
    entry = _roster_entry(pk=entry_id)
    return attempt.settle(entry, version, _recorded_time(request, attempt.now))


@transaction.atomic
def self_check_in(*, user: AbstractBaseUser, payload: str) -> ScanResult:
    """An attendee scans the rotating code on their point's screen with their own phone."""
    if _over_rate(user, "self"):
        return _result("rate_limited")
    request = ScanRequest(participation_id=0, payload=payload)
    attempt = _Attempt(request, user, Method.SELF, timezone.now())
    try:
        code = read_point_code(payload, now=attempt.now.timestamp())
    except TicketError as error:
        return attempt.answer(error.code)
    participation = (
        SessionPoint.objects.select_related("session", "point")
        .filter(pk=code.participation_id)
        .order_by()
        .first()
    )
    if participation is None:
        return attempt.answer("unknown_point")
    attempt.participation = participation
    refusal = _session_refusal(participation.session)
    if refusal:
        return attempt.answer(refusal)
    entry = _roster_entry(session_id=participation.session_id, person__user=user)
    if entry is None:
        return attempt.answer("not_on_roster", name=user.get_full_name() or user.get_username())
    return attempt.settle(entry, None, attempt.now)


def record_change(
    attendance: Attendance,
    kind: str,
    actor: AbstractBaseUser,
    reason: str = "",
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> AttendanceChange:
    return AttendanceChange.objects.create(
        attendance=attendance,
        kind=kind,
        actor=actor,
        reason=reason.strip()[:300],
        before=before or {},
        after=after or {},
    )
