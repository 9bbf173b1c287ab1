"""Reads of surveys and their results, always through the caller's scope.

An organiser over the session's programme sees every point's answers and may change the
survey; an organiser who reaches the session only through points in their province sees
the answers given at those points. Results take the same few queries for 5 answers or
300,000.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Attendance
from attendance.selectors import get_invitation
from directory.models import AdministrativeUnit
from directory.selectors import AnyUser, scope_for
from events.models import Session, SessionPoint
from events.prompts import Prompt
from events.selectors import sessions_for

from .models import Survey, SurveyAnswer, SurveyQuestion, SurveyReceipt, SurveyResponse

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


def get_survey_for_attendee(user: AnyUser, session_id: int) -> AttendeeSurvey:
    """The survey of a session the person is on the roster of; 404 for anyone else."""
    entry = get_invitation(user, session_id)
    survey = (
        Survey.objects.select_related("session")
        .filter(session_id=session_id)
        .annotate(
            answered=Exists(
                SurveyReceipt.objects.filter(survey=OuterRef("pk"), person_id=entry.person_id)
            )
        )
        .first()
    )
    if survey is None:
        raise Http404
    attendance = getattr(entry, "attendance", None)
    return AttendeeSurvey(
        survey=survey,
        questions=list(survey.questions.all()),
        attended=attendance is not None and attendance.checked_in_at is not None,
        answered=survey.answered,
        state=survey.state_at(timezone.now()),
    )


@dataclass
class QuestionResult:
    question: SurveyQuestion
    count: int = 0
    distribution: list[int] = field(default_factory=lambda: [0] * 5)
    average: float | None = None
    choice_counts: list[tuple[str, int]] = field(default_factory=list)


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


def filter_points(
    access: SurveyAccess,
    *,
    province_id: int | None,
    point_id: int | None,
    provinces: QuerySet[AdministrativeUnit] | None = None,
) -> tuple[QuerySet[SessionPoint], AdministrativeUnit | None]:
    """The points the results cover after the province and point filters, with the province
    chosen; 404 for a province or point outside the points in scope."""
    province = None
    if province_id is not None:
        if provinces is None:
            provinces = provinces_of(access.points)
        province = provinces.filter(pk=province_id).first()
        if province is None:
            raise Http404
    if point_id is not None and not access.points.filter(point_id=point_id).exists():
        raise Http404
    return narrow_points(access.points, province=province, point_id=point_id), province


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
    # A free-text answer has neither score nor choice: its question's rows make one group.
    for question_id, scale_value, choice, n in rows:
        result = results[question_id]
        result.count += n
        if scale_value is not None:
            result.distribution[scale_value - 1] += n
        elif choice:
            result.choice_counts.append((choice, n))
    for result in results.values():
        q = result.question
        if q.kind == Kind.SCALE and result.count:
            total = sum(score * n for score, n in enumerate(result.distribution, start=1))
            result.average = round(total / result.count, 2)
        if q.kind == Kind.CHOICE:
            given = dict(result.choice_counts)
            # The organiser's order, then anything no longer offered.
            result.choice_counts = [(c, given.pop(c, 0)) for c in q.choices] + sorted(given.items())
    responses = SurveyResponse.objects.filter(
        survey=survey, participation__in=points.values("pk")
    ).count()
    checked_in = Attendance.objects.filter(
        session_id=survey.session_id,
        participation__in=points.values("pk"),
        checked_in_at__isnull=False,
        entry__removed_at=None,
    ).count()
    return SurveyResults(
        survey=survey,
        responses=responses,
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
    ids = {AdministrativeUnit.province_id_in(path) for path in paths} - {None}
    return AdministrativeUnit.objects.filter(
        pk__in=ids, level=AdministrativeUnit.Level.PROVINCE
    ).order_by("name")


def sessions_with_open_survey(person_id: int, session_ids: list[int]) -> set[int]:
    """Of these sessions, those whose survey is open now and which the person checked in at
    without answering: one query in all."""
    now = timezone.now()
    return set(
        Session.objects.filter(
            pk__in=session_ids,
            survey__opens_at__lte=now,
            survey__closes_at__gt=now,
            roster__person_id=person_id,
            roster__removed_at=None,
            roster__attendance__checked_in_at__isnull=False,
        )
        .exclude(survey__receipts__person_id=person_id)
        .values_list("pk", flat=True)
    )


def survey_prompts(person_id: int, session_ids: list[int]) -> dict[int, list[Prompt]]:
    """ "Answer the survey" on the attendee's sessions whose survey awaits their answer."""
    return {
        session_id: [
            Prompt(_("Answer the survey"), reverse("surveys:survey_answer", args=[session_id]))
        ]
        for session_id in sessions_with_open_survey(person_id, session_ids)
    }
