"""Checking people in: by a coordinator's scan, by name, at the door, or by themselves.

The morning rush is 300,000 people in half an hour, so a scan costs at most four queries:
the user, one written-out statement for the point (with the caller's earlier answer for
the same scan id) and the roster entry (with its attendance), the attendance upsert and
the audit row. Every attempt is
recorded, refused ones too; the device's scan id makes a resent scan count once. What an
answer may say about whom is decided in `reach`.

A scan is taken only inside the session's check-in window (`attendance.window`), judged
on the session already read with the point, so the window costs no query.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from events.models import RosterEntry, Session, SessionPoint

from ..models import Attendance, Method, ScanAttempt, attendance_status
from ..selectors.sync import point_and_entry
from ..tickets import TicketError, read_point_code, read_ticket
from ..window import WINDOW_CODES, window_moments, window_refusal
from .reach import keeps_entry, keeps_point, over_misses, over_rate
from .recording import record_change, upsert_arrival
from .scans import CHECK_IN, CHECK_OUT, ScanRequest, ScanResult, scan_result

# What this module has always offered, some of it now written in `scans` and `recording`.
__all__ = [
    "CHECK_IN",
    "CHECK_OUT",
    "ScanRequest",
    "ScanResult",
    "record_change",
    "record_scan",
    "self_check_in",
    "upsert_arrival",
]


# What the attempts' and arrivals' integer columns hold (PostgreSQL's integer).
MAX_SKEW_SECONDS = 2**31 - 1


def clock_skew(request: ScanRequest, now: datetime) -> int | None:
    """Seconds the device's clock is ahead of the server's (behind when negative), from the
    time it says it sent the scan; a scan sent live is sent as it is made, so an older
    scanner's `device_time` tells as much. None when the device says nothing."""
    sent = request.sent_at
    if sent is None and not request.queued:
        sent = request.device_time
    if sent is None:
        return None
    # A clock set to the year 9999 is far off, not a reason to fail: kept within the column.
    return max(-MAX_SKEW_SECONDS, min(MAX_SKEW_SECONDS, round((sent - now).total_seconds())))


def is_far_off(skew: int | None) -> bool:
    return skew is not None and abs(skew) > settings.CHECKIN_CLOCK_SKEW_SECONDS


def scan_time(request: ScanRequest, now: datetime, skew: int | None) -> datetime:
    """When the scan was made, by the server's clock: the time it is judged and recorded by.

    The server's clock decides, except for a scan a phone queued while offline: its own time
    is the evidence of when the person came. A phone whose clock is far off when it sends
    (set a year back, or to another time zone) was most likely as far off when it scanned,
    so its time is moved by that much and the arrival flagged; a few minutes off is the
    usual drift plus the network's delay, and correcting by it would only add noise. A time
    after now cannot be a scan's. How far back a queued scan may be dated is the window's
    to say: a phone that scanned at 07:55 and syncs the next day still counts, one dated a
    week before the session is refused, whatever the phone says. A phone whose clock was
    set right between the scan and its sending cannot be told from one that scanned then:
    its scan is refused with the window's code and kept among the attempts (payload,
    device time), from which a coordinator can enter the arrival by hand.
    """
    if not request.queued or request.device_time is None:
        return now
    made = request.device_time
    if is_far_off(skew):
        made -= timedelta(seconds=skew)
    return min(made, now)


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


def _arrival(entry: RosterEntry) -> datetime | None:
    return Attendance.objects.filter(pk=entry.pk).values_list("checked_in_at", flat=True).first()


def _apply(
    *,
    entry: RosterEntry,
    session: Session,
    request: ScanRequest,
    at: datetime,
    method: str,
    actor: AbstractBaseUser | None,
    skew: int | None = None,
) -> ScanResult:
    """Check in or out someone known to be on this point's roster."""
    attendance = _attendance(entry)
    arrived = attendance.checked_in_at if attendance else None
    if request.action == CHECK_OUT:
        if arrived is None:
            return scan_result("not_checked_in", entry)
        _record_departure(entry, at)
        return scan_result("checked_out", entry, time=at)
    if arrived is not None and arrived <= at:
        return scan_result("already_checked_in", entry, time=arrived)
    # Only a phone's held scan may move an arrival earlier: its time is evidence. Two live
    # scans at once both read "not here yet"; the write tells which of them came first.
    if not upsert_arrival(
        entry=entry,
        at=at,
        method=method,
        actor=actor,
        correct_later=request.queued,
        device_clock_skew=skew if is_far_off(skew) else None,
    ):
        return scan_result("already_checked_in", entry, time=_arrival(entry))
    result = scan_result("checked_in", entry, time=at)
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
    # Seconds the device's clock is off (see clock_skew), kept on every attempt.
    skew: int | None = None

    def answer(self, code: str, entry: RosterEntry | None = None, **context: object) -> ScanResult:
        return self.record(scan_result(code, entry, **context))

    def miss(self, code: str) -> ScanResult:
        """Nothing the caller may hear about: the same answer as for nothing at all, and
        a miss counted, so that walking ids soon has to wait."""
        if over_misses(self.actor):
            return scan_result("rate_limited")
        return self.answer(code)

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
            clock_skew=self.skew,
            server_time=self.now,
            recorded_time=result.time,
        )
        return result

    def settle(self, entry: RosterEntry, version: int | None, at: datetime) -> ScanResult:
        """Refuse a person the caller may hear about who is not expected here, or check
        them in (or out)."""
        participation = self.participation
        refused = _entry_refusal(entry, participation, version)
        if refused:
            return self.answer(refused[0], entry, **refused[1])
        return self.record(
            _apply(
                entry=entry,
                session=participation.session,
                request=self.request,
                at=at,
                method=self.method,
                actor=self.actor,
                skew=self.skew,
            )
        )

    def outside_window(self, at: datetime) -> ScanResult | None:
        """The refusal of a scan made outside its session's check-in window, if it was."""
        refused = window_refusal(self.participation.session, at)
        return self.answer(refused[0], **refused[1]) if refused else None


