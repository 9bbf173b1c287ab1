"""Attendance entered from a paper sign-in sheet: the real arrival and departure of many
people at once, all or nothing.

A point without phones passes round the printed sheet (attendance.sheets); afterwards its
coordinator types in what people wrote. Each row is checked before anything is written, and
one refusal lists every row's problem. What is written counts as a scan does (live counts,
lateness, minutes present, completion) but is marked `Method.PAPER`, says who entered it,
and leaves an `AttendanceChange` with the reason and the times before and after.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import RosterEntry, Session, SessionPoint
from events.services import require_open, require_roster_keeper
from events.states import clock_and_day

from ..models import Attendance, AttendanceChange, Method

# One call is one sheet; the largest point of a national session has about 2,000 people.
MAX_ROWS = 2000
ARRIVAL, DEPARTURE = "arrival", "departure"
EN_DASH = "\u2013"  # as Vietnamese writes a range of days
# Arrivals a phone or the point's screen recorded, as against those typed by a person.
SCANNED = (Method.SCAN, Method.SELF)


class PaperRow(NamedTuple):
    """One line of the sheet: a roster entry, when they arrived and, if they signed out,
    when they left."""

    entry_id: int
    arrived_at: datetime
    left_at: datetime | None = None


def session_days(session: Session) -> tuple[date, date]:
    """The local calendar days a session spans, its first and its last."""
    return (
        timezone.localtime(session.starts_at).date(),
        timezone.localtime(session.ends_at).date(),
    )


def _days_text(session: Session) -> str:
    first, last = session_days(session)
    if first == last:
        return first.strftime("%d/%m/%Y")
    return f"{first:%d/%m/%Y} {EN_DASH} {last:%d/%m/%Y}"


def time_problems(
    session: Session,
    *,
    arrived_at: datetime | None,
    left_at: datetime | None,
    now: datetime | None = None,
) -> dict[str, str]:
    """What is wrong with an arrival and a departure typed by hand, by ARRIVAL/DEPARTURE.

    Both lie on the session's day (from the local date of its start to that of its end),
    nobody arrives after it ended, departure comes after arrival; with `now`, neither is
    still to come. A sheet typed with the wrong date is the mistake this catches.
    """
    problems: dict[str, str] = {}
    first, last = session_days(session)
    days = {"days": _days_text(session)}
    if arrived_at is not None:
        if not first <= timezone.localtime(arrived_at).date() <= last:
            problems[ARRIVAL] = (
                _("The arrival must be on the day of the session (%(days)s).") % days
            )
        elif arrived_at > session.ends_at:
            problems[ARRIVAL] = _("The arrival is after the session ended (%(end)s).") % {
                "end": clock_and_day(session.ends_at)
            }
        elif now is not None and arrived_at > now:
            problems[ARRIVAL] = _("The arrival is later than now.")
    if left_at is not None:
        if not first <= timezone.localtime(left_at).date() <= last:
            problems[DEPARTURE] = (
                _("The departure must be on the day of the session (%(days)s).") % days
            )
        elif arrived_at is not None and left_at <= arrived_at:
            problems[DEPARTURE] = _("Departure must come after arrival.")
        elif now is not None and left_at > now:
            problems[DEPARTURE] = _("The departure is later than now.")
    return problems


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _aware(moment: datetime | None) -> datetime | None:
    """Times without a UTC offset are read in the site's time zone, as a sheet is written."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _already_there(attendance: Attendance) -> str:
    when = clock_and_day(attendance.checked_in_at)
    if attendance.check_in_method in SCANNED:
        return _(
            "Already checked in by QR code at %(when)s; use “Correct times” to change it, "
            "or choose to overwrite."
        ) % {"when": when}
    return _(
        "Already has an arrival at %(when)s (%(how)s); use “Correct times” to change it, "
        "or choose to overwrite."
    ) % {"when": when, "how": attendance.get_check_in_method_display() or "—"}


def _row_label(number: int, entry: RosterEntry | None) -> str:
    if entry is None:
        return _("Row %(row)s") % {"row": number}
    return _("Row %(row)s (%(name)s)") % {"row": number, "name": entry.person.full_name}


def _check_rows(
    session: Session,
    rows: Sequence[PaperRow],
    entries: dict[int, RosterEntry],
    existing: dict[int, Attendance],
    *,
    overwrite: bool,
) -> dict[str, list[ValidationError]]:
    """Every row's problems, keyed `rows.<index>` as the API names items of a list."""
    errors: dict[str, list[ValidationError]] = {}
    seen: set[int] = set()
    now = timezone.now()
    for index, row in enumerate(rows):
        entry = entries.get(row.entry_id)
        problems: list[str] = []
        if entry is None:
            # Named by its row only: the id may be someone of another point, and a refusal
            # says nothing about people outside this roster.
            problems.append(_("This person is not on this point's roster."))
        elif row.entry_id in seen:
            problems.append(_("This person appears twice on the sheet."))
        else:
            found = time_problems(session, arrived_at=row.arrived_at, left_at=row.left_at, now=now)
            problems += [found[key] for key in (ARRIVAL, DEPARTURE) if key in found]
            attendance = existing.get(row.entry_id)
            if attendance is not None and attendance.checked_in_at and not overwrite:
                problems.append(_already_there(attendance))
        seen.add(row.entry_id)
        if problems:
            label = _row_label(index + 1, entry)
            # The line's label and its problem apart: a page that shows the problem beside
            # the line has no use for the label.
            errors[f"rows.{index}"] = [
                ValidationError("%(line)s: %(problem)s", params={"line": label, "problem": problem})
                for problem in problems
            ]
    return errors


