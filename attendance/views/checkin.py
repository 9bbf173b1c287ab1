"""Pages for checking in: the coordinator's scanner, the point's screen, the attendee's
own check-in, invitation and badge sheet."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from directory.access import staff_required
from events.selectors import attendee_location, get_session_for

from .. import badges, selectors, services
from ..qr import qr_svg
from ..tickets import ticket_for
from ..window import window_notice, window_texts


@staff_required
def scanner(request: HttpRequest, participation_id: int) -> HttpResponse:
    """The coordinator's phone page: camera, feedback, queue, search, walk-ins."""
    participation = selectors.kept_participation(request.user, participation_id)
    now = timezone.now()
    context = {
        "participation": participation,
        "session": participation.session,
        "point": participation.point,
        "counts": selectors.point_counts(participation),
        "now": now,
        "window": window_notice(participation.session, now),
        "window_texts": window_texts(participation.session),
        "skew_limit": settings.CHECKIN_CLOCK_SKEW_SECONDS,
    }
    return render(request, "attendance/scanner.html", context)


@staff_required
def display(request: HttpRequest, participation_id: int) -> HttpResponse:
    """The point's big screen: a self check-in code that changes every 30 seconds, or,
    outside the check-in window, when check-in opens or that it has closed."""
    participation = selectors.kept_participation(request.user, participation_id)
    context = {
        "participation": participation,
        "session": participation.session,
        "window": window_notice(participation.session),
    }
    return render(request, "attendance/display.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def self_check_in(request: HttpRequest, code: str) -> HttpResponse:
    """Opened from the code on the point's screen. GET asks, POST checks in: a link
    preview or a browser prefetch must not check anyone in."""
    result = None
    if request.method == "POST":
        result = services.self_check_in(user=request.user, payload=code)
    status = result.http_status if result is not None else 200
    # Before the window opens, or after it closed, the page says so rather than offer a
    # button that can only be refused.
    session = selectors.session_of_point_code(code) if result is None else None
    window = window_notice(session) if session is not None else None
    context = {"code": code, "result": result, "window": window}
    return render(request, "attendance/self_check_in.html", context, status=status)


@login_required
def invitation(request: HttpRequest, session_id: int) -> HttpResponse:
    """The attendee's own page for a session: where, when, agenda, materials, their QR."""
    entry = selectors.get_invitation(request.user, session_id)
    session = get_session_for(request.user, session_id)
    ticket = ticket_for(entry.pk, entry.ticket_version)
    context = {
        "entry": entry,
        "session": session,
        "point": attendee_location(request.user, session),
        "agenda": session.agenda_items.all(),
        "materials": session.programme.materials.all(),
        "qr": qr_svg(ticket),
        "attendance": getattr(entry, "attendance", None),
    }
    return render(request, "attendance/invitation.html", context)


@staff_required
def badge_sheet(request: HttpRequest, participation_id: int) -> HttpResponse:
    """A printable A4 sheet of badges with QR codes, for people without a phone."""
    participation = selectors.kept_participation(request.user, participation_id)
    entries = list(selectors.roster(participation))
    pdf = badges.badge_sheet(participation, entries)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="the-dai-bieu-{participation.session_id}-{participation.point_id}.pdf"'
    )
    return response
