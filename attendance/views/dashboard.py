"""The live session dashboard page for organisers."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..api.dashboard import DashboardOut, dashboard_data
from ..selectors import dashboard as selectors
from ..window import window_notice


def _labels() -> dict[str, object]:
    """The words the page's script writes, translated here once."""
    return {
        "states": selectors.state_labels(),
        "silent": _("No check-ins yet"),
        "silent_one": _("%(count)s bridge point has no check-ins yet"),
        "silent_many": _("%(count)s bridge points have no check-ins yet"),
        "point": _("Bridge point"),
        "state": _("State"),
        "checked_in": _("Checked in"),
        "on_time_header": _("On time"),
        "late_header": _("Late"),
        "last_scan": _("Last scan"),
        "per_interval": _("Check-ins per 5 minutes"),
        "cumulative": _("Checked in so far"),
        "updated": _("Updated at"),
        "offline": _("Cannot reach the server; retrying."),
        "on_time": _("on time"),
        "late": _("late"),
        # A time with its day: "07:52 ngày 11/12".
        "moment": _("%(time)s on %(date)s"),
    }


@login_required
def session_dashboard(request: HttpRequest, session_id: int) -> HttpResponse:
    """Every bridge point of a session in the organiser's scope, live: the page draws the
    first figures from the same data the JSON API then refreshes."""
    session = selectors.get_dashboard_session(request.user, session_id)
    dashboard = selectors.dashboard_for(request.user, session)
    initial = DashboardOut.model_validate(dashboard_data(dashboard)).model_dump(mode="json")
    context = {
        "session": session,
        "dashboard": dashboard,
        "initial": initial,
        "labels": _labels(),
        "states": selectors.state_labels(),
        "state_totals": [
            (key, label, dashboard.totals.states[key])
            for key, label in selectors.state_labels().items()
        ],
        "window": window_notice(session, dashboard.now),
        "api_url": reverse("api:dashboard", args=[session.pk]),
        "time_zone": settings.TIME_ZONE,
        "poll_seconds": settings.DASHBOARD_POLL_SECONDS,
    }
    return render(request, "attendance/dashboard.html", context)
