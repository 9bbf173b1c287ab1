"""Every report as rows with Vietnamese headers, written as XLSX or CSV.

A `Report` names its header and yields its rows; `write_xlsx` and `write_csv` turn any report
into a file, row by row (openpyxl's write-only mode; CSV in UTF-8 with a byte-order mark so
that Excel shows the Vietnamese letters), calling `progress` every few thousand rows so a
worker can tell the page how far it got.
"""

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from common.spreadsheets import csv_writer, workbook
from directory.models import Person

from .coverage import coverage
from .filters import ReportFilters
from .history import history
from .models import ReportExport
from .points import agencies, points, programme_sessions, programme_totals
from .roster import roster_count, roster_rows

PROGRESS_EVERY = 2000
Kind = ReportExport.Kind


@dataclass
class Report:
    kind: str
    title: str
    header: list[str]
    count: Callable[[], int]
    rows: Callable[[], Iterable[list[object]]]
    widths: tuple[int, ...] = ()

    @property
    def file_stem(self) -> str:
        return f"bao-cao-{self.kind}-{timezone.localdate():%Y%m%d}"


def _clock(moment: object) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _scope_title(title: str, filters: ReportFilters) -> str:
    period = ""
    if filters.session is not None:
        period = filters.session.title
    elif filters.programme is not None:
        period = filters.programme.title
    elif filters.date_from or filters.date_to:
        period = "{} - {}".format(
            filters.date_from.strftime("%d/%m/%Y") if filters.date_from else "…",
            filters.date_to.strftime("%d/%m/%Y") if filters.date_to else "…",
        )
    return " · ".join(part for part in (title, filters.root.name, period) if part)


def coverage_report(filters: ReportFilters) -> Report:
    def rows() -> Iterator[list[object]]:
        result = coverage(filters)
        for row in [result.summary, *result.children]:
            for part in row.parts:
                yield [
                    row.name,
                    part.level_label,
                    part.noun,
                    part.took_part,
                    part.total,
                    part.percent,
                ]

    return Report(
        Kind.COVERAGE,
        _scope_title(_("Training coverage"), filters),
        [
            _("Administrative unit"),
            _("Level"),
            _("Counted"),
            _("Took part"),
            _("Total"),
            _("Percentage (%)"),
        ],
        count=lambda: 1 + filters.root.children.count(),
        rows=rows,
        widths=(32, 18, 30, 12, 12, 14),
    )


def points_report(filters: ReportFilters) -> Report:
    def rows() -> Iterator[list[object]]:
        for point in points(filters).iterator(chunk_size=2000):
            yield [
                point.name,
                point.unit.name,
                point.sessions_count,
                point.invited,
                point.checked_in,
                point.on_time,
                point.late,
                point.completed,
            ]

    return Report(
        Kind.POINTS,
        _scope_title(_("Attendance by bridge point"), filters),
        [
            _("Bridge point"),
            _("Administrative unit"),
            _("Number of sessions"),
            _("Invited"),
            _("Checked in"),
            _("On time"),
            _("Late"),
            _("Completed"),
        ],
        count=lambda: points(filters).count(),
        rows=rows,
        widths=(36, 28, 10, 12, 12, 12, 12, 12),
    )


def programme_report(filters: ReportFilters) -> Report:
    def rows() -> Iterator[list[object]]:
        for session in programme_sessions(filters):
            yield [
                session.title,
                _clock(session.starts_at),
                session.points_count,
                session.invited,
                session.checked_in,
                session.on_time,
                session.late,
            ]
        totals = programme_totals(filters)
        yield [_("Total"), "", "", totals.invited, totals.checked_in, totals.on_time, totals.late]
        yield [_("Distinct people invited"), "", "", totals.people_invited]
        yield [_("Distinct people who attended"), "", "", totals.people_attended]
        yield [_("Completed the programme"), "", "", totals.completed]

    return Report(
        Kind.PROGRAMME,
        _scope_title(_("Attendance by session"), filters),
        [
            _("Session"),
            _("Starts at"),
            _("Bridge points"),
            _("Invited"),
            _("Checked in"),
            _("On time"),
            _("Late"),
        ],
        count=lambda: programme_sessions(filters).count() + 4,
        rows=rows,
        widths=(44, 18, 14, 12, 12, 12, 12),
    )


