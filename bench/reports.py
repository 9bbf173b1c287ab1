"""Reports over a national session: the coverage roll-up and the national roster export.

The data is one session, held yesterday, at all 3,356 bridge points (today's tree: 34
provinces and 3,321 communes, `bench.national_session.build_network`), with 300,000 people
on its rosters (`bench.data`: one specialised agency at each point's unit, so 34 at the
provinces and 3,321 at the communes, about 90 people each), every one of them checked in
between 20 minutes before the start and 10 minutes after it.

coverage_rollup_seconds: `reports.selectors.coverage` for the nation as a national
organiser sees it: the nation's own figure (ministries), then per level (34 provinces,
3,321 communes) whether a person of an agency located at the unit checked in, and the same
for each of the 34 provinces (the chart's rows). The run fails unless it finds 34/34 and
3,321/3,321. The baseline is the plainest honest scan of the same rows: `SELECT count(*)`
of the session's check-ins joined to their roster entries and people (the joins the
roll-up needs at the least, without the agencies, the units or any grouping); ratio =
baseline / value (1 would mean the roll-up costs no more than counting the check-ins).
Filters are resolved once beforehand; each side runs COVERAGE_REPEATS times, alternating,
after one warm-up each; figures use the median.

roster_export_seconds: the XLSX export of the session's national roster (300,000 rows:
point, province, agency, name, position, check-in time, status) by the export code the
worker runs (`build_report("roster", ...)` then `write_xlsx`, which reads the rows from the
database in chunks and writes them with openpyxl's write-only mode), into memory. The
baseline writes the same 300,000 rows, read into a Python list beforehand (untimed), with
openpyxl's write-only mode and nothing else (no title, no bold header, no widths); ratio =
baseline / value (1 would mean reading the rows from the database and shaping them cost
nothing beside writing the file). EXPORT_REPEATS rounds, alternating; the median.

report_points_seconds: the per-point report's first page (PAGE_SIZE points of 3,356, by
unit and name) for the session as the national organiser asks for it: `GET
/api/reports/points?session=...` through Django's test client, signed in (middleware,
filters, `reports.selectors.paged_points`, JSON). The run fails unless it finds 3,356 points
and every row on the page fully checked in on time. The baseline is coverage_rollup's:
`SELECT count(*)` of the session's 300,000 check-ins; ratio = baseline / value (above 1, the
page costs less than counting the check-ins once). POINTS_REPEATS rounds, alternating, after
one warm-up each; the median. For comparison only, the run also prints the page cut from
the whole report's grouped query instead (`Paginator(points(filters))`, the selector alone,
as the page was read before it aggregated only its own points), POINTS_BEFORE_REPEATS times.
"""

import io
import math
import statistics
import time
import warnings

from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from attendance.models import Attendance
from bench import Figure
from bench.data import POINTS, ROSTER_SIZE, check_everyone_in, national_session, settle, table
from directory.models import Person
from events.models import RosterEntry, Session
from reports.api.schemas import PAGE_SIZE
from reports.selectors import (
    build_report,
    coverage,
    points,
    resolve_filters,
    roster_rows,
    write_xlsx,
)

COVERAGE_REPEATS = 7
EXPORT_REPEATS = 3
POINTS_REPEATS = 9
POINTS_BEFORE_REPEATS = 3
AIM_ROLLUP_SECONDS = 1.0
AIM_POINTS_SECONDS = 0.5


