"""Reads of surveys and their results, always through the caller's scope.

An organiser over the session's programme sees every point's answers and may change the
survey; an organiser who reaches the session only through points in their province sees
the answers given at those points. Results take the same few queries for 5 answers or
300,000.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from directory.models import AdministrativeUnit
from directory.selectors import AnyUser, scope_for
from events.models import RosterEntry, Session, SessionPoint
from events.selectors import sessions_for

from .models import Attendance, Survey, SurveyAnswer, SurveyQuestion, SurveyReceipt, SurveyResponse

Kind = SurveyQuestion.Kind


@dataclass(frozen=True)
class SurveyAccess:
    """A session as an organiser may see it: `can_edit` when its programme is in scope,
    else only the answers given at `points` (the session's points in scope)."""

    session: Session
    survey: Survey | None
    can_edit: bool
    points: QuerySet[SessionPoint]


def get_session_survey_for_organiser(user: AnyUser, session_id: int) -> SurveyAccess:
    """The session and its survey for an organiser; 403 for other roles, 404 out of scope."""
    scope = scope_for(user)
    if not scope.is_organiser:
        raise PermissionDenied
    session = (
        sessions_for(user).select_related("programme__unit", "survey").filter(pk=session_id).first()
    )
    if session is None:
        raise Http404
    can_edit = scope.covers_unit(session.programme.unit)
    points = SessionPoint.objects.filter(session=session)
    if not can_edit:
        points = points.filter(scope.units_q("point__unit__"))
    return SurveyAccess(
        session=session,
        survey=getattr(session, "survey", None),
        can_edit=can_edit,
        points=points,
    )


def get_survey_for_organiser(user: AnyUser, session_id: int) -> SurveyAccess:
    """As above, for a session that has a survey (404 otherwise)."""
    access = get_session_survey_for_organiser(user, session_id)
    if access.survey is None:
        raise Http404
    return access


@dataclass(frozen=True)
class AttendeeSurvey:
    """A survey as one attendee sees it: may they answer, and if not, why."""

    survey: Survey
    questions: list[SurveyQuestion]
    attended: bool
    answered: bool
    state: str  # "open", "not_open", "closed"

    @property
    def can_answer(self) -> bool:
        return self.attended and not self.answered and self.state == "open"


def survey_state(survey: Survey, now: datetime) -> str:
    if now < survey.opens_at:
        return "not_open"
    if now >= survey.closes_at:
        return "closed"
    return "open"


def get_survey_for_attendee(user: AnyUser, session_id: int) -> AttendeeSurvey:
    """The survey of a session the person is on the roster of; 404 for anyone else."""
    person_id = scope_for(user).person_id
    if person_id is None:
        raise Http404
    survey = (
        Survey.objects.select_related("session")
        .filter(
            session_id=session_id,
            session__roster__person_id=person_id,
            session__roster__removed_at=None,
        )
        .first()
    )
    if survey is None:
        raise Http404
    attended = RosterEntry.objects.filter(
        session_id=session_id,
        person_id=person_id,
        removed_at=None,
        attendance__checked_in_at__isnull=False,
    ).exists()
    answered = SurveyReceipt.objects.filter(survey=survey, person_id=person_id).exists()
    return AttendeeSurvey(
        survey=survey,
        questions=list(survey.questions.all()),
        attended=attended,
        answered=answered,
        state=survey_state(survey, timezone.now()),
    )


@dataclass
class QuestionResult:
    question: SurveyQuestion
    count: int = 0
    distribution: list[int] = field(default_factory=lambda: [0] * 5)
    average: float | None = None
    choice_counts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def percentages(self) -> list[int]:
        return [round(100 * n / self.count) if self.count else 0 for n in self.distribution]


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    checked_in: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float:
        return self.responses / self.checked_in if self.checked_in else 0.0

    @property
    def response_percent(self) -> int:
        return round(100 * self.response_rate)


def narrow_points(
    points: QuerySet[SessionPoint], *, province: AdministrativeUnit | None, point_id: int | None
) -> QuerySet[SessionPoint]:
    if province is not None:
        points = points.filter(point__unit__path__startswith=province.path)
    if point_id is not None:
        points = points.filter(point_id=point_id)
    return points


def survey_results(survey: Survey, points: QuerySet[SessionPoint]) -> SurveyResults:
    """Counts, score distribution, average and choice counts per question, with the
    response rate (responses / people checked in), over the answers given at `points`."""
    questions = list(survey.questions.all())
    results = {q.pk: QuestionResult(question=q) for q in questions}
    rows = (
        SurveyAnswer.objects.filter(
            response__survey=survey, response__participation__in=points.values("pk")
        )
        .order_by()
        .values_list("question_id", "scale_value", "choice")
        .annotate(n=Count("pk"))
    )
    texts = (
        SurveyAnswer.objects.filter(
            response__survey=survey,
            response__participation__in=points.values("pk"),
            question__kind=Kind.TEXT,
        )
        .order_by()
        .values_list("question_id")
        .annotate(n=Count("pk"))
    )
    for question_id, scale_value, choice, n in rows:
        result = results[question_id]
        if result.question.kind == Kind.TEXT:
            continue
        result.count += n
        if scale_value is not None:
            result.distribution[scale_value - 1] += n
        elif choice:
            result.choice_counts.append((choice, n))
    for question_id, n in texts:
        results[question_id].count = n
    for result in results.values():
        q = result.question
        if q.kind == Kind.SCALE and result.count:
            total = sum(score * n for score, n in enumerate(result.distribution, start=1))
            result.average = round(total / result.count, 2)
        if q.kind == Kind.CHOICE:
            given = dict(result.choice_counts)
            # The organiser's order, then anything no longer offered.
            result.choice_counts = [(c, given.pop(c, 0)) for c in q.choices] + sorted(given.items())
    counts = SurveyResponse.objects.filter(
        survey=survey, participation__in=points.values("pk")
    ).aggregate(n=Count("pk"))
    checked_in = Attendance.objects.filter(
        session_id=survey.session_id,
        participation__in=points.values("pk"),
        checked_in_at__isnull=False,
        entry__removed_at=None,
    ).count()
    return SurveyResults(
        survey=survey,
        responses=counts["n"],
        checked_in=checked_in,
        questions=[results[q.pk] for q in questions],
    )


def text_answers(
    survey: Survey, question_id: int, points: QuerySet[SessionPoint]
) -> QuerySet[SurveyAnswer]:
    """Free-text answers to one question, newest first, with the point they came from."""
    return (
        SurveyAnswer.objects.filter(
            response__survey=survey,
            question_id=question_id,
            question__kind=Kind.TEXT,
            response__participation__in=points.values("pk"),
        )
        .exclude(text="")
        .select_related("response__participation__point")
        .order_by("-response__submitted_at", "-pk")
    )


def responses_for_export(survey: Survey, points: QuerySet[SessionPoint]) -> QuerySet:
    """Every response with its answers and point, for the export (three queries)."""
    return (
        SurveyResponse.objects.filter(survey=survey, participation__in=points.values("pk"))
        .select_related("participation__point", "person__agency")
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )


def provinces_of(points: QuerySet[SessionPoint]) -> QuerySet[AdministrativeUnit]:
    """The provinces the points lie in, for the results filter."""
    paths = points.values_list("point__unit__path", flat=True)
    ids = {int(path.strip("/").split("/")[1]) for path in paths if path.count("/") > 2}
    return AdministrativeUnit.objects.filter(
        pk__in=ids, level=AdministrativeUnit.Level.PROVINCE
    ).order_by("name")
