from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.downloads import attachment
from common.forms import add_service_errors
from common.params import id_or_none, page_of
from directory.access import organiser_required, staff_required
from directory.models import AdministrativeUnit, Person
from directory.selectors import Scope, people_for, scope_for, units_for
from training.selectors import programmes_for

from . import selectors, services
from .calendars import build_calendar
from .forms import (
    CancelForm,
    ChairForm,
    OccurrenceEditForm,
    PointsChangeForm,
    RescheduleForm,
    SeriesForm,
    SessionEditForm,
    SessionFilterForm,
    SessionForm,
)
from .models import BridgePoint, Session, SessionChange, SessionPoint
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


POINTS_PAGE_SIZE = 50
CHANGE_FIELDS = {
    "title": _lazy("Title"),
    "meeting_url": _lazy("Meeting link"),
    "starts_at": _lazy("Starts at"),
    "ends_at": _lazy("Ends at"),
    "host_point": _lazy("Host point"),
    "agenda": _lazy("Agenda"),
    "late_after_minutes": _lazy("Late after (minutes)"),
    "chair": _lazy("Chair"),
}


def _change_line(change: SessionChange) -> str:
    """What an edit changed, as the history shows it: the fields, and short values."""
    after = change.details.get("after")
    if not isinstance(after, dict):
        return str(change.details.get("reason", ""))
    before = change.details.get("before", {})
    parts = []
    for name, value in after.items():
        label = str(CHANGE_FIELDS.get(name, name))
        if name in ("agenda", "starts_at", "ends_at"):
            parts.append(label)
        else:
            parts.append(f"{label}: {before.get(name) or '—'} → {value or '—'}")
    point = change.details.get("point")
    return (f"{point}: " if point else "") + "; ".join(parts)


def _chosen_province(
    request: HttpRequest, provinces: list[selectors.ProvinceCount]
) -> selectors.ProvinceCount | None:
    wanted = id_or_none(request.GET.get("province"))
    if wanted is None and len(provinces) == 1:
        return provinces[0]
    return next((row for row in provinces if row.unit_id == wanted), None)


