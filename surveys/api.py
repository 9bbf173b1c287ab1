"""Satisfaction surveys over JSON, in the caller's scope.

- `GET /api/surveys/sessions/{id}` (attendee on the roster): the survey, its questions and
  whether the caller may answer now; 404 for anyone not on the session's roster.
- `POST /api/surveys/sessions/{id}/responses` (attendee): `{"answers": {"q12": 4, ...}}`.
  201 when stored; 400 with `errors` by field (`q<question id>`) for missing or invalid
  answers; 409 with a `code` when the answer is refused as a whole: `already_answered`,
  `closed` or `not_open`; 403 for someone on the roster who did not check in.
- `GET /api/surveys/sessions/{id}/results` (organiser): the figures, over the points in
  the organiser's scope, narrowed by `province` and `point`; 403 for other roles, 404 out
  of scope (session, province or point) or without a survey.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from common.api import ErrorOut, Id, error_body
from directory.models import Person
from directory.selectors import scope_for

from . import selectors, services

router = Router(tags=["surveys"])


class QuestionOut(Schema):
    field: str
    position: int
    kind: str
    text: str
    choices: list[str]
    required: bool


class SurveyOut(Schema):
    session_id: int
    title: str
    intro: str
    is_anonymous: bool
    opens_at: datetime
    closes_at: datetime
    state: str
    attended: bool
    answered: bool
    can_answer: bool
    questions: list[QuestionOut]


class AnswersIn(Schema):
    answers: dict[str, int | str | None]


class SubmittedOut(Schema):
    submitted_at: datetime


class QuestionResultOut(Schema):
    position: int
    kind: str
    text: str
    count: int
    average: float | None
    distribution: list[int]
    choices: dict[str, int]


class ResultsOut(Schema):
    session_id: int
    responses: int
    checked_in: int
    response_rate: float
    questions: list[QuestionResultOut]


@router.get("/sessions/{session_id}", response=SurveyOut)
def survey(request: HttpRequest, session_id: int) -> SurveyOut:
    """A session's survey as the calling attendee sees it."""
    view = selectors.get_survey_for_attendee(request.user, session_id)
    s = view.survey
    return SurveyOut(
        session_id=s.session_id,
        title=s.title,
        intro=s.intro,
        is_anonymous=s.is_anonymous,
        opens_at=s.opens_at,
        closes_at=s.closes_at,
        state=view.state,
        attended=view.attended,
        answered=view.answered,
        can_answer=view.can_answer,
        questions=[
            QuestionOut(
                field=services.question_field(q),
                position=q.position,
                kind=q.kind,
                text=q.text,
                choices=list(q.choices),
                required=q.required,
            )
            for q in view.questions
        ],
    )


@router.post(
    "/sessions/{session_id}/responses",
    response={201: SubmittedOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
)
def submit(request: HttpRequest, session_id: int, data: AnswersIn) -> Status:
    """Answer a session's survey, once."""
    view = selectors.get_survey_for_attendee(request.user, session_id)
    person = Person.objects.get(pk=scope_for(request.user).person_id)
    try:
        response = services.submit_survey_response(
            person=person, survey=view.survey, answers=data.answers
        )
    except PermissionDenied as error:
        return Status(403, error_body("not_attended", str(error)))
    except ValidationError as error:
        if services.is_refusal(error):
            return Status(409, error_body(error.error_list[0].code, error.messages[0]))
        fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(400, error_body("invalid", " ".join(error.messages), fields))
    return Status(201, SubmittedOut(submitted_at=response.submitted_at))


@router.get("/sessions/{session_id}/results", response=ResultsOut)
def results(
    request: HttpRequest, session_id: int, province: Id | None = None, point: Id | None = None
) -> ResultsOut:
    """A survey's figures over the bridge points in the organiser's scope."""
    access = selectors.get_survey_for_organiser(request.user, session_id)
    points, _province = selectors.filter_points(access, province_id=province, point_id=point)
    figures = selectors.survey_results(access.survey, points)
    return ResultsOut(
        session_id=session_id,
        responses=figures.responses,
        checked_in=figures.checked_in,
        response_rate=round(figures.response_rate, 4),
        questions=[
            QuestionResultOut(
                position=item.question.position,
                kind=item.question.kind,
                text=item.question.text,
                count=item.count,
                average=item.average,
                distribution=item.distribution,
                choices=dict(item.choice_counts),
            )
            for item in figures.questions
        ],
    )