def agencies_report(filters: ReportFilters) -> Report:
    def rows() -> Iterator[list[object]]:
        for agency in agencies(filters).iterator(chunk_size=2000):
            yield [agency.name, agency.unit.name, agency.invited, agency.attended, agency.completed]

    return Report(
        Kind.AGENCIES,
        _scope_title(_("Attendance by agency"), filters),
        [_("Agency"), _("Administrative unit"), _("Invited"), _("Attended"), _("Completed")],
        count=lambda: agencies(filters).count(),
        rows=rows,
        widths=(40, 28, 12, 12, 12),
    )


def history_report(person: Person) -> Report:
    def rows() -> Iterator[list[object]]:
        ledger = history(person)
        for line in ledger.lines:
            yield [
                line.title,
                line.programme,
                _clock(line.starts_at),
                line.point,
                _clock(line.checked_in_at),
                line.status_label,
                line.minutes,
            ]
        for year in ledger.years:
            yield [
                _("Year %(year)d") % {"year": year.year},
                "",
                "",
                "",
                _("%(count)d sessions attended") % {"count": year.attended},
                _("Hours"),
                year.hours,
            ]

    return Report(
        Kind.HISTORY,
        _("Training history of %(name)s") % {"name": person.full_name},
        [
            _("Session"),
            _("Programme"),
            _("Starts at"),
            _("Bridge point"),
            _("Checked in at"),
            _("Attendance"),
            _("Minutes present"),
        ],
        count=lambda: person.roster_entries.count(),
        rows=rows,
        widths=(40, 32, 18, 30, 18, 16, 14),
    )


def roster_report(filters: ReportFilters) -> Report:
    return Report(
        Kind.ROSTER,
        _scope_title(_("Roster of the session"), filters),
        [
            _("Bridge point"),
            _("Province"),
            _("Agency"),
            _("Full name"),
            _("Position"),
            _("Checked in at"),
            _("Attendance"),
        ],
        count=lambda: roster_count(filters),
        rows=lambda: roster_rows(filters),
        widths=(34, 22, 36, 28, 22, 20, 16),
    )


def build_report(kind: str, filters: ReportFilters | None, person: Person | None = None) -> Report:
    if kind == Kind.HISTORY:
        return history_report(person)
    return {
        Kind.COVERAGE: coverage_report,
        Kind.POINTS: points_report,
        Kind.PROGRAMME: programme_report,
        Kind.AGENCIES: agencies_report,
        Kind.ROSTER: roster_report,
    }[kind](filters)


Progress = Callable[[int], None]


def _counted(rows: Iterable[list[object]], progress: Progress | None) -> Iterator[list[object]]:
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if progress is not None:
        progress(done)


def write_xlsx(report: Report, output: BinaryIO, progress: Progress | None = None) -> None:
    """The report as one sheet: a title line, the header in bold, then the rows."""
    widths = {get_column_letter(index): width for index, width in enumerate(report.widths, 1)}
    output.write(
        workbook(
            _("Report"),
            report.title,
            report.header,
            _counted(report.rows(), progress),
            widths=widths,
        )
    )


def csv_lines(report: Report, progress: Progress | None = None) -> Iterator[bytes]:
    """The report as CSV lines in UTF-8, the first with a byte-order mark (for Excel)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)

    def take() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    buffer.write("\ufeff")
    writer.writerow(report.header)
    yield take()
    for count, row in enumerate(_counted(report.rows(), progress), start=1):
        writer.writerow(row)
        if count % 500 == 0:
            yield take()
    yield take()


def write_csv(report: Report, output: BinaryIO, progress: Progress | None = None) -> None:
    for chunk in csv_lines(report, progress):
        output.write(chunk)
