"""Sessions in scope: the list, a session's page at any scale, scheduling, moving,
changing points, cancelling and closing."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import add_service_errors
from common.params import id_or_none, page_of
from directory.access import organiser_required, staff_required
from directory.models import AdministrativeUnit
from directory.selectors import Scope, scope_for, units_for
from training.selectors import programmes_for

from .. import selectors, services
from ..forms import (
    CancelForm,
    PointsChangeForm,
    RescheduleForm,
    SessionFilterForm,
    SessionForm,
)
from ..models import Session, SessionChange, SessionPoint
from ..states import closes_itself_at, state_of

PAGE_SIZE = 30


def warn_conflicts(request: HttpRequest, scheduled: services.Scheduled) -> None:
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
    if change.details.get("automatic"):
        return _("closed by itself: nobody closed it within %(days)s days of its end") % {
            "days": settings.SESSION_AUTO_CLOSE_DAYS
        }
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


def _can_close(scope: Scope, session: Session) -> bool:
    """Held, or scheduled and started (the beat has not marked it held yet)."""
    return (
        scope.is_organiser
        and scope.covers_unit(session.host_point.unit)
        and (
            session.status == Session.Status.HELD
            or (session.status == Session.Status.SCHEDULED and timezone.now() >= session.starts_at)
        )
    )


def _closes_itself_at(session: Session) -> datetime | None:
    return closes_itself_at(
        status=session.status,
        ends_at=session.ends_at,
        close_warned_at=session.close_warned_at,
        now=timezone.now(),
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
            "can_set_chairs": scope.is_organiser and session.attendance_open,
        }
    else:
        context["location"] = selectors.attendee_location(request.user, session)
    context["can_close"] = _can_close(scope, session)
    if context["can_close"]:
        context["closes_itself_at"] = _closes_itself_at(session)
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
                **form.checkin_window(),
            )
        except ValidationError as error:
            add_service_errors(form, error, renamed={"points": "add_points"})
        else:
            messages.success(
                request,
                _("The session is scheduled at %(count)s bridge points.")
                % {"count": scheduled.session.participations.count()},
            )
            warn_conflicts(request, scheduled)
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
            warn_conflicts(request, scheduled)
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
        warn_conflicts(request, scheduled)
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


@organiser_required
@require_http_methods(["GET", "POST"])
def close_session(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a held session (or one that has started), once the organiser has read what
    closing does; a second closing is told who was first."""
    session = selectors.get_session_for(request.user, pk)
    if request.method == "POST":
        try:
            services.close_session(actor=request.user, session=session)
        except services.SessionAlreadyClosed as error:
            messages.warning(request, " ".join(error.messages))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The session is closed: its rosters and attendance are frozen."),
            )
        return redirect("events:session_detail", session.pk)
    if not _can_close(scope_for(request.user), session):
        if session.status == Session.Status.CLOSED:
            messages.info(request, state_of(session))
        else:
            messages.error(request, _("This session cannot be closed now."))
        return redirect("events:session_detail", session.pk)
    context = {
        "session": session,
        "closes_itself_at": _closes_itself_at(session),
        "point_count": session.participations.count(),
        "roster_count": session.roster.filter(removed_at=None).count(),
    }
    return render(request, "events/session_close.html", context)
