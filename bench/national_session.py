"""Creating the national session: one host point, 34 provinces and 3,321 communes.

national_session_seconds: schedule_session over every point; the baseline is a plain
bulk insert of the same 3,356 participation rows, so ratio = baseline / value (1 would
mean scheduling costs no more than writing the rows).
national_session_queries: queries to schedule 3,356 points; the baseline is the same
call for 9 points, so a ratio of 1 means the count does not grow with the points.
"""

import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import Figure
from directory.models import AdministrativeUnit, RoleAssignment
from directory.selectors import scope_for
from directory.services import seed_current_units
from events.models import BridgePoint, Session, SessionPoint
from events.services import PointSelection, UnitRule, schedule_session
from training.models import Programme

REPEATS = 5


def build_network() -> tuple[object, Programme, BridgePoint]:
    seed_current_units()
    units = AdministrativeUnit.objects.exclude(level=AdministrativeUnit.Level.NATION)
    BridgePoint.objects.bulk_create(
        BridgePoint(name=f"Điểm cầu {unit.name}", unit=unit, room="Hội trường") for unit in units
    )
    ha_noi = AdministrativeUnit.objects.get(level="province", code="01")
    host = BridgePoint.objects.create(name="Điểm cầu chính Bộ Nội vụ", unit=ha_noi, is_host=True)
    organiser = get_user_model().objects.create(username="bench-organiser")
    RoleAssignment.objects.create(user=organiser, role=RoleAssignment.Role.ORGANISER)
    programme = Programme.objects.create(
        title="Tập huấn CCHC toàn quốc",
        code="CCHC-BENCH",
        year=timezone.now().year,
        unit=AdministrativeUnit.objects.get(level="nation"),
        issuing_body="Bộ Nội vụ",
        created_by=organiser,
    )
    return organiser, programme, host


def schedule(organiser, programme, host, selection, day: int) -> tuple[Session, int, float]:
    starts = timezone.now().replace(microsecond=0) + timedelta(days=7 + day)
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        session = schedule_session(
            actor=organiser,
            programme=programme,
            title=f"Hội nghị tập huấn toàn quốc {day}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            host_point=host,
            selection=selection,
        ).session
        elapsed = time.perf_counter() - began
    return session, len(queries), elapsed


def bulk_insert_baseline(organiser, programme, host, day: int) -> float:
    starts = timezone.now() + timedelta(days=100 + day)
    session = Session.objects.create(
        programme=programme,
        title="baseline",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        host_point=host,
        created_by=organiser,
    )
    rows = [
        SessionPoint(session=session, point_id=pk, chair_id=chair)
        for pk, chair in BridgePoint.objects.values_list("pk", "default_chair_id")
    ]
    began = time.perf_counter()
    with transaction.atomic():
        SessionPoint.objects.bulk_create(rows)
    return time.perf_counter() - began


def run() -> list[Figure]:
    organiser, programme, host = build_network()
    scope_for(organiser)
    everywhere = PointSelection(rules=(UnitRule(),))
    nine = PointSelection(add=tuple(BridgePoint.objects.values_list("pk", flat=True)[:9]))
    seconds, baselines, counts = [], [], []
    for day in range(REPEATS):
        session, queries, elapsed = schedule(organiser, programme, host, everywhere, day)
        assert session.participations.count() == BridgePoint.objects.count() == 3356
        seconds.append(elapsed)
        counts.append(queries)
        baselines.append(bulk_insert_baseline(organiser, programme, host, day))
    _session, nine_queries, _elapsed = schedule(organiser, programme, host, nine, REPEATS + 1)
    value, baseline = statistics.median(seconds), statistics.median(baselines)
    return [
        Figure("national_session_seconds", value, "s", baseline, baseline / value),
        Figure(
            "national_session_queries",
            max(counts),
            "queries",
            nine_queries,
            nine_queries / max(counts),
        ),
    ]
