"""Changes made by hand, each recorded with who, when and why; nothing is deleted."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.selectors import scope_for
from events.models import RosterEntry, SessionPoint
from events.services import PersonDetails, add_walk_in, require_open, require_roster_keeper

from ..models import Attendance, AttendanceChange, Method, ScanAttempt
from ..window import window_refusal
from .checkin import record_change, upsert_arrival
from .paper import ARRIVAL, DEPARTURE, time_problems
from .scans import scan_result


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _locked_attendance(entry: RosterEntry) -> Attendance | None:
    return Attendance.objects.select_for_update().filter(pk=entry.pk).first()


def _require_reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": message})
    return reason.strip()


def check_in_walk_in(
    *,
    actor: AbstractBaseUser,
    participation: SessionPoint,
    details: PersonDetails,
    at: datetime | None = None,
) -> RosterEntry:
    """Someone at the door who is not on the roster: put on it and checked in at once;
    `at` is when, for a walk-in a phone added offline (never later than now).

    Only inside the session's check-in window, like a scan; a walk-in refused outside it
    is recorded as a refused attempt (with no one to name: nobody was added)."""
    require_roster_keeper(actor, participation)
    now = timezone.now()
    at = now if at is None else min(at, now)
    # A closed or cancelled session has its own refusal, from add_walk_in.
    session = participation.session
    refused = window_refusal(session, at) if session.attendance_open else None
    if refused is not None:
        code, context = refused
        ScanAttempt.objects.create(
            method=Method.WALK_IN,
            participation=participation,
            actor=actor,
            outcome=ScanAttempt.Outcome.REFUSED,
            reason=code,
            server_time=now,
        )
        raise ValidationError(scan_result(code, **context).message, code=code)
    return _add_and_check_in(actor=actor, participation=participation, details=details, at=at)


@transaction.atomic
def _add_and_check_in(
    *, actor: AbstractBaseUser, participation: SessionPoint, details: PersonDetails, at: datetime
) -> RosterEntry:
    entry = add_walk_in(actor=actor, participation=participation, details=details)
    upsert_arrival(entry=entry, at=at, method=Method.WALK_IN, actor=actor)
    attendance = Attendance.objects.get(pk=entry.pk)
    record_change(
        attendance,
        AttendanceChange.Kind.WALK_IN,
        actor,
        after={"checked_in_at": _stamp(attendance.checked_in_at)},
    )
    return entry


@transaction.atomic
def undo_check_in(*, actor: AbstractBaseUser, entry: RosterEntry, reason: str) -> Attendance:
    """Take back a check-in made by mistake (the wrong person scanned)."""
    require_roster_keeper(actor, entry.participation)
    require_open(entry.session)
    reason = _require_reason(reason, _("Say why the check-in is undone."))
    attendance = _locked_attendance(entry)
    if attendance is None or attendance.checked_in_at is None:
        raise ValidationError(_("This person has not checked in."))
    before = {
        "checked_in_at": _stamp(attendance.checked_in_at),
        "checked_out_at": _stamp(attendance.checked_out_at),
        "method": attendance.check_in_method,
    }
    attendance.checked_in_at = attendance.checked_out_at = None
    attendance.check_in_method = ""
    attendance.device_clock_skew = None
    attendance.save(
        update_fields=[
            "checked_in_at",
            "checked_out_at",
            "check_in_method",
            "device_clock_skew",
            "updated_at",
        ]
    )
    record_change(attendance, AttendanceChange.Kind.UNDONE, actor, reason, before=before)
    return attendance


@transaction.atomic
def correct_times(
    *,
    actor: AbstractBaseUser,
    entry: RosterEntry,
    checked_in_at: datetime | None,
    checked_out_at: datetime | None,
    reason: str,
) -> Attendance:
    """Set arrival and departure by hand (the scanner was broken, someone left at noon)."""
    require_roster_keeper(actor, entry.participation)
    require_open(entry.session)
    reason = _require_reason(reason, _("Say why the times are corrected."))
    if checked_in_at is None and checked_out_at is not None:
        raise ValidationError({"checked_out_at": _("Nobody leaves without arriving.")})
    if checked_in_at and checked_out_at and checked_out_at <= checked_in_at:
        raise ValidationError({"checked_out_at": _("Departure must come after arrival.")})
    wrong = time_problems(entry.session, arrived_at=checked_in_at, left_at=checked_out_at)
    if wrong:
        fields = {ARRIVAL: "checked_in_at", DEPARTURE: "checked_out_at"}
        raise ValidationError({fields[key]: message for key, message in wrong.items()})
    attendance = _locked_attendance(entry) or Attendance(
        entry=entry, session_id=entry.session_id, participation_id=entry.participation_id
    )
    before = {
        "checked_in_at": _stamp(attendance.checked_in_at),
        "checked_out_at": _stamp(attendance.checked_out_at),
    }
    attendance.checked_in_at, attendance.checked_out_at = checked_in_at, checked_out_at
    attendance.check_in_method = Method.MANUAL if checked_in_at else ""
    attendance.checked_in_by = actor if checked_in_at else None
    # Times set by hand are no longer a phone's: its clock's flag goes with them.
    attendance.device_clock_skew = None
    attendance.save()
    after = {"checked_in_at": _stamp(checked_in_at), "checked_out_at": _stamp(checked_out_at)}
    record_change(
        attendance, AttendanceChange.Kind.TIME_CORRECTED, actor, reason, before=before, after=after
    )
    return attendance


@transaction.atomic
def request_excuse(*, actor: AbstractBaseUser, entry: RosterEntry, reason: str) -> Attendance:
    """A coordinator asks that someone's absence be excused; an organiser decides."""
    require_roster_keeper(actor, entry.participation)
    require_open(entry.session)
    reason = _require_reason(reason, _("Say why this person is excused."))
    attendance = _locked_attendance(entry) or Attendance(
        entry=entry, session_id=entry.session_id, participation_id=entry.participation_id
    )
    if attendance.checked_in_at is not None:
        raise ValidationError(_("This person checked in; there is nothing to excuse."))
    attendance.excuse, attendance.excuse_reason = Attendance.Excuse.REQUESTED, reason[:300]
    attendance.excuse_decided_by = attendance.excuse_decided_at = None
    attendance.save()
    record_change(
        attendance,
        AttendanceChange.Kind.EXCUSE_REQUESTED,
        actor,
        reason,
        after={"excuse": attendance.excuse},
    )
    return attendance


@transaction.atomic
def decide_excuse(
    *, actor: AbstractBaseUser, entry: RosterEntry, approve: bool, note: str = ""
) -> Attendance:
    """Only an organiser over the point approves or refuses an excuse."""
    scope = scope_for(actor)
    if not (scope.is_organiser and scope.covers_unit(entry.participation.point.unit)):
        raise PermissionDenied(_("Only an organiser can decide on an excuse."))
    require_open(entry.session)
    attendance = _locked_attendance(entry)
    if attendance is None or attendance.excuse != Attendance.Excuse.REQUESTED:
        raise ValidationError(_("No excuse is waiting for a decision."))
    attendance.excuse = Attendance.Excuse.APPROVED if approve else Attendance.Excuse.REJECTED
    attendance.excuse_decided_by, attendance.excuse_decided_at = actor, timezone.now()
    attendance.save()
    record_change(
        attendance,
        AttendanceChange.Kind.EXCUSE_DECIDED,
        actor,
        note,
        before={"excuse": Attendance.Excuse.REQUESTED},
        after={"excuse": attendance.excuse},
    )
    return attendance
