"""Organisers' view of a session's notices: the reminder plan, each sending's progress,
and the people whose messages did not go out, counted per bridge point."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.params import id_or_none, number_or_none, page_of
from directory.access import organiser_required
from directory.selectors import scope_for

from .. import selectors, services
from ..forms import ReminderRuleForm
from ..models import Session

PAGE_SIZE = 50


def _progress_json(session: Session) -> list[dict[str, object]]:
    return [
        {
            "label": row.label,
            "planned_for": row.planned_for.isoformat() if row.planned_for else None,
            "total": row.total,
            "sent": row.sent,
            "failed": row.failed,
            "skipped": row.skipped,
            "waiting": row.waiting,
            "percent": row.percent,
        }
        for row in selectors.notice_progress(session)
    ]


POINTS_PAGE_SIZE = 30


def _problem_points(request: HttpRequest, session: Session) -> dict[str, object]:
    """One page of the points with people to reach, ?points=<page>."""
    number = number_or_none(request.GET.get("points"), minimum=1) or 1
    start = (number - 1) * POINTS_PAGE_SIZE
    rows, total = selectors.notice_problems_by_point(
        request.user, session, start=start, stop=start + POINTS_PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("points", None)
    return {
        "by_point": rows,
        "by_point_total": total,
        "by_point_previous": number - 1 if number > 1 else None,
        "by_point_next": number + 1 if start + POINTS_PAGE_SIZE < total else None,
        "by_point_query": query.urlencode(),
    }


@organiser_required
@require_GET
def session_notices(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session_for(request.user, pk)
    point = id_or_none(request.GET.get("point"))
    progress = selectors.notice_progress(session)
    plan_source, plan = selectors.reminder_plan(session)
    to_fix = selectors.notices_to_fix(request.user, session, point)
    context = {
        "session": session,
        "progress": progress,
        "busy": any(row.waiting for row in progress),
        "plan_source": plan_source,
        "plan": plan,
        **_problem_points(request, session),
        "page": page_of(request, to_fix, PAGE_SIZE),
        "point": point,
        "can_edit": scope_for(request.user).covers_unit(session.host_point.unit),
        "rule_form": ReminderRuleForm(),
    }
    return render(request, "events/session_notices.html", context)


@organiser_required
@require_GET
def session_notices_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress bars poll while a large sending runs."""
    session = selectors.get_session_for(request.user, pk)
    return JsonResponse({"sendings": _progress_json(session)})


def _back(session: Session) -> HttpResponse:
    return redirect(reverse("events:session_notices", args=[session.pk]))


@organiser_required
@require_POST
def notices_retry(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session_for(request.user, pk)
    participation = None
    if point := id_or_none(request.POST.get("participation")):
        participation = session.participations.filter(pk=point).first()
    try:
        count = services.retry_failed_notices(
            actor=request.user, session=session, participation=participation
        )
    except (PermissionDenied, ValidationError):
        messages.error(request, _("Only organisers of the host point can send notices again."))
    else:
        messages.success(request, _("%(count)d notices will be sent again.") % {"count": count})
    return _back(session)


@organiser_required
@require_POST
def reminder_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session_for(request.user, pk)
    action = request.POST.get("action", "")
    try:
        if action == "add":
            form = ReminderRuleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    [
                        f"{form.fields[name].label}: {' '.join(errs)}"
                        for name, errs in form.errors.items()
                    ]
                )
            services.add_reminder_rule(actor=request.user, session=session, line=form.line())
            messages.success(request, _("The reminder was added to this session's plan."))
        elif action in ("off", "on"):
            index = number_or_none(request.POST.get("index"))
            services.switch_reminder_rule(
                actor=request.user,
                session=session,
                index=index if index is not None else -1,
                active=action == "on",
            )
            messages.success(request, _("The reminder plan was changed."))
        elif action == "reset":
            services.reset_reminder_plan(actor=request.user, session=session)
            messages.success(request, _("This session follows its programme's plan again."))
        else:
            messages.error(request, _("Unknown action."))
    except PermissionDenied:
        messages.error(request, _("Only organisers of the host point can change the plan."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return _back(session)
