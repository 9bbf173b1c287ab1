"""Reading uploaded CSV and XLSX tables into rows, with errors a person can act on."""

import csv
import io
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from common.bounds import has_nul

XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded table; row 1 is the header, as a spreadsheet shows it."""

    row: int
    column: str
    reason: str


class TableRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass(frozen=True)
class Table:
    rows: list[tuple[int, dict[str, str]]]


def normalise_header(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).strip().lower().split())


def read_table(
    *, name: str, content: bytes, columns: Mapping[str, tuple[str, ...]], required: set[str]
) -> Table:
    """Read a CSV or XLSX file into rows keyed by our column names.

    `columns` maps each column name to the headers people may write for it (Vietnamese
    and English). Rows are numbered as the spreadsheet shows them; blank rows are skipped.
    """
    is_zip = content.startswith(XLSX_MAGIC)
    lower_name = name.lower()
    if lower_name.endswith(".xlsx") and not is_zip:
        raise TableRejected(
            [
                RowError(
                    0,
                    "",
                    _(
                        "The file is named .xlsx but is not an Excel workbook "
                        "(it looks like text). Save it again as .xlsx, or rename it .csv."
                    ),
                )
            ]
        )
    if lower_name.endswith(".csv") and is_zip:
        raise TableRejected(
            [
                RowError(
                    0,
                    "",
                    _(
                        "The file is named .csv but is an Excel workbook. "
                        "Rename it .xlsx, or save it as CSV UTF-8."
                    ),
                )
            ]
        )
    if not (lower_name.endswith(".csv") or lower_name.endswith(".xlsx")):
        raise TableRejected([RowError(0, "", _("Upload a .csv or .xlsx file."))])
    raw_rows = _read_xlsx(content) if is_zip else _read_csv(content)
    return _map_columns(raw_rows, columns, required)


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise TableRejected(
            [
                RowError(
                    line,
                    "",
                    _(
                        "The file is not UTF-8 text, so Vietnamese letters would be "
                        "garbled. In Excel choose “CSV UTF-8”, or upload .xlsx."
                    ),
                )
            ]
        ) from error
    text = unicodedata.normalize("NFC", text)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableRejected(
            [RowError(0, "", _("The Excel workbook could not be read; it may be damaged."))]
        ) from error
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_cell_text(value) for value in values])
    workbook.close()
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    return unicodedata.normalize("NFC", str(value))


def _map_columns(
    raw_rows: list[list[str]], columns: Mapping[str, tuple[str, ...]], required: set[str]
) -> Table:
    if not raw_rows:
        raise TableRejected([RowError(1, "", _("The file is empty."))])
    aliases = {normalise_header(alias): key for key, names in columns.items() for alias in names}
    header = [normalise_header(cell) for cell in raw_rows[0]]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        if cell in aliases and aliases[cell] not in positions:
            positions[aliases[cell]] = index
    missing = [key for key in columns if key in required and key not in positions]
    if missing:
        raise TableRejected(
            [
                RowError(1, columns[key][0], _("This column is missing from the header row."))
                for key in missing
            ]
        )
    rows = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        rows.append(
            (
                number,
                {
                    key: (raw[index].strip() if index < len(raw) else "")
                    for key, index in positions.items()
                },
            )
        )
    if not rows:
        raise TableRejected([RowError(2, "", _("The file has a header but no data rows."))])
    if unreadable := _cells_with_nul(rows, columns):
        raise TableRejected(unreadable)
    return Table(rows=rows)


def _cells_with_nul(
    rows: list[tuple[int, dict[str, str]]], columns: Mapping[str, tuple[str, ...]]
) -> list[RowError]:
    # PostgreSQL stores no text with a NUL, so such a row would fail only once confirmed.
    return [
        RowError(
            number,
            columns[key][0],
            _("This cell contains a NUL character (\\0); remove it and upload the file again."),
        )
        for number, values in rows
        for key, value in values.items()
        if has_nul(value)
    ]
