"""Survey results as XLSX (a summary sheet and one row per response) and CSV (the rows)."""

import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.spreadsheets import csv_writer, text_cell, xlsx_row

from .models import Survey, SurveyQuestion, SurveyResponse
from .selectors import SurveyResults

Kind = SurveyQuestion.Kind


def response_header(survey: Survey, questions: list[SurveyQuestion]) -> list[str]:
    names = [] if survey.is_anonymous else [_("Full name"), _("Agency")]
    return [
        _("No."),
        _("Submitted at"),
        _("Bridge point"),
        *names,
        *(f"{q.position}. {q.text}" for q in questions),
    ]


def response_rows(
    survey: Survey, questions: list[SurveyQuestion], responses: Iterable[SurveyResponse]
) -> Iterator[list[object]]:
    for number, response in enumerate(responses, start=1):
        given = {answer.question_id: answer for answer in response.answers.all()}
        names: list[object] = []
        if not survey.is_anonymous:
            person = response.person
            names = [person.full_name if person else "", person.agency.name if person else ""]
        cells: list[object] = []
        for question in questions:
            answer = given.get(question.pk)
            if answer is None:
                cells.append("")
            elif question.kind == Kind.SCALE:
                cells.append(answer.scale_value)
            elif question.kind == Kind.CHOICE:
                cells.append(answer.choice)
            else:
                cells.append(answer.text)
        yield [
            number,
            timezone.localtime(response.submitted_at).strftime(
                "%d/%m/%Y" if survey.is_anonymous else "%d/%m/%Y %H:%M"
            ),
            response.participation.point.name,
            *names,
            *cells,
        ]


def summary_rows(results: SurveyResults) -> Iterator[list[object]]:
    for item in results.questions:
        question = item.question
        row: list[object] = [question.position, question.text, str(question.get_kind_display())]
        row.append(item.count)
        if question.kind == Kind.SCALE:
            row += [item.average if item.average is not None else "", *item.distribution]
        elif question.kind == Kind.CHOICE:
            row += ["", "", "", "", "", ""]
            row += [f"{choice}: {n}" for choice, n in item.choice_counts]
        yield row


def summary_header() -> list[str]:
    return [
        _("No."),
        _("Question"),
        _("Kind"),
        _("Answers"),
        _("Average score"),
        _("Score 1"),
        _("Score 2"),
        _("Score 3"),
        _("Score 4"),
        _("Score 5"),
        _("Choices"),
    ]


def _bold_row(sheet: object, values: list[object], size: int | None = None) -> list[object]:
    font = Font(bold=True, size=size) if size else Font(bold=True)
    return [text_cell(sheet, value, font) for value in values]


def results_xlsx(results: SurveyResults, responses: Iterable[SurveyResponse]) -> bytes:
    survey = results.survey
    questions = [item.question for item in results.questions]
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Summary")[:31])
    summary.column_dimensions["B"].width = 60
    summary.append(_bold_row(summary, [survey.title], size=13))
    summary.append(
        [
            _("Responses: %(responses)d of %(checked_in)d people checked in (%(percent)d%%)")
            % {
                "responses": results.responses,
                "checked_in": results.checked_in,
                "percent": results.response_percent,
            }
        ]
    )
    summary.append(_bold_row(summary, summary_header()))
    for row in summary_rows(results):
        summary.append(xlsx_row(summary, row))
    answers = book.create_sheet(_("Answers")[:31])
    answers.column_dimensions["C"].width = 28
    answers.append(_bold_row(answers, response_header(survey, questions)))
    for row in response_rows(survey, questions, responses):
        answers.append(xlsx_row(answers, row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def results_csv(
    survey: Survey, questions: list[SurveyQuestion], responses: Iterable[SurveyResponse]
) -> bytes:
    buffer = io.StringIO()
    # A byte-order mark, so that Excel opens the Vietnamese letters as UTF-8.
    buffer.write("\ufeff")
    writer = csv_writer(buffer)
    writer.writerow(response_header(survey, questions))
    writer.writerows(response_rows(survey, questions, responses))
    return buffer.getvalue().encode("utf-8")
