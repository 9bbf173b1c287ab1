"""Satisfaction surveys: the organiser sets the questions, each attendee answers once.

A refusal stores nothing: the receipt (unique per survey and person) is written first in
the answer's transaction, so two answers racing each other leave one response, even when
the survey is anonymous and the response carries no person.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from directory.models import Person
from directory.selectors import scope_for
from events.models import RosterEntry, Session

from .models import Survey, SurveyAnswer, SurveyQuestion, SurveyReceipt, SurveyResponse

Kind = SurveyQuestion.Kind
SURVEY_DAYS_OPEN = 7
MAX_QUESTIONS = 30
MAX_CHOICES = 12
MAX_TEXT_ANSWER = 2000


@dataclass(frozen=True)
class QuestionSpec:
    """A question as the organiser writes it."""

    kind: str
    text: str
    choices: tuple[str, ...] = field(default_factory=tuple)
    required: bool = True


def default_questions() -> list[QuestionSpec]:
    """The questions a new survey starts with; the organiser may change any of them."""
    return [
        QuestionSpec(Kind.SCALE, "Mức độ hài lòng chung của anh/chị về buổi tập huấn"),
        QuestionSpec(Kind.SCALE, "Nội dung tập huấn hữu ích cho công việc của anh/chị"),
        QuestionSpec(Kind.SCALE, "Chất lượng âm thanh, hình ảnh tại điểm cầu của anh/chị"),
        QuestionSpec(Kind.SCALE, "Báo cáo viên trình bày rõ ràng, dễ hiểu"),
        QuestionSpec(
            Kind.CHOICE,
            "Thời lượng buổi tập huấn",
            ("Quá ngắn", "Vừa phải", "Quá dài"),
        ),
        QuestionSpec(
            Kind.TEXT, "Góp ý, đề xuất của anh/chị cho các buổi tập huấn sau", required=False
        ),
    ]


def default_window(session: Session) -> tuple[datetime, datetime]:
    return session.ends_at, session.ends_at + timedelta(days=SURVEY_DAYS_OPEN)


def default_title(session: Session) -> str:
    return _("Satisfaction survey: %(title)s") % {"title": session.title}


def require_survey_editor(*, actor: AbstractBaseUser, session: Session) -> None:
    """Only an organiser whose scope covers the session's programme sets its survey."""
    scope = scope_for(actor)
    if not scope.is_organiser:
        raise PermissionDenied(_("Only organisers can set up a survey."))
    if not scope.covers_unit(session.programme.unit):
        raise PermissionDenied(_("This session's programme is outside your scope."))


def _clean_questions(questions: Sequence[QuestionSpec]) -> list[QuestionSpec]:
    if not questions:
        raise ValidationError({"questions": _("A survey needs at least one question.")})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": _("A survey has at most %(max)d questions.") % {"max": MAX_QUESTIONS}}
        )
    cleaned = []
    errors = []
    for number, spec in enumerate(questions, start=1):
        text = spec.text.strip()
        choices = tuple(dict.fromkeys(c.strip() for c in spec.choices if c.strip()))
        if spec.kind not in Kind.values:
            errors.append(_("Question %(number)d: unknown kind.") % {"number": number})
        elif not text:
            errors.append(_("Question %(number)d has no text.") % {"number": number})
        elif len(text) > 500:
            errors.append(
                _("Question %(number)d is longer than 500 characters.") % {"number": number}
            )
        elif spec.kind == Kind.CHOICE and not 2 <= len(choices) <= MAX_CHOICES:
            errors.append(
                _("Question %(number)d needs between 2 and %(max)d different choices.")
                % {"number": number, "max": MAX_CHOICES}
            )
        elif any(len(choice) > 200 for choice in choices):
            errors.append(
                _("Question %(number)d has a choice longer than 200 characters.")
                % {"number": number}
            )
        cleaned.append(
            QuestionSpec(
                kind=spec.kind,
                text=text,
                choices=choices if spec.kind == Kind.CHOICE else (),
                required=spec.required,
            )
        )
    if errors:
        raise ValidationError({"questions": errors})
    return cleaned


def question_specs(survey: Survey | None) -> list[QuestionSpec]:
    """The survey's questions as the organiser wrote them; the defaults before it exists."""
    if survey is None:
        return default_questions()
    return [
        QuestionSpec(q.kind, q.text, tuple(q.choices), q.required) for q in survey.questions.all()
    ]


@transaction.atomic
def set_up_survey(
    *,
    actor: AbstractBaseUser,
    session: Session,
    title: str,
    intro: str = "",
    is_anonymous: bool = True,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    questions: Sequence[QuestionSpec] | None = None,
) -> Survey:
    """Create the session's survey or change it; questions and anonymity are fixed once
    anyone has answered, the window may still move."""
    require_survey_editor(actor=actor, session=session)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("A cancelled session has no survey."))
    opens_at, closes_at = _window(session, opens_at, closes_at)
    survey = Survey.objects.select_for_update().filter(session=session).first()
    specs = _clean_questions(questions if questions is not None else default_questions())
    if survey is None:
        survey = Survey(session=session, created_by=actor)
        answered = False
    else:
        answered = survey.receipts.exists()
        if answered:
            _refuse_answered_changes(survey, specs=specs, is_anonymous=is_anonymous)
    survey.title = title.strip() or default_title(session)
    survey.intro = intro.strip()
    survey.is_anonymous = is_anonymous
    survey.opens_at = opens_at
    survey.closes_at = closes_at
    survey.full_clean(exclude=["session", "created_by"])
    survey.save()
    if not answered:
        _replace_questions(survey, specs)
    return survey


