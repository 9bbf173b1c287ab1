"""Rosters with their attendance as CSV (UTF-8 with BOM, for Excel) and XLSX."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from certificates.models import Certificate
from events.models import RosterEntry
from training.models import Programme

from .models import Attendance, attendance_status, minutes_present


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
    ]


def _clock(moment: object) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


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
            _clock(arrived),
            _clock(left),
            minutes_present(session=entry.session, checked_in_at=arrived, checked_out_at=left),
            entry.substitute_for.person.full_name if entry.substitute_for_id else "",
        ]


def roster_csv(entries: Iterable[RosterEntry], point_name: str | None = None) -> bytes:
    buffer = io.StringIO()
    # A byte-order mark, so that Excel opens the Vietnamese letters as UTF-8.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers())
    writer.writerows(rows(entries, point_name))
    return buffer.getvalue().encode("utf-8")


def roster_xlsx(entries: Iterable[RosterEntry], title: str, point_name: str | None = None) -> bytes:
    return workbook(
        _("Roster"), title, headers(), rows(entries, point_name), widths={"B": 28, "D": 32, "G": 28}
    )


def workbook(
    sheet_name: str,
    title: str,
    header: list[str],
    body: Iterable[list[object]],
    *,
    widths: dict[str, int],
) -> bytes:
    """A titled sheet written row by row (openpyxl's write-only mode), so a national
    roster or register fits in memory."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=13)
    sheet.append([heading])
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    for row in body:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def register_xlsx(programme: Programme, certificates: Iterable[Certificate]) -> bytes:
    """The issuing register (sổ cấp giấy chứng nhận), one line per certificate issued."""
    header = [
        _("No."),
        _("Register number"),
        _("Serial number"),
        _("Full name"),
        _("Agency"),
        _("Bridge point"),
        _("Issued on"),
        _("Version"),
        _("Status"),
        _("Notes"),
    ]

    def body() -> Iterator[list[object]]:
        for number, certificate in enumerate(certificates, start=1):
            snapshot = certificate.snapshot
            notes = certificate.correction_reason
            if certificate.status == Certificate.Status.REVOKED:
                notes = _("Revoked on %(day)s: %(reason)s") % {
                    "day": timezone.localtime(certificate.revoked_at).strftime("%d/%m/%Y"),
                    "reason": certificate.revocation_reason,
                }
            replaced_by = getattr(certificate, "replaced_by", None)
            if replaced_by is not None:
                notes = " ".join(
                    filter(
                        None, [notes, _("Replaced by %(serial)s") % {"serial": replaced_by.serial}]
                    )
                )
            yield [
                number,
                certificate.register_label,
                certificate.serial,
                snapshot.get("full_name", ""),
                snapshot.get("agency", ""),
                snapshot.get("point", ""),
                timezone.localtime(certificate.issued_at).strftime("%d/%m/%Y"),
                certificate.version,
                str(certificate.get_status_display()),
                notes,
            ]

    title = _("Certificate register: %(programme)s, %(body)s") % {
        "programme": programme.title,
        "body": programme.issuing_body,
    }
    return workbook(
        _("Register"), title, header, body(), widths={"C": 20, "D": 28, "E": 32, "F": 28, "J": 40}
    )
