from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.downloads import attachment
from common.forms import add_service_errors
from common.params import page_of
from directory.access import organiser_required, staff_required
from directory.models import Person
from directory.selectors import scope_for
from training.selectors import programmes_for

from . import selectors, services
from .calendars import build_calendar
from .forms import CancelForm, PointsChangeForm, RescheduleForm, SessionFilterForm, SessionForm
from .models import BridgePoint, Session
from .prompts import prompts_for

ICS_TYPE = "text/calendar; charset=utf-8"


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = attachment(content, filename=filename, content_type=ICS_TYPE)
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A subscription feed; the secret token is the only key, so no sign-in."""
    content = selectors.feed_content(selectors.get_active_feed(token))
    body = build_calendar(content.sessions, name=content.name, location_for=content.location_for)
    return ics_response(body, "diemcau.ics")


@login_required
@require_GET
def session_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session_for(request.user, pk)
    sessions = selectors.calendar_sessions(session)
    location = selectors.attendee_location(request.user, session)
    body = build_calendar(sessions, name=session.title, location_for=lambda _s: location)
    return ics_response(body, f"hoi-nghi-{session.pk}.ics")


PAGE_SIZE = 30


def _warn_conflicts(request: HttpRequest, scheduled: services.Scheduled) -> None:
    for conflict in scheduled.conflicts:
        when = timezone.localtime(conflict.other_starts_at).strftime("%H:%M %d/%m/%Y")
        if conflict.kind == "room":
            text = _("%(point)s is also booked for “%(other)s” at %(when)s.")
        else:
            text = _("Coordinator %(who)s of %(point)s is also at “%(other)s” at %(when)s.")
        messages.warning(
            request,
            text
            % {
                "point": conflict.point_name,
                "other": conflict.other_title,
                "when": when,
                "who": conflict.coordinator,
            },
        )


@staff_required
def session_list(request: HttpRequest) -> HttpResponse:
    form = SessionFilterForm(
        request.GET or None,
        programmes=programmes_for(request.user),
        provinces=selectors.province_units_for(request.user),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    sessions = selectors.filter_sessions(
        selectors.sessions_with_counts(selectors.sessions_for(request.user)),
        query=filters.get("q", ""),
        programme=filters.get("programme"),
        province=filters.get("province"),
        status=filters.get("status", ""),
    ).order_by("-starts_at")
    page = page_of(request, sessions, PAGE_SIZE)
    return render(request, "events/session_list.html", {"form": form, "page": page})


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session_for(request.user, pk)
    scope = scope_for(request.user)
    context = {
        "session": session,
        "agenda": session.agenda_items.all(),
        "materials": session.programme.materials.all(),
        "can_edit": scope.is_organiser
        and scope.covers_unit(session.host_point.unit)
        and session.status == Session.Status.SCHEDULED,
    }
    if scope.is_staff:
        groups = selectors.points_by_province(session)
        context |= {
            "groups": groups,
            "point_count": sum(group.count for group in groups),
            "changes": session.changes.select_related("actor")[:50],
            "conflicts": selectors.find_conflicts(session=session),
        }
    else:
        context["location"] = selectors.attendee_location(request.user, session)
    context["can_close"] = context["can_edit"] and timezone.now() >= session.starts_at
    if context["can_edit"]:
        local = {
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at),
        }
        context |= {
            "reschedule_form": RescheduleForm(initial=local),
            "cancel_form": CancelForm(),
            "points_form": _points_form(request, session),
        }
    return render(request, "events/session_detail.html", context)


@organiser_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(
        request.POST or None,
        programmes=programmes_for(request.user),
        units=selectors.choosable_units_for(request.user),
        points=selectors.points_for(request.user).order_by("unit__path", "name"),
        initial={"use_rule": True},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheduled = services.schedule_session(
                actor=request.user,
                programme=data["programme"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                host_point=data["host_point"],
                meeting_url=data["meeting_url"],
                agenda=form.agenda_entries(),
                selection=form.selection(),
                record_past=data["record_past"],
            )
        except ValidationError as error:
            add_service_errors(form, error, renamed={"points": "add_points"})
        else:
            messages.success(
                request,
                _("The session is scheduled at %(count)s bridge points.")
                % {"count": scheduled.session.participations.count()},
            )
            _warn_conflicts(request, scheduled)
            return redirect("events:session_detail", pk=scheduled.session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/session_form.html", {"form": form}, status=status)


@organiser_required
@require_POST
def session_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session_for(request.user, pk)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            scheduled = services.reschedule_session(
                actor=request.user, session=session, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The session has been moved."))
            _warn_conflicts(request, scheduled)
    else:
        messages.error(request, _("Give a valid start and end."))
    return redirect("events:session_detail", pk=session.pk)


def _points_form(request: HttpRequest, session: Session, data: object = None) -> PointsChangeForm:
    return PointsChangeForm(
        data,
        units=selectors.choosable_units_for(request.user),
        points=selectors.points_for(request.user).order_by("unit__path", "name"),
        current=selectors.points_for(request.user)
        .filter(participations__session=session)
        .order_by("unit__path", "name"),
    )


@organiser_required
@require_POST
def session_points(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session_for(request.user, pk)
    form = _points_form(request, session, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("events:session_detail", pk=session.pk)
    selection = form.selection()
    try:
        scheduled = services.change_session_points(
            actor=request.user,
            session=session,
            add=services.PointSelection(rules=selection.rules, add=selection.add),
            remove=selection.remove,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The session now has %(count)s bridge points.")
            % {"count": session.participations.count()},
        )
        _warn_conflicts(request, scheduled)
    return redirect("events:session_detail", pk=session.pk)


@organiser_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session_for(request.user, pk)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the session is cancelled."))
        services.cancel_session(
            actor=request.user, session=session, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session has been cancelled."))
    return redirect("events:session_detail", pk=session.pk)


@staff_required
def session_calendar_view(request: HttpRequest) -> HttpResponse:
    """A month (or week) of sessions, laid out as a calendar."""
    today = timezone.localdate()
    try:
        anchor = (
            date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else today
        )
    except ValueError:
        anchor = today
    weekly = request.GET.get("view") == "week"
    if weekly:
        first = anchor - timedelta(days=anchor.weekday())
        days = [first + timedelta(days=offset) for offset in range(7)]
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
    else:
        month = anchor.replace(day=1)
        first = month - timedelta(days=month.weekday())
        last_day = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        end = last_day + timedelta(days=6 - last_day.weekday())
        days = [first + timedelta(days=n) for n in range((end - first).days + 1)]
        previous = (month - timedelta(days=1)).replace(day=1)
        following = last_day + timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=zone)
    stop = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    by_day: dict[date, list[Session]] = {day: [] for day in days}
    for session in selectors.sessions_for(request.user).filter(
        starts_at__gte=start, starts_at__lt=stop
    ):
        by_day[timezone.localdate(session.starts_at)].append(session)
    weeks = [
        [(day, by_day[day]) for day in days[index : index + 7]] for index in range(0, len(days), 7)
    ]
    context = {
        "weeks": weeks,
        "anchor": anchor,
        "weekly": weekly,
        "previous": previous,
        "following": following,
        "today": today,
    }
    return render(request, "events/session_calendar.html", context)


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    points = list(BridgePoint.objects.filter(coordinators=request.user).select_related("unit"))
    upcoming = selectors.upcoming_by_point(points)
    rows = [(point, upcoming[point.pk]) for point in points]
    return render(request, "events/my_points.html", {"rows": rows})


@login_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.person_id is None:
        raise PermissionDenied
    person = Person.objects.select_related("agency").get(pk=scope.person_id)
    sessions = (
        selectors.sessions_for(request.user)
        .filter(starts_at__gte=timezone.now() - timedelta(days=1))
        .order_by("starts_at")
    )
    feed = None
    if request.method == "POST":
        feed = services.open_feed(actor=request.user, target=person)
    upcoming = list(sessions[:50])
    past = list(
        selectors.sessions_for(request.user)
        .filter(starts_at__lt=timezone.now() - timedelta(days=1))
        .order_by("-starts_at")[:20]
    )
    prompts = prompts_for(scope.person_id, [session.pk for session in upcoming + past])
    for session in upcoming + past:
        session.prompts = prompts.get(session.pk, [])
    context = {"sessions": upcoming, "past": past, "feed": feed}
    return render(request, "events/my_sessions.html", context)


@organiser_required
@require_http_methods(["POST"])
def close_session(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a session that has started: its rosters and attendance freeze."""
    session = selectors.get_session_for(request.user, pk)
    try:
        services.close_session(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session is closed; its attendance is frozen."))
    return redirect("events:session_detail", session.pk)