def _window(
    session: Session, opens_at: datetime | None, closes_at: datetime | None
) -> tuple[datetime, datetime]:
    opens_at = opens_at or default_window(session)[0]
    closes_at = closes_at or (opens_at + timedelta(days=SURVEY_DAYS_OPEN))
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The survey must close after it opens.")})
    return opens_at, closes_at


def _refuse_answered_changes(
    survey: Survey, *, specs: list[QuestionSpec], is_anonymous: bool
) -> None:
    """The answers given stand on these questions and this promise of anonymity."""
    if specs != question_specs(survey):
        raise ValidationError(
            {
                "questions": _(
                    "People have already answered this survey, so its questions can no "
                    "longer change. You can still change the title, introduction and dates."
                )
            }
        )
    if is_anonymous != survey.is_anonymous:
        raise ValidationError(
            {
                "is_anonymous": _(
                    "People have already answered this survey, so whether it is anonymous "
                    "can no longer change."
                )
            }
        )


def _replace_questions(survey: Survey, specs: list[QuestionSpec]) -> None:
    survey.questions.all().delete()
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=survey,
            position=position,
            kind=spec.kind,
            text=spec.text,
            choices=list(spec.choices),
            required=spec.required,
        )
        for position, spec in enumerate(specs, start=1)
    )


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "H:i d/m/Y")


def attended_entry(*, survey: Survey, person: Person) -> RosterEntry:
    """The person's roster entry at the survey's session, if they checked in there."""
    entry = (
        RosterEntry.objects.filter(
            session_id=survey.session_id,
            person=person,
            removed_at=None,
            attendance__checked_in_at__isnull=False,
        )
        .only("pk", "participation_id")
        .first()
    )
    if entry is None:
        raise PermissionDenied(
            _("Only people who checked in at this session can answer its survey.")
        )
    return entry


def require_open(*, survey: Survey, now: datetime) -> None:
    state = survey.state_at(now)
    if state == "not_open":
        raise ValidationError(
            _("The survey opens at %(when)s.") % {"when": _when(survey.opens_at)}, code=state
        )
    if state == "closed":
        raise ValidationError(
            _("The survey closed at %(when)s; answers are no longer accepted.")
            % {"when": _when(survey.closes_at)},
            code=state,
        )


ALREADY_ANSWERED = "already_answered"
# Refusals of the answer as a whole (not of a field): the API answers them with 409.
REFUSAL_CODES = frozenset({ALREADY_ANSWERED, "closed", "not_open"})


def is_refusal(error: ValidationError) -> bool:
    return not hasattr(error, "error_dict") and any(
        e.code in REFUSAL_CODES for e in error.error_list
    )


def already_answered_error() -> ValidationError:
    return ValidationError(
        _("You have already answered this survey. Thank you: one answer per person."),
        code=ALREADY_ANSWERED,
    )


def question_field(question: SurveyQuestion) -> str:
    """The name an answer to the question goes by in forms and in the API."""
    return f"q{question.pk}"


def _clean_answers(
    questions: Sequence[SurveyQuestion], raw: Mapping[str, object]
) -> list[SurveyAnswer]:
    answers = []
    errors: dict[str, str] = {}
    for question in questions:
        name = question_field(question)
        value = raw.get(name)
        text = "" if value is None else str(value).strip()
        if not text:
            if question.required:
                errors[name] = _("Please answer this question.")
            continue
        if question.kind == Kind.SCALE:
            if not text.isdigit() or not 1 <= int(text) <= 5:
                errors[name] = _("Choose a score from 1 to 5.")
                continue
            answers.append(SurveyAnswer(question=question, scale_value=int(text)))
        elif question.kind == Kind.CHOICE:
            if text not in question.choices:
                errors[name] = _("Choose one of the options given.")
                continue
            answers.append(SurveyAnswer(question=question, choice=text))
        else:
            if len(text) > MAX_TEXT_ANSWER:
                errors[name] = _("Please keep the answer under %(max)d characters.") % {
                    "max": MAX_TEXT_ANSWER
                }
                continue
            answers.append(SurveyAnswer(question=question, text=text))
    known = {question_field(q) for q in questions}
    unknown = [name for name in raw if name.startswith("q") and name not in known]
    if unknown:
        errors["__all__"] = _("The answers name a question this survey does not have.")
    if errors:
        raise ValidationError(errors)
    return answers


def response_time(survey: Survey, now: datetime) -> datetime:
    """When an answer is recorded as given: an anonymous one keeps only its day, so that
    the time of a receipt, or of leaving the room, does not point to it."""
    if not survey.is_anonymous:
        return now
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def has_answered(*, survey: Survey, person: Person) -> bool:
    return SurveyReceipt.objects.filter(survey=survey, person=person).exists()


@transaction.atomic
def submit_survey_response(
    *,
    person: Person,
    survey: Survey,
    answers: Mapping[str, object],
    now: datetime | None = None,
) -> SurveyResponse:
    """Store one person's answers once; any refusal stores nothing. An anonymous response
    keeps the point attended but not the person."""
    now = now or timezone.now()
    entry = attended_entry(survey=survey, person=person)
    require_open(survey=survey, now=now)
    if has_answered(survey=survey, person=person):
        raise already_answered_error()
    rows = _clean_answers(list(survey.questions.all()), answers)
    try:
        # The unique receipt is the last word when two answers race past the check above.
        with transaction.atomic():
            SurveyReceipt.objects.create(survey=survey, person=person)
    except IntegrityError:
        raise already_answered_error() from None
    response = SurveyResponse.objects.create(
        survey=survey,
        person=None if survey.is_anonymous else person,
        participation_id=entry.participation_id,
        submitted_at=response_time(survey, now),
    )
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    return response