def build_session() -> tuple[object, Session]:
    began = time.perf_counter()
    organiser, _programme, session = national_session(
        "Hội nghị tập huấn toàn quốc (báo cáo)", days_from_today=-1
    )
    check_everyone_in(session)
    settle()
    counts = (
        session.participations.count(),
        RosterEntry.objects.filter(session=session).count(),
        Attendance.objects.filter(session=session, checked_in_at__isnull=False).count(),
    )
    print(
        f"data: {counts[0]:,} points in the session, {counts[1]:,} people on its roster, "
        f"{counts[2]:,} checked in; built in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    if counts != (POINTS, ROSTER_SIZE, ROSTER_SIZE):
        raise RuntimeError(f"unexpected data: {counts}")
    return organiser, session


def count_check_ins(session: Session) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FROM {table(Attendance)} a
            JOIN {table(RosterEntry)} re ON re.id = a.entry_id
            JOIN {table(Person)} p ON p.id = re.person_id
            WHERE a.session_id = %s AND a.checked_in_at IS NOT NULL
            """,
            (session.pk,),
        )
        return cursor.fetchone()[0]


def timed(function: object) -> tuple[float, object]:
    began = time.perf_counter()
    result = function()
    return time.perf_counter() - began, result


def measure_rollup(filters: object, session: Session) -> tuple[float, float]:
    report = coverage(filters)  # warm-up
    count_check_ins(session)
    parts = [(p.level, p.own, p.took_part, p.total) for p in report.summary.parts]
    expected = [("nation", True, 0, 0), ("province", False, 34, 34), ("commune", False, 3321, 3321)]
    if parts != expected or len(report.children) != 34:
        raise RuntimeError(f"unexpected coverage: {parts}, {len(report.children)} provinces")
    if any(row.took_part != row.total for row in report.children):
        raise RuntimeError("a province is not fully covered")
    print(f"  coverage: {report.sentence}", flush=True)
    rollups, baselines = [], []
    for _round in range(COVERAGE_REPEATS):
        seconds, _report = timed(lambda: coverage(filters))
        rollups.append(seconds)
        seconds, counted = timed(lambda: count_check_ins(session))
        baselines.append(seconds)
        if counted != ROSTER_SIZE:
            raise RuntimeError(f"baseline counted {counted:,}")
    print(
        "  roll-up  " + " ".join(f"{s * 1000:.0f}" for s in rollups) + " ms; "
        "count(*) " + " ".join(f"{s * 1000:.0f}" for s in baselines) + " ms",
        flush=True,
    )
    return statistics.median(rollups), statistics.median(baselines)


def export_roster(filters: object) -> tuple[int, int]:
    output = io.BytesIO()
    written: list[int] = []
    write_xlsx(build_report("roster", filters), output, written.append)
    return written[-1], len(output.getvalue())


def write_plain(rows: list[list[object]]) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Roster")
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return len(output.getvalue())


def measure_export(filters: object) -> tuple[float, float]:
    rows = list(roster_rows(filters))
    if len(rows) != ROSTER_SIZE:
        raise RuntimeError(f"the roster has {len(rows):,} rows")
    exports, baselines = [], []
    for round_ in range(1, EXPORT_REPEATS + 1):
        seconds, (written, size) = timed(lambda: export_roster(filters))
        if written != ROSTER_SIZE:
            raise RuntimeError(f"the export wrote {written:,} rows")
        exports.append(seconds)
        baseline, plain_size = timed(lambda: write_plain(rows))
        baselines.append(baseline)
        print(
            f"  round {round_}: export {seconds:6.2f} s ({size / 2**20:.1f} MiB); "
            f"openpyxl alone {baseline:6.2f} s ({plain_size / 2**20:.1f} MiB)",
            flush=True,
        )
    return statistics.median(exports), statistics.median(baselines)


def points_first_page(client: Client, session: Session) -> dict:
    # The production settings redirect plain HTTP to HTTPS: ask as a browser behind TLS would.
    response = client.get(reverse("api:points_report"), {"session": session.pk}, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"the points report answered {response.status_code}")
    return response.json()


def check_points_page(body: dict) -> None:
    rows = body["results"]
    expected = (POINTS, 1, math.ceil(POINTS / PAGE_SIZE), PAGE_SIZE)
    if (body["count"], body["page"], body["pages"], len(rows)) != expected:
        raise RuntimeError(f"unexpected points page: {body['count']} points, {len(rows)} rows")
    figures = {
        (r["sessions"], r["invited"] == r["checked_in"] == r["on_time"], r["late"]) for r in rows
    }
    if figures != {(1, True, 0)} or sum(r["invited"] for r in rows) < PAGE_SIZE:
        raise RuntimeError(f"unexpected points figures: {figures}")
    print(
        f"  points: {body['count']:,} in {body['pages']} pages; the first page "
        f"{rows[0]['name']} .. {rows[-1]['name']}, {sum(r['invited'] for r in rows):,} invited",
        flush=True,
    )


def measure_points(organiser: object, filters: object, session: Session) -> tuple[float, float]:
    # WhiteNoise looks for collected files once, at the first request: none here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    client = Client(SERVER_NAME="localhost")
    client.force_login(organiser)
    check_points_page(points_first_page(client, session))  # warm-up
    count_check_ins(session)
    pages, baselines = [], []
    for _round in range(POINTS_REPEATS):
        seconds, _body = timed(lambda: points_first_page(client, session))
        pages.append(seconds)
        seconds, _counted = timed(lambda: count_check_ins(session))
        baselines.append(seconds)
    before = [
        timed(lambda: list(Paginator(points(filters), PAGE_SIZE).get_page(1)))[0]
        for _round in range(POINTS_BEFORE_REPEATS)
    ]
    print(
        "  first page " + " ".join(f"{s * 1000:.0f}" for s in pages) + " ms; "
        "count(*) " + " ".join(f"{s * 1000:.0f}" for s in baselines) + " ms; "
        "cut from the whole grouped query (selector only) "
        + " ".join(f"{s * 1000:.0f}" for s in before)
        + " ms",
        flush=True,
    )
    return statistics.median(pages), statistics.median(baselines)


def aim(label: str, seconds: float, limit: float) -> str:
    verdict = "met" if seconds < limit else "MISSED"
    return f"aim: {label} {seconds * 1000:.0f} ms (< {limit * 1000:.0f} ms) {verdict}"


def run() -> list[Figure]:
    organiser, session = build_session()
    filters = resolve_filters(organiser, {"session": session.pk})
    print(f"coverage roll-up, {COVERAGE_REPEATS} rounds:", flush=True)
    rollup, count = measure_rollup(filters, session)
    print(f"per-point report, first page, {POINTS_REPEATS} rounds:", flush=True)
    page, page_count = measure_points(organiser, filters, session)
    print(f"national roster export, {EXPORT_REPEATS} rounds:", flush=True)
    export, plain = measure_export(filters)
    print(aim("roll-up", rollup, AIM_ROLLUP_SECONDS), flush=True)
    print(aim("per-point first page", page, AIM_POINTS_SECONDS), flush=True)
    return [
        Figure("coverage_rollup_seconds", rollup, "s", count, count / rollup),
        Figure("report_points_seconds", page, "s", page_count, page_count / page),
        Figure("roster_export_seconds", export, "s", plain, plain / export),
    ]
