"""Rosters with their attendance as CSV (UTF-8 with BOM, for Excel) and XLSX."""

import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.utils.translation import gettext as _

from common.spreadsheets import csv_writer, workbook
from events.models import RosterEntry
from events.states import clock_and_day

from .models import Attendance, attendance_status, minutes_present
from .window import skew_text


def headers() -> list[str]:
    return [
        _("No."),
        _("Full name"),
        _("Position"),
        _("Agency"),
        _("Phone"),
        _("E-mail"),
        _("Bridge point"),
        _("How added"),
        _("Attendance"),
        _("Arrived"),
        _("Left"),
        _("Minutes present"),
        _("In place of"),
        _("Phone clock off by"),
    ]


def _moment(moment: datetime | None) -> str:
    """ "07:52 ngày 11/12/2026": with its day, and its year, as a file outlives the year."""
    return clock_and_day(moment) if moment else ""


def rows(entries: Iterable[RosterEntry], point_name: str | None = None) -> Iterator[list[object]]:
    """One row per person; `entries` come with person, agency, attendance and point."""
    for number, entry in enumerate(entries, start=1):
        attendance = getattr(entry, "attendance", None)
        arrived = attendance.checked_in_at if attendance else None
        left = attendance.checked_out_at if attendance else None
        status = attendance_status(
            session=entry.session,
            checked_in_at=arrived,
            checked_out_at=left,
            excuse=attendance.excuse if attendance else "",
        )
        person = entry.person
        yield [
            number,
            person.full_name,
            person.position,
            person.agency.name,
            person.phone,
            person.email,
            point_name or entry.participation.point.name,
            str(entry.get_source_display()),
            str(Attendance.Status(status).label),
            _moment(arrived),
            _moment(left),
            minutes_present(session=entry.session, checked_in_at=arrived, checked_out_at=left),
            entry.substitute_for.person.full_name if entry.substitute_for_id else "",
            skew_text(attendance.device_clock_skew) if attendance else "",
        ]


def roster_csv(entries: Iterable[RosterEntry], point_name: str | None = None) -> bytes:
    buffer = io.StringIO()
    # A byte-order mark, so that Excel opens the Vietnamese letters as UTF-8.
    buffer.write("\ufeff")
    writer = csv_writer(buffer)
    writer.writerow(headers())
    writer.writerows(rows(entries, point_name))
    return buffer.getvalue().encode("utf-8")


def roster_xlsx(entries: Iterable[RosterEntry], title: str, point_name: str | None = None) -> bytes:
    return workbook(
        _("Roster"), title, headers(), rows(entries, point_name), widths={"B": 28, "D": 32, "G": 28}
    )
