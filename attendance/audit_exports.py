"""The audit timeline as CSV (UTF-8 with BOM, for Excel) and XLSX, a thousand rows at a time.

CSV is streamed as it is read, so a session-wide file of 300,000 rows never sits in memory.
XLSX is written row by row (openpyxl's write-only mode) into a temporary file that is then
sent in blocks. Neither holds a live formula: names, reasons and device ids come from
people (see common.spreadsheets).
"""

import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.spreadsheets import csv_writer, text_cell, xlsx_row

from .selectors.audit import AuditRow

WIDTHS = {"B": 24, "C": 28, "D": 28, "F": 28, "G": 22, "I": 24, "K": 24, "M": 30, "N": 40}


def headers() -> list[str]:
    return [
        _("No."),
        _("Time on the server"),
        _("Bridge point"),
        _("What happened"),
        _("Outcome"),
        _("Person"),
        _("How"),
        _("Device"),
        _("Done by"),
        _("Time on the device"),
        _("Phone clock off by"),
        _("Code"),
        _("Reason"),
        _("Before → after"),
    ]


def values(rows: Iterable[AuditRow]) -> Iterator[list[object]]:
    for number, row in enumerate(rows, start=1):
        yield [
            number,
            row.at_text,
            row.point,
            row.label,
            row.outcome_label,
            row.person,
            row.method_label,
            row.device_id,
            row.actor,
            row.device_time_text,
            row.clock_skew_text,
            row.code,
            row.reason,
            "; ".join(row.changes),
        ]


def csv_chunks(rows: Iterable[AuditRow], every: int = 500) -> Iterator[bytes]:
    """The file's bytes, `every` rows at a time, the first chunk with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)

    def take() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    buffer.write("\ufeff")
    writer.writerow(headers())
    yield take()
    for count, row in enumerate(values(rows), start=1):
        writer.writerow(row)
        if count % every == 0:
            yield take()
    yield take()


def xlsx_file(rows: Iterable[AuditRow], title: str) -> IO[bytes]:
    """A titled sheet in a temporary file, open at its start; closing it removes it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Check-in log")[:31])
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.append([text_cell(sheet, title, Font(bold=True, size=13))])
    sheet.append([text_cell(sheet, text, Font(bold=True)) for text in headers()])
    for row in values(rows):
        sheet.append(xlsx_row(sheet, row))
    # Closed by the response that sends it (FileResponse closes its file when done).
    output = tempfile.TemporaryFile()  # noqa: SIM115
    book.save(output)
    output.seek(0)
    return output