@transaction.atomic
def enter_paper_attendance(
    *,
    actor: AbstractBaseUser,
    participation: SessionPoint,
    rows: Sequence[PaperRow | tuple[int, datetime, datetime | None]],
    reason: str,
    overwrite: bool = False,
) -> list[Attendance]:
    """Record a sheet's arrivals and departures, every row or none, in the same few queries
    however long the sheet. An arrival already recorded is kept (the row is refused) unless
    `overwrite`; either way the times before are kept in the audit row."""
    require_roster_keeper(actor, participation)
    session = participation.session
    require_open(session)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the attendance is entered by hand.")})
    rows = [
        PaperRow(int(entry_id), _aware(arrived), _aware(left)) for entry_id, arrived, left in rows
    ]
    if not rows:
        raise ValidationError({"rows": _("Choose at least one person from the sheet.")})
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            {"rows": _("At most %(count)s people at once.") % {"count": MAX_ROWS}}
        )
    ids = {row.entry_id for row in rows}
    entries = {
        entry.pk: entry
        for entry in RosterEntry.objects.filter(
            participation=participation, removed_at__isnull=True, pk__in=ids
        ).select_related("person")
    }
    # Locked so that a scan arriving meanwhile waits and then keeps the earlier time.
    existing = {
        attendance.pk: attendance
        for attendance in Attendance.objects.select_for_update().filter(pk__in=list(entries))
    }
    errors = _check_rows(session, rows, entries, existing, overwrite=overwrite)
    if errors:
        summary = ngettext(
            "Nothing was saved: %(count)s row has a problem.",
            "Nothing was saved: %(count)s rows have problems.",
            len(errors),
        ) % {"count": len(errors)}
        raise ValidationError({NON_FIELD_ERRORS: [summary], **errors})
    return _write(actor, participation, rows, entries, existing, reason.strip()[:300])


def _write(
    actor: AbstractBaseUser,
    participation: SessionPoint,
    rows: list[PaperRow],
    entries: dict[int, RosterEntry],
    existing: dict[int, Attendance],
    reason: str,
) -> list[Attendance]:
    now = timezone.now()
    written, changed, created, changes = [], [], [], []
    for row in rows:
        attendance = existing.get(row.entry_id)
        before = {
            "checked_in_at": _stamp(attendance.checked_in_at) if attendance else None,
            "checked_out_at": _stamp(attendance.checked_out_at) if attendance else None,
            "method": attendance.check_in_method if attendance else "",
        }
        if attendance is None:
            attendance = Attendance(
                entry=entries[row.entry_id],
                session_id=participation.session_id,
                participation_id=participation.pk,
            )
            created.append(attendance)
        else:
            changed.append(attendance)
        written.append(attendance)
        # The objects already read: the caller names the person and tells the status.
        attendance.entry, attendance.session = entries[row.entry_id], participation.session
        attendance.checked_in_at, attendance.checked_out_at = row.arrived_at, row.left_at
        attendance.check_in_method = Method.PAPER
        attendance.checked_in_by = actor
        # Times written by a person are no phone's: a flag on its clock goes with them.
        attendance.device_clock_skew = None
        attendance.updated_at = now
        after = {
            "checked_in_at": _stamp(row.arrived_at),
            "checked_out_at": _stamp(row.left_at),
            "method": Method.PAPER.value,
        }
        changes.append(
            AttendanceChange(
                attendance=attendance,
                kind=AttendanceChange.Kind.PAPER_ENTERED,
                actor=actor,
                reason=reason,
                before=before,
                after=after,
            )
        )
    try:
        # A savepoint: a check-in that slipped in for someone with no row yet makes this
        # insert fail, and the sheet is refused whole rather than overwrite that scan.
        with transaction.atomic():
            Attendance.objects.bulk_create(created)
    except IntegrityError:
        raise ValidationError(
            _(
                "Someone on the sheet was checked in while it was being entered; nothing was "
                "saved. Enter the sheet again."
            )
        ) from None
    Attendance.objects.bulk_update(
        changed,
        [
            "checked_in_at",
            "checked_out_at",
            "check_in_method",
            "checked_in_by",
            "device_clock_skew",
            "updated_at",
        ],
    )
    AttendanceChange.objects.bulk_create(changes)
    return written
