"""Spreadsheets written for download: a titled sheet in openpyxl's write-only mode."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


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
