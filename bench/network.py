"""Generating the national network: a point at each of today's 34 provinces and 3,321
communes through network.services.generate_points.

network_generate_seconds: both calls (provinces, then communes) on an empty network; the
baseline is a plain bulk_create of the same 3,355 rows, built beforehand, so ratio =
baseline / value (1 would mean the service costs no more than writing the rows).
network_generate_queries: statements for the whole country; the baseline is the same call
for the communes of the smallest province, so a ratio of 1 means the count does not grow
with the points.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from bench import Figure
from directory.models import AdministrativeUnit, RoleAssignment
from directory.selectors import scope_for
from directory.services import seed_current_units
from events.models import BridgePoint
from network.services.generate import generate_points, point_name

REPEATS = 5
Level = AdministrativeUnit.Level


def generate_country(organiser: object) -> tuple[float, int]:
    """Seconds and statements for provinces then communes, rolled back afterwards."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            provinces = generate_points(actor=organiser, within=None, level=Level.PROVINCE)
            communes = generate_points(actor=organiser, within=None, level=Level.COMMUNE)
            elapsed = time.perf_counter() - began
        assert (provinces.created, communes.created) == (34, 3321)
        transaction.set_rollback(True)
    return elapsed, len(queries)


def bulk_create_baseline(rows: list[tuple[int, str]]) -> float:
    points = [BridgePoint(name=point_name(name), unit_id=pk) for pk, name in rows]
    with transaction.atomic():
        began = time.perf_counter()
        BridgePoint.objects.bulk_create(points)
        elapsed = time.perf_counter() - began
        transaction.set_rollback(True)
    return elapsed


def smallest_province_queries(organiser: object) -> int:
    province = (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_until__isnull=True)
        .annotate(n=Count("children"))
        .order_by("n")
        .first()
    )
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            generate_points(actor=organiser, within=province, level=Level.COMMUNE)
        transaction.set_rollback(True)
    return len(queries)


def run() -> list[Figure]:
    seed_current_units()
    organiser = get_user_model().objects.create(username="bench-organiser")
    RoleAssignment.objects.create(user=organiser, role=RoleAssignment.Role.ORGANISER)
    scope_for(organiser)
    rows = list(
        AdministrativeUnit.objects.filter(
            level__in=[Level.PROVINCE, Level.COMMUNE], valid_until__isnull=True
        ).values_list("pk", "name")
    )
    assert len(rows) == 3355
    seconds, baselines, counts = [], [], []
    for _ in range(REPEATS):
        elapsed, queries = generate_country(organiser)
        seconds.append(elapsed)
        counts.append(queries)
        baselines.append(bulk_create_baseline(rows))
    small = smallest_province_queries(organiser)
    value, baseline = statistics.median(seconds), statistics.median(baselines)
    return [
        Figure("network_generate_seconds", value, "s", baseline, baseline / value),
        Figure(
            "network_generate_queries", max(counts), "queries", small * 2, small * 2 / max(counts)
        ),
    ]
