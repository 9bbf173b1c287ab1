"""The live dashboard of the national session: 3,356 points, 300,000 people on the rosters,
two thirds of them checked in, some points still silent.

dashboard_seconds: the dashboard's data (states, counts, groups, timeline) and its JSON,
as the page's poll asks for it every 15 seconds; the baseline is the session page's own live
counts (checked in over on roster per point) on the same rows, so ratio = baseline / value.
dashboard_queries: queries for the national session; the baseline is the same for 9 points,
so a ratio of 1 means the count does not grow with the points.
"""

import statistics
import time
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.api.dashboard import DashboardOut, dashboard_data
from attendance.models import Attendance
from attendance.selectors import live_counts
from attendance.selectors.dashboard import session_dashboard
from bench import Figure
from bench.data import add_people, add_roster, execute, table
from bench.national_session import build_network, schedule
from events.models import BridgePoint, RosterEntry
from events.services import PointSelection, UnitRule

REPEATS = 5


def check_in(session) -> None:
    """Two people in three arrive between 40 minutes before the start and 30 after; every
    50th point has nobody yet."""
    execute(
        f"""
        INSERT INTO {table(Attendance)} (entry_id, session_id, participation_id, checked_in_at,
                                          check_in_method, updated_at)
        SELECT id, session_id, participation_id,
               %s::timestamptz + (id %% 4200) * interval '1 second', 'scan', now()
        FROM {table(RosterEntry)}
        WHERE session_id = %s AND id %% 3 <> 0 AND participation_id %% 50 <> 0
        """,
        (session.starts_at - timedelta(minutes=40), session.pk),
    )
    execute("ANALYZE")


def dashboard_json(session, now) -> dict:
    dashboard = session_dashboard(
        session, session.participations.all(), now=now, whole_session=True
    )
    return DashboardOut.model_validate(dashboard_data(dashboard)).model_dump(mode="json")


def timed(function) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def run() -> list[Figure]:
    organiser, programme, host = build_network()
    session, _queries, _elapsed = schedule(
        organiser, programme, host, PointSelection(rules=(UnitRule(),)), 0
    )
    points = session.participations.count()
    add_people(session.pk, points)
    add_roster(session.pk)
    check_in(session)
    now = session.starts_at + timedelta(minutes=20)
    nine = PointSelection(add=tuple(BridgePoint.objects.values_list("pk", flat=True)[:9]))
    small, _queries, _elapsed = schedule(organiser, programme, host, nine, 1)

    data = dashboard_json(session, now)
    assert data["totals"]["points"] == points == 3356
    assert data["totals"]["invited"] == 300_000
    seconds = [timed(lambda: dashboard_json(session, now)) for _ in range(REPEATS)]
    baselines = [timed(lambda: live_counts(session)) for _ in range(REPEATS)]
    with CaptureQueriesContext(connection) as national:
        dashboard_json(session, now)
    with CaptureQueriesContext(connection) as few:
        dashboard_json(small, now)
    print(
        f"   {data['totals']['checked_in']:,} checked in, {data['totals']['silent']} silent "
        f"points, {len(data['groups'])} groups, {len(data['timeline'])} buckets",
        flush=True,
    )
    value, baseline = statistics.median(seconds), statistics.median(baselines)
    return [
        Figure("dashboard_seconds", value, "s", baseline, baseline / value),
        Figure(
            "dashboard_queries",
            len(national),
            "queries",
            len(few),
            len(few) / len(national),
        ),
    ]
