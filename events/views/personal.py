"""Calendars and the pages of one person: their sessions, their points."""

from datetime import date, datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.downloads import attachment
from directory.access import staff_required
from directory.models import Person
from directory.selectors import scope_for

from .. import selectors, services
from ..calendars import build_calendar
from ..models import BridgePoint, Session
from ..prompts import prompts_for

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
