"""What is held about a person's sessions: roster entries with their attendance, the
changes staff made to them, and every scan of their ticket."""

from django.utils.translation import gettext_lazy as _

from attendance.models import (
    Attendance,
    AttendanceChange,
    ScanAttempt,
    attendance_status,
    minutes_present,
)
from directory.models import Person
from events.models import RosterChange, RosterEntry

from .sections import Row, Section, section

ROSTER_COLUMNS = {
    "session": _("Session"),
    "programme": _("Programme"),
    "starts_at": _("Starts at"),
    "point": _("Bridge point"),
    "source": _("How you were put on the roster"),
    "in_place_of": _("In place of"),
    "added_at": _("Added at"),
    "removed_at": _("Removed at"),
    "removal_reason": _("Reason for the removal"),
    "checked_in_at": _("Checked in at"),
    "check_in_method": _("How you checked in"),
    "checked_out_at": _("Checked out at"),
    "status": _("Attendance"),
    "minutes_present": _("Minutes present"),
    "excuse": _("Excuse"),
    "excuse_reason": _("Reason for the excuse"),
}


def roster(person: Person) -> Section:
    entries = (
        RosterEntry.objects.filter(person=person)
        .select_related(
            "session__programme", "participation__point", "substitute_for__person", "attendance"
        )
        .order_by("session__starts_at", "pk")
    )

    def row(entry: RosterEntry) -> Row:
        attendance = getattr(entry, "attendance", None)
        arrived = attendance.checked_in_at if attendance else None
        left = attendance.checked_out_at if attendance else None
        excuse = attendance.excuse if attendance else ""
        status = attendance_status(
            session=entry.session, checked_in_at=arrived, checked_out_at=left, excuse=excuse
        )
        return {
            "session": entry.session.title,
            "programme": entry.session.programme.title,
            "starts_at": entry.session.starts_at,
            "point": entry.participation.point.name,
            "source": entry.get_source_display(),
            "in_place_of": entry.substitute_for.person.full_name if entry.substitute_for else "",
            "added_at": entry.added_at,
            "removed_at": entry.removed_at,
            "removal_reason": entry.removal_reason,
            "checked_in_at": arrived,
            "check_in_method": attendance.get_check_in_method_display() if attendance else "",
            "checked_out_at": left,
            "status": Attendance.Status(status).label,
            "minutes_present": minutes_present(
                session=entry.session, checked_in_at=arrived, checked_out_at=left
            ),
            "excuse": attendance.get_excuse_display() if excuse else "",
            "excuse_reason": attendance.excuse_reason if attendance else "",
        }

    return section(
        "sessions",
        _("Sessions, rosters and attendance"),
        ROSTER_COLUMNS,
        (row(entry) for entry in entries),
    )


def changes(person: Person) -> Section:
    roster_changes = RosterChange.objects.filter(entry__person=person).select_related(
        "entry__session"
    )
    attendance_changes = AttendanceChange.objects.filter(
        attendance__entry__person=person
    ).select_related("attendance__entry__session")
    rows = [
        {
            "at": change.created_at,
            "session": change.entry.session.title,
            "change": change.get_kind_display(),
            "reason": change.reason,
        }
        for change in roster_changes
    ] + [
        {
            "at": change.created_at,
            "session": change.attendance.entry.session.title,
            "change": change.get_kind_display(),
            "reason": change.reason,
        }
        for change in attendance_changes
    ]
    rows.sort(key=lambda row: row["at"])
    return section(
        "changes",
        _("Changes made by staff to your roster entries and attendance"),
        {"at": _("When"), "session": _("Session"), "change": _("Change"), "reason": _("Reason")},
        rows,
    )


SCAN_ACTIONS = {"check_in": _("Check in"), "check_out": _("Check out")}


def scans(person: Person) -> Section:
    scans = (
        ScanAttempt.objects.filter(entry__person=person)
        .select_related("entry__session", "participation__point")
        .order_by("server_time", "pk")
    )
    return section(
        "scans",
        _("Check-in scans"),
        {
            "at": _("Time on the server"),
            "device_time": _("Time on the device"),
            "session": _("Session"),
            "point": _("Bridge point"),
            "method": _("How"),
            "action": _("Action"),
            "outcome": _("Outcome"),
            "reason": _("Reason"),
            "device": _("Device"),
        },
        (
            {
                "at": scan.server_time,
                "device_time": scan.device_time,
                "session": scan.entry.session.title if scan.entry else "",
                "point": scan.participation.point.name if scan.participation else "",
                "method": scan.get_method_display(),
                "action": SCAN_ACTIONS.get(scan.action, scan.action),
                "outcome": scan.get_outcome_display(),
                "reason": scan.reason,
                "device": scan.device_id,
            }
            for scan in scans
        ),
    )