def _can_edit(scope: Scope, session: Session) -> bool:
    return (
        scope.is_organiser
        and scope.covers_unit(session.host_point.unit)
        and session.status == Session.Status.SCHEDULED
    )


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session; for staff its points by province, one province's points a page at a
    time, so the national session's 3,356 points never come at once."""
    session = selectors.get_session_for(request.user, pk)
    scope = scope_for(request.user)
    context = {
        "session": session,
        "agenda": session.agenda_items.all(),
        "materials": session.programme.materials.all(),
        "can_edit": _can_edit(scope, session),
    }
    if scope.is_staff:
        provinces = selectors.province_counts(session)
        chosen = _chosen_province(request, provinces)
        changes = list(session.changes.select_related("actor").order_by("-created_at", "-pk")[:30])
        context |= {
            "provinces": provinces,
            "groups": provinces,
            "province": chosen,
            "point_count": sum(row.count for row in provinces),
            "points_page": page_of(request, _points_of(session, chosen), POINTS_PAGE_SIZE)
            if chosen
            else None,
            "changes": [(change, _change_line(change)) for change in changes],
            "conflicts": selectors.find_conflicts(session=session),
            "can_set_chairs": scope.is_organiser and session.status == Session.Status.SCHEDULED,
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


def _points_of(session: Session, chosen: selectors.ProvinceCount) -> QuerySet[SessionPoint]:
    unit = AdministrativeUnit.objects.only("path").get(pk=chosen.unit_id)
    return selectors.session_points_in(session, unit)


@organiser_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(
        request.POST or None,
        programmes=programmes_for(request.user),
        units=units_for(request.user),
        points=selectors.points_for(request.user),
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
        units=units_for(request.user),
        points=selectors.points_for(request.user),
        current=selectors.points_for(request.user).filter(
            participations__session=session, participations__removed_at=None
        ),
        session_id=session.pk,
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


def _editable_or_404(request: HttpRequest, pk: int) -> Session:
    """The session, if the caller may edit it; otherwise it answers as if missing."""
    session = selectors.get_session_for(request.user, pk)
    scope = scope_for(request.user)
    if not (scope.is_organiser and scope.covers_unit(session.host_point.unit)):
        raise Http404
    return session


def _ended(request: HttpRequest, session: Session) -> HttpResponse | None:
    """A closed or cancelled session can no longer be edited: say so on its page."""
    try:
        services.require_editable(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("events:session_detail", pk=session.pk)
    return None


@organiser_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a scheduled session; saving a form opened before someone else's save is
    refused whole."""
    session = _editable_or_404(request, pk)
    if (ended := _ended(request, session)) is not None:
        return ended
    points = selectors.points_for(request.user)
    version = services.session_version(session)
    form = SessionEditForm(
        request.POST or None,
        points=points,
        initial=SessionEditForm.initial_for(session, version),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                scheduled = services.edit_session(
                    actor=request.user,
                    session=session,
                    version=form.cleaned_data["version"],
                    edit=form.edit(),
                    record_past=form.cleaned_data["record_past"],
                )
            except services.SessionChanged as error:
                form.add_error(None, error.messages[0])
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The session has been saved."))
                _warn_conflicts(request, scheduled)
                return redirect("events:session_detail", pk=session.pk)
    context = {"form": form, "session": session}
    return render(request, "events/session_edit.html", context, status=status)


@organiser_required
@require_http_methods(["GET", "POST"])
def occurrence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one occurrence of a series, or it and the following ones."""
    session = _editable_or_404(request, pk)
    if session.series_id is None:
        raise Http404
    if (ended := _ended(request, session)) is not None:
        return ended
    initial = {
        "version": services.session_version(session),
        "which": "this",
        "title": session.title,
        "starts_at": timezone.localtime(session.starts_at),
        "ends_at": timezone.localtime(session.ends_at),
        "meeting_url": session.meeting_url,
    }
    form = OccurrenceEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                edited = services.edit_occurrences(
                    actor=request.user,
                    session=session,
                    version=data["version"],
                    which=data["which"],
                    title=data["title"],
                    meeting_url=data["meeting_url"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    record_past=data["record_past"],
                )
            except services.SessionChanged as error:
                form.add_error(None, error.messages[0])
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)s sessions of the series have been saved.") % {"count": len(edited)},
                )
                return redirect("events:session_detail", pk=session.pk)
    following = (
        Session.objects.filter(
            series_id=session.series_id,
            status=Session.Status.SCHEDULED,
            starts_at__gt=session.starts_at,
        )
        .order_by("starts_at")
        .only("pk", "starts_at", "title")
    )
    context = {
        "form": form,
        "session": session,
        "following": following[:12],
        "following_count": following.count(),
    }
    return render(request, "events/session_occurrence_edit.html", context, status=status)


@organiser_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    """A recurring session: weekly or monthly, a number of times or until a day."""
    form = SeriesForm(
        request.POST or None,
        programmes=programmes_for(request.user),
        units=units_for(request.user),
        points=selectors.points_for(request.user),
        initial={"use_rule": False, "frequency": SeriesForm.Frequency.MONTHLY_WEEKDAY},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            series = services.schedule_series(
                actor=request.user,
                programme=data["programme"],
                title=data["title"],
                rule=form.rule(),
                first_start=data["first_start"],
                duration=timedelta(minutes=data["duration_minutes"]),
                host_point=data["host_point"],
                meeting_url=data["meeting_url"],
                selection=form.selection(),
                record_past=data["record_past"],
            )
        except ValidationError as error:
            add_service_errors(
                form,
                error,
                renamed={
                    "points": "add_points",
                    "rule": "frequency",
                    "duration": "duration_minutes",
                },
            )
        else:
            first = series.occurrences.order_by("starts_at").first()
            messages.success(
                request,
                _("The series is scheduled: %(count)s sessions.")
                % {"count": series.occurrences.count()},
            )
            return redirect("events:session_detail", pk=first.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/session_series_form.html", {"form": form}, status=status)


@organiser_required
@require_POST
def point_chair(request: HttpRequest, pk: int, participation_id: int) -> HttpResponse:
    """Name the chair of one point of the session."""
    session = selectors.get_session_for(request.user, pk)
    participation = (
        SessionPoint.objects.filter(session=session, pk=participation_id)
        .filter(scope_for(request.user).units_q("point__unit__"))
        .select_related("session", "point__unit", "chair")
        .first()
    )
    if participation is None:
        raise Http404
    form = ChairForm(request.POST, people=people_for(request.user).filter(is_active=True))
    if not form.is_valid():
        messages.error(request, _("Choose a person from the list."))
    else:
        try:
            services.set_point_chair(
                actor=request.user, participation=participation, chair=form.cleaned_data["chair"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                _("The chair of %(point)s has been saved.") % {"point": participation.point.name},
            )
    url = reverse("events:session_detail", args=[session.pk])
    province = id_or_none(request.POST.get("province"))
    page = id_or_none(request.POST.get("page"))
    query = "&".join(
        f"{name}={value}" for name, value in (("province", province), ("page", page)) if value
    )
    return redirect(f"{url}?{query}#points" if query else f"{url}#points")