def _repeat(attempt_id: int) -> ScanResult:
    """The answer already given to this scan, given again to the caller who sent it."""
    attempt = ScanAttempt.objects.select_related(
        "entry__person__agency",
        "entry__participation__point",
        "entry__session",
        "participation__session",
    ).get(pk=attempt_id)
    context = {"session": attempt.entry.session.title} if attempt.entry else {}
    if attempt.reason in WINDOW_CODES and attempt.participation is not None:
        context |= window_moments(attempt.participation.session)
    result = scan_result(attempt.reason, attempt.entry, time=attempt.recorded_time, **context)
    if attempt.reason == "checked_in":
        result.status = attendance_status(
            session=attempt.entry.session,
            checked_in_at=attempt.recorded_time,
            checked_out_at=None,
            excuse="",
        )
    result.repeated = True
    return result


def _earlier_attempt(actor: AbstractBaseUser, request: ScanRequest) -> int | None:
    """The caller's own earlier attempt with this scan id at this point (or at a point
    that does not exist, whose answer names nothing)."""
    return (
        ScanAttempt.objects.filter(scan_id=request.scan_id, actor_id=actor.pk)
        .filter(Q(participation_id=request.participation_id) | Q(participation__isnull=True))
        .values_list("pk", flat=True)
        .first()
    )


def _roster_entry(**filters: object) -> RosterEntry | None:
    """One roster entry with what a scan answer names. Without the models' default
    ordering, which would join and sort for a single row on every scan."""
    return (
        RosterEntry.objects.select_related("person__agency", "participation__point", "attendance")
        .filter(**filters)
        .order_by()
        .first()
    )


def record_scan(*, actor: AbstractBaseUser, request: ScanRequest) -> ScanResult:
    """Check someone in (or out) at a point from a scanned ticket or a name search."""
    if over_rate(actor, request.participation_id, queued=request.queued):
        # Not audited row by row: a flood must not become a flood of writes.
        return scan_result("rate_limited")
    try:
        with transaction.atomic():
            return _record_scan(actor, request)
    except IntegrityError:
        if request.scan_id is None:
            raise
    # The scan id is taken. By this caller's own resend, sent twice at once by a retrying
    # phone: the first one won. By anyone else: it is no key to their answer, and the scan
    # is answered as one sent without an id.
    earlier = _earlier_attempt(actor, request)
    if earlier is not None:
        return _repeat(earlier)
    with transaction.atomic():
        return _record_scan(actor, replace(request, scan_id=None))


def _record_scan(actor: AbstractBaseUser, request: ScanRequest) -> ScanResult:
    method = Method.MANUAL if request.entry_id else Method.SCAN
    now = timezone.now()
    attempt = _Attempt(request, actor, method, now, skew=clock_skew(request, now))
    # The ticket is read first, so the point and the person come in one statement; its
    # refusal is still given where it always was, after the point's.
    version, entry_id, unreadable = None, request.entry_id, None
    if not entry_id:
        try:
            ticket = read_ticket(request.payload)
        except TicketError as error:
            unreadable = error.code
        else:
            entry_id, version = ticket.entry_id, ticket.version
    found = point_and_entry(
        participation_id=request.participation_id,
        entry_id=entry_id,
        actor_id=actor.pk,
        scan_id=request.scan_id,
    )
    participation, entry = found if found else (None, None)
    attempt.participation = participation
    if participation is None or not keeps_point(actor, participation):
        return attempt.miss("unknown_point")
    if participation.earlier_scan:
        return _repeat(participation.earlier_scan)
    refusal = _session_refusal(participation.session)
    if refusal:
        return attempt.answer(refusal)
    at = scan_time(request, now, attempt.skew)
    if outside := attempt.outside_window(at):
        return outside
    if unreadable:
        return attempt.answer(unreadable)
    if entry is None or not keeps_entry(actor, entry, participation):
        return attempt.miss("unknown_person")
    return attempt.settle(entry, version, at)


@transaction.atomic
def self_check_in(*, user: AbstractBaseUser, payload: str) -> ScanResult:
    """An attendee scans the rotating code on their point's screen with their own phone.
    Every answer is about the attendee themselves."""
    if over_rate(user, "self"):
        return scan_result("rate_limited")
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
    if outside := attempt.outside_window(attempt.now):
        return outside
    entry = _roster_entry(session_id=participation.session_id, person__user=user)
    if entry is None:
        return attempt.answer("not_on_roster", name=user.get_full_name() or user.get_username())
    return attempt.settle(entry, None, attempt.now)
