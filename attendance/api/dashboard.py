"""The live session dashboard for organisers. Over JSON, in the caller's scope."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page
from ninja import Router, Schema
from ninja.decorators import decorate_view
from ninja.renderers import JSONRenderer

from ..selectors import dashboard as selectors

router = Router(tags=["dashboards"])


class TotalsOut(Schema):
    points: int
    invited: int
    checked_in: int
    on_time: int
    late: int
    percent: int
    silent: int
    last_scan: datetime | None
    states: dict[str, int]


class DashboardPointOut(Schema):
    participation_id: int
    point_id: int
    name: str
    unit: str
    invited: int
    checked_in: int
    on_time: int
    late: int
    percent: int
    last_scan: datetime | None
    state: str
    silent: bool


class GroupOut(Schema):
    key: str
    name: str
    totals: TotalsOut
    points: list[DashboardPointOut]


class BucketOut(Schema):
    starts_at: datetime
    count: int
    cumulative: int


class DashboardOut(Schema):
    session_id: int
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    now: datetime
    silent_from: datetime
    is_over: bool
    totals: TotalsOut
    groups: list[GroupOut]
    timeline: list[BucketOut]


def dashboard_data(dashboard: selectors.Dashboard) -> dict:
    session = dashboard.session
    return {
        "session_id": session.pk,
        "title": session.title,
        "status": session.status,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "now": dashboard.now,
        "silent_from": dashboard.silent_from,
        "is_over": dashboard.is_over,
        "totals": dashboard.totals,
        "groups": dashboard.groups,
        "timeline": dashboard.timeline,
    }


# The national session's answer is about 850 KB of JSON, polled every 15 seconds by every
# organiser watching; it shrinks tenfold. It carries no secret, so compression leaks none.
@router.get("/sessions/{session_id}", response=DashboardOut, url_name="dashboard")
@decorate_view(gzip_page)
def session_dashboard(request: HttpRequest, session_id: int) -> HttpResponse:
    """Every bridge point of the session in the caller's scope: state (not_started,
    checking_in, done), invited, checked in, on time, late, last scan, and whether it is
    still silent ten minutes before the start; grouped by province, with check-ins per
    five minutes. Organisers only (403); a session outside their scope answers 404."""
    session = selectors.get_dashboard_session(request.user, session_id)

    def render(dashboard: selectors.Dashboard) -> bytes:
        data = DashboardOut.model_validate(dashboard_data(dashboard)).model_dump()
        return JSONRenderer().render(request, data, response_status=200).encode()

    body = selectors.shared_answer(request.user, session, render)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
