"""Editing a scheduled session, its series and its points' chairs."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import add_service_errors
from common.params import id_or_none
from directory.access import organiser_required
from directory.selectors import people_for, scope_for, units_for
from training.selectors import programmes_for

from .. import selectors, services
from ..forms import (
    ChairForm,
    OccurrenceEditForm,
    SeriesForm,
    SessionEditForm,
)
from ..forms.editing import moved
from ..models import Session, SessionPoint
from .sessions import warn_conflicts


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
                warn_conflicts(request, scheduled)
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
                    starts_at=moved(form, "starts_at"),
                    ends_at=moved(form, "ends_at"),
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
