"""Survey pages: the organiser's set-up and results (with exports), the attendee's form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.downloads import attachment
from common.forms import add_service_errors
from common.params import id_or_none
from directory.access import organiser_required
from directory.models import Person, PersonalDataExport
from directory.selectors import scope_for
from directory.services.exports_log import record_personal_data_export

from . import exports as survey_exports
from . import selectors, services
from .forms import AnswerForm, QuestionFormSet, SurveySettingsForm, question_initial
from .models import SurveyQuestion

TEXT_PAGE_SIZE = 20


@organiser_required
@require_http_methods(["GET", "POST"])
def survey_setup(request: HttpRequest, session_id: int) -> HttpResponse:
    """Create or change a session's survey: settings and questions on one page."""
    access = selectors.get_session_survey_for_organiser(request.user, session_id)
    if not access.can_edit:
        raise Http404
    session, survey = access.session, access.survey
    answered = survey is not None and survey.receipts.exists()
    if request.method == "POST":
        form = SurveySettingsForm(request.POST)
        questions = QuestionFormSet(request.POST, prefix="questions")
        if form.is_valid() and questions.is_valid():
            specs = [spec for row in questions for spec in [row.spec()] if spec is not None]
            if answered:
                # The question rows are shown disabled, so the browser sends none of them.
                specs = services.question_specs(survey)
            try:
                services.set_up_survey(
                    actor=request.user, session=session, questions=specs, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Survey saved."))
                return redirect("surveys:survey_results", session_id=session.pk)
    else:
        opens, closes = (
            (survey.opens_at, survey.closes_at)
            if survey is not None
            else services.default_window(session)
        )
        form = SurveySettingsForm(
            initial={
                "title": survey.title if survey else services.default_title(session),
                "intro": survey.intro if survey else "",
                "is_anonymous": survey.is_anonymous if survey else True,
                "opens_at": timezone.localtime(opens),
                "closes_at": timezone.localtime(closes),
            }
        )
        questions = QuestionFormSet(
            initial=question_initial(services.question_specs(survey)), prefix="questions"
        )
    context = {
        "session": session,
        "survey": survey,
        "form": form,
        "questions": questions,
        "answered": answered,
        "kinds": SurveyQuestion.Kind,
    }
    return render(request, "surveys/survey_setup.html", context)


def _narrowed(request: HttpRequest, access: selectors.SurveyAccess) -> tuple[object, dict]:
    """The points the results cover after the province and point filters (within scope)."""
    provinces = selectors.provinces_of(access.points)
    point_id = id_or_none(request.GET.get("point"))
    points, province = selectors.filter_points(
        access,
        province_id=id_or_none(request.GET.get("province")),
        point_id=point_id,
        provinces=provinces,
    )
    chosen = (
        access.points.select_related("point").filter(point_id=point_id).first()
        if point_id
        else None
    )
    filters = {
        "provinces": provinces,
        "province": province,
        "points_source": f"{reverse('events:pick_points')}?session={access.session.pk}",
        "chosen_point": chosen.point if chosen else None,
        "point_id": point_id,
    }
    return points, filters


def _chart_data(results: selectors.SurveyResults) -> list[dict[str, object]]:
    charts = []
    for item in results.questions:
        question = item.question
        if question.kind == SurveyQuestion.Kind.SCALE:
            labels = ["1", "2", "3", "4", "5"]
            values = item.distribution
        elif question.kind == SurveyQuestion.Kind.CHOICE:
            labels = [choice for choice, _n in item.choice_counts]
            values = [n for _c, n in item.choice_counts]
        else:
            continue
        charts.append(
            {"id": question.pk, "kind": question.kind, "labels": labels, "values": values}
        )
    return charts


@organiser_required
@require_GET
def survey_results(request: HttpRequest, session_id: int) -> HttpResponse:
    """Score distributions and choices as charts, free-text answers page by page."""
    access = selectors.get_session_survey_for_organiser(request.user, session_id)
    if access.survey is None:
        if access.can_edit:
            return redirect("surveys:survey_setup", session_id=session_id)
        raise Http404
    survey = access.survey
    points, filters = _narrowed(request, access)
    results = selectors.survey_results(survey, points)
    text_questions = [
        item.question
        for item in results.questions
        if item.question.kind == SurveyQuestion.Kind.TEXT
    ]
    chosen = id_or_none(request.GET.get("text"))
    text_question = next((q for q in text_questions if chosen in (None, q.pk)), None)
    text_page = None
    if text_question is not None:
        text_page = Paginator(
            selectors.text_answers(survey, text_question.pk, points), TEXT_PAGE_SIZE
        ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("text", None)
    context = {
        "session": access.session,
        "survey": survey,
        "can_edit": access.can_edit,
        "results": results,
        "charts": _chart_data(results),
        "text_questions": text_questions,
        "text_question": text_question,
        "text_page": text_page,
        "state": survey.state_at(timezone.now()),
        "filter_query": query.urlencode(),
        **filters,
    }
    return render(request, "surveys/survey_results.html", context)


@organiser_required
@require_GET
def survey_export(request: HttpRequest, session_id: int, file_format: str) -> HttpResponse:
    access = selectors.get_survey_for_organiser(request.user, session_id)
    survey = access.survey
    points, filters = _narrowed(request, access)
    record_personal_data_export(
        actor=request.user,
        kind=PersonalDataExport.Kind.SURVEY_ANSWERS,
        file_format=file_format,
        rows=selectors.responses_for_export(survey, points).count(),
        unit_id=filters["province"].pk if filters["province"] else access.session.programme.unit_id,
        session_id=access.session.pk,
        programme_id=access.session.programme_id,
        label=access.session.title,
    )
    # Read in chunks, each with its answers, rather than every response at once.
    responses = selectors.responses_for_export(survey, points).iterator(chunk_size=2000)
    name = f"khao-sat-{slugify(access.session.title)[:60] or access.session.pk}"
    if file_format == "xlsx":
        data = survey_exports.results_xlsx(selectors.survey_results(survey, points), responses)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = survey_exports.results_csv(survey, list(survey.questions.all()), responses)
        content_type = "text/csv; charset=utf-8"
    return attachment(data, filename=f"{name}.{file_format}", content_type=content_type)


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, session_id: int) -> HttpResponse:
    """The attendee's form: one answer per person, only while the survey is open."""
    view = selectors.get_survey_for_attendee(request.user, session_id)
    survey = view.survey
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=view.questions)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_survey_response(
                person=Person.objects.get(pk=scope_for(request.user).person_id),
                survey=survey,
                answers=form.answers(),
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            status = 403
        except ValidationError as error:
            if services.is_refusal(error):
                # Answered meanwhile, or closed: show the page as it now stands.
                view = selectors.get_survey_for_attendee(request.user, session_id)
                status = 409
            else:
                add_service_errors(form, error)
                status = 400
        else:
            return redirect(reverse("surveys:survey_answer", args=[session_id]) + "?thanks=1")
    context = {
        "session": survey.session,
        "survey": survey,
        "view": view,
        "form": form,
        "thanks": request.GET.get("thanks") == "1" and view.answered,
    }
    return render(request, "surveys/survey_answer.html", context, status=status)
