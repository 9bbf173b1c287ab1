from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from . import selectors
from .calendars import build_calendar

ICS_TYPE = "text/calendar; charset=utf-8"


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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
