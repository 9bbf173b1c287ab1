"""A person's own training history: the annual training-hours ledger a civil servant shows.

Every session the person was on the roster of (not cancelled), with the point, the check-in
and the minutes present, counted as certificates count them (`minutes_present`: inside the
session's own time only); and per calendar year, sessions attended and hours. A person's
history is a few dozen rows, read in one query; the minutes are worked out in Python with
the same function completion uses, so the ledger and the certificates never disagree.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Attendance, attendance_status, minutes_present
from directory.models import Person
from events.models import RosterEntry, Session


@dataclass(frozen=True)
class HistoryLine:
    session_id: int
    title: str
    programme: str
    starts_at: datetime
    point: str
    checked_in_at: datetime | None
    status: str
    status_label: str
    minutes: int

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None


@dataclass(frozen=True)
class YearTotal:
    year: int
    sessions: int
    attended: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class History:
    person: Person
    lines: list[HistoryLine]
    years: list[YearTotal]


def history_entries(person: Person) -> QuerySet[RosterEntry]:
    return (
        RosterEntry.objects.filter(person=person, removed_at=None)
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("session__programme", "participation__point", "attendance")
        .order_by("-session__starts_at", "-pk")
    )


def history(person: Person, *, year: int | None = None) -> History:
    """The person's sessions, newest first, and their totals per calendar year."""
    lines = []
    now = timezone.now()
    for entry in history_entries(person):
        session = entry.session
        attendance = getattr(entry, "attendance", None)
        arrived = attendance.checked_in_at if attendance else None
        left = attendance.checked_out_at if attendance else None
        status = attendance_status(
            session=session,
            checked_in_at=arrived,
            checked_out_at=left,
            excuse=attendance.excuse if attendance else "",
        )
        lines.append(
            HistoryLine(
                session_id=session.pk,
                title=session.title,
                programme=session.programme.title,
                starts_at=session.starts_at,
                point=entry.participation.point.name,
                checked_in_at=arrived,
                status=status,
                # Not "absent" before it has even begun.
                status_label=(
                    _("Not held yet")
                    if arrived is None and session.starts_at > now
                    else str(Attendance.Status(status).label)
                ),
                minutes=minutes_present(
                    session=session, checked_in_at=arrived, checked_out_at=left
                ),
            )
        )
    totals: dict[int, list[int]] = {}
    for line in lines:
        sums = totals.setdefault(timezone.localtime(line.starts_at).year, [0, 0, 0])
        sums[0] += 1
        sums[1] += line.attended
        sums[2] += line.minutes
    years = [YearTotal(y, *sums) for y, sums in sorted(totals.items(), reverse=True)]
    if year is not None:
        lines = [line for line in lines if timezone.localtime(line.starts_at).year == year]
    return History(person, lines, years)
