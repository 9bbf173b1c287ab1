"""The national rush as a whole: every scanner, screen and dashboard at once, on one box.

The national session's data (3,356 points, 300,000 people on the roster, a coordinator and
a paired scanner phone per point) is served by gunicorn on PostgreSQL with Redis, as in
production, and load-generating processes on the same machine play:
- 3,356 scanner phones. Each decides on the phone and syncs its queue in one POST at the
  pace the server gives 3,356 phones out (`attendance.selectors.pace.pace_for`, 68 s with
  the default SCANNER_SYNCS_PER_SECOND) when it holds scans, and every IDLE_SYNC_SECONDS (or
  that pace) when it holds none, for the roster's changes; its people arrive as a Poisson
  process whose national rate follows the arrival curve. Some batches are sent twice (an
  answer lost on a weak signal), and some people are scanned twice (a second door), as on
  the day.
- 3,356 display screens, each fetching its rotating codes ahead, with its point's counts,
  every SCREEN_CODES_SECONDS (it holds five minutes of them and asks with two to three
  left), as static/js/display/main.js does.
- 20 organisers polling the national dashboard every DASHBOARD_SECONDS.

Time compression: 300,000 people in 30 minutes peak at about 800 scans a second. The run
plays the peak itself in real time, RAMP_SECONDS rising to 800 scans/s, PEAK_SECONDS at it
and RAMP_SECONDS falling; the lighter rest of the half hour is not played. The figures are
measured over the PEAK_SECONDS at 800 scans/s. CPU is the serving side's only, read from
/proc: gunicorn, the PostgreSQL backends of the bench database and Redis; the clients'
CPU is reported apart and kept out of the figures.

rush_cpu_cores: cores the serving side uses during the peak; the baseline is the aim (1.0),
ratio = aim / value.
rush_sync_p99_ms: 99th percentile latency of a sync during the peak, counted from the
moment it was due; baseline the aim (200 ms), ratio = aim / value.
rush_cpu_ms_per_scan: serving-side CPU during the peak per scan synced; the baseline is the
CPU per request of the bare JSON view (/api/health) in the same run, ratio = baseline / value.
rush_scans_per_second: scans synced per second during the peak; baseline the aim (800).
rush_lost, rush_duplicated: scans accepted by the server but missing from the database, and
people checked in (or scans recorded) more than once, checked against the database after
the run; baseline 0, ratio 1 when 0.
"""

import hashlib
import json
import math
import multiprocessing
import os
import queue
import random
import resource
import secrets
import statistics
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.db import connection, connections
from django.test.utils import override_settings
from django.utils import timezone

from attendance.models import Attendance, ScanAttempt, ScannerDevice
from attendance.selectors.pace import pace_for
from attendance.tickets import ticket_for
from bench import Figure
from bench.checkin import (
    BACKEND,
    SAMPLE_SECONDS,
    Coordinator,
    CpuMeter,
    Data,
    Http,
    build_data,
    forget_sessions,
    gunicorn,
    load,
    machine_note,
)
from bench.data import execute, table
from directory.models import RoleAssignment
from events.models import SessionPoint

PEAK_SCANS_PER_SECOND = 800
RAMP_SECONDS = 20.0
PEAK_SECONDS = 120.0
IDLE_SYNC_SECONDS = 60.0
SCREEN_CODES_SECONDS = 150.0
DASHBOARD_SECONDS = 10.0
ORGANISERS = 20
# Share of batches sent a second time, and of people scanned a second time.
RESENT_SHARE = 0.02
SECOND_SCAN_SHARE = 0.02
SCANNER_PROCESSES = 48
SCREEN_PROCESSES = 8
HEALTH_SECONDS = 8.0
AIM_CORES, AIM_P99_MS = 1.0, 200.0


@dataclass
class Device:
    participation_id: int
    token: str


@dataclass
class Request:
    due: float  # seconds from the start
    kind: str  # sync, codes, dashboard
    data: bytes | None = None  # fixed requests
    # A sync: its scans (id, ticket, seconds from the start) and the device's token.
    scans: list[tuple[str, str, float]] = field(default_factory=list)
    token: str = ""
    resend: bool = False


@dataclass
class Result:
    kind: str
    due: float
    latency: float
    status: int
    scans: int = 0
    accepted: list[int] = field(default_factory=list)  # entry ids answered checked_in
    verdicts: dict[str, int] = field(default_factory=dict)
    scan_ids: list[str] = field(default_factory=list)


# -- Data ------------------------------------------------------------------------------------


def pair_devices(session_id: int) -> dict[int, Device]:
    """A paired phone per point, its pairer the point's coordinator: bulk, as pairing each
    by hand would take the bench an hour."""
    users = dict(
        get_user_model()
        .objects.filter(username__startswith="dieu-phoi-")
        .values_list("username", "pk")
    )
    now = timezone.now()
    secrets_by_point = {}
    devices = []
    for participation_id in SessionPoint.objects.filter(session_id=session_id).values_list(
        "pk", flat=True
    ):
        secret = secrets.token_urlsafe(32)
        secrets_by_point[participation_id] = secret
        devices.append(
            ScannerDevice(
                participation_id=participation_id,
                name=f"Điện thoại {participation_id}",
                paired_by_id=users[f"dieu-phoi-{participation_id}"],
                paired_at=now,
                token_hash=hashlib.sha256(secret.encode()).hexdigest(),
            )
        )
    ScannerDevice.objects.bulk_create(devices, batch_size=2000)
    return {
        device.participation_id: Device(
            device.participation_id,
            f"DCD.{device.pk}.{secrets_by_point[device.participation_id]}",
        )
        for device in devices
    }


def sign_in_organisers() -> list[Coordinator]:
    """ORGANISERS national organisers, signed in as cached_db keeps sessions."""
    signed_in = []
    for index in range(ORGANISERS):
        user = get_user_model().objects.create(username=f"to-chuc-{index}", is_staff=True)
        RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.ORGANISER)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        signed_in.append(Coordinator(store.session_key, ""))
    return signed_in


# -- The day's plan --------------------------------------------------------------------------


def national_rate(t: float) -> float:
    """Scans a second across the country `t` seconds into the run."""
    if t < RAMP_SECONDS:
        return PEAK_SCANS_PER_SECOND * t / RAMP_SECONDS
    if t < RAMP_SECONDS + PEAK_SECONDS:
        return PEAK_SCANS_PER_SECOND
    return max(0.0, PEAK_SCANS_PER_SECOND * (1 - (t - RAMP_SECONDS - PEAK_SECONDS) / RAMP_SECONDS))


def total_seconds() -> float:
    return 2 * RAMP_SECONDS + PEAK_SECONDS


def arrivals(rng: random.Random, points: int) -> list[float]:
    """One point's arrival times: a Poisson process at its share of the national rate,
    by thinning."""
    peak = PEAK_SCANS_PER_SECOND / points
    times, t, end = [], 0.0, total_seconds()
    while True:
        t += rng.expovariate(peak)
        if t >= end:
            return times
        if rng.random() * PEAK_SCANS_PER_SECOND <= national_rate(t):
            times.append(t)


def scan_of(entry_id: int, version: int, at: float) -> tuple[str, str, float]:
    """A scan as the phone queues it: its id, the ticket's text and when it was made."""
    return str(uuid.uuid4()), ticket_for(entry_id, version), at


def scan_text(scan: tuple[str, str, float], origin: float) -> str:
    scanned = datetime.fromtimestamp(origin + scan[2], tz=UTC)
    return (
        f'{{"scan_id": "{scan[0]}", "scanned_at": "{scanned.isoformat()}", "payload": "{scan[1]}"}}'
    )


def scanner_plan(
    rng: random.Random,
    device: Device,
    people: list[tuple[int, int]],
    points: int,
) -> list[Request]:
    """One phone's syncs over the run."""
    times = arrivals(rng, points)
    if len(times) > len(people):
        raise RuntimeError("a point ran out of people: the curve asks for more than its roster")
    scans = []
    for (entry_id, version), at in zip(people, times, strict=False):
        scans.append((at, scan_of(entry_id, version, at)))
        if rng.random() < SECOND_SCAN_SHARE:
            again = at + rng.uniform(1, 30)
            scans.append((again, scan_of(entry_id, version, again)))
    scans.sort()
    plan, queue, index = [], [], 0
    # The pace the server gives when every point's phone is out.
    every = float(pace_for(points))
    idle = max(IDLE_SYNC_SECONDS, every)
    t = rng.uniform(0, every)
    last = -idle
    end = total_seconds()
    while t < end:
        while index < len(scans) and scans[index][0] <= t:
            queue.append(scans[index][1])
            index += 1
        if queue or t - last >= idle:
            plan.append(Request(t, "sync", scans=queue, token=device.token))
            if queue and rng.random() < RESENT_SHARE:
                plan.append(Request(t + 0.5, "sync", scans=queue, token=device.token, resend=True))
            queue, last = [], t
        t += every
    return plan


def get(path: str, cookie: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}\r\n\r\n"
    ).encode()


def screen_plan(rng: random.Random, participation_id: int, cookie: str) -> list[Request]:
    codes = get(f"/api/attendance/points/{participation_id}/display-code", cookie)
    t, plan = rng.uniform(0, SCREEN_CODES_SECONDS), []
    while t < total_seconds():
        plan.append(Request(t, "codes", data=codes))
        t += SCREEN_CODES_SECONDS
    return plan


def dashboard_plan(rng: random.Random, session_id: int, cookie: str) -> list[Request]:
    data = get(f"/api/dashboard/sessions/{session_id}", cookie)
    t, plan = rng.uniform(0, DASHBOARD_SECONDS), []
    while t < total_seconds():
        plan.append(Request(t, "dashboard", data=data))
        t += DASHBOARD_SECONDS
    return plan


# -- Clients ---------------------------------------------------------------------------------


def sync_request(port: int, request: Request, origin: float, since: str) -> bytes:
    sent_at = timezone.now().isoformat()
    scans = ", ".join(scan_text(scan, origin) for scan in request.scans)
    body = f'{{"sent_at": "{sent_at}", "roster_since": "{since}", "scans": [{scans}]}}'.encode()
    head = (
        f"POST /api/attendance/devices/sync HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Authorization: Bearer {request.token}\r\n\r\n"
    )
    return head.encode() + body


def play(
    port: int, start: float, origin: float, plan: list[Request], results: multiprocessing.Queue
) -> None:
    """One client process: its requests in order of their due time, each sent when due or
    as soon as the one before is answered; latency counts from when it was due. Each phone
    downloaded its roster before the rush, and then asks only for what changed since."""
    http, done = Http(port), []
    downloaded = datetime.fromtimestamp(origin, tz=UTC).isoformat()
    cursors: dict[str, str] = {}
    for request in sorted(plan, key=lambda r: r.due):
        due = start + request.due
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        if request.kind == "sync":
            since = cursors.get(request.token, downloaded)
            data = sync_request(port, request, origin, since)
        else:
            data = request.data
        try:
            status, body = http.request(data)
        except OSError:
            status, body = 0, b""
        result = Result(request.kind, request.due, time.perf_counter() - due, status)
        if request.kind == "sync":
            result.scans = len(request.scans)
            result.scan_ids = [scan[0] for scan in request.scans]
            if status == 200:
                answer = json.loads(body)
                cursors[request.token] = answer["roster"]["cursor"]
                for verdict in answer["verdicts"]:
                    code = verdict["code"]
                    result.verdicts[code] = result.verdicts.get(code, 0) + 1
                    if code == "checked_in" and not verdict["repeated"]:
                        result.accepted.append(verdict["entry_id"])
        done.append(result)
    http.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.put((done, usage.ru_utime + usage.ru_stime))


# -- The benchmark ---------------------------------------------------------------------------


def run() -> list[Figure]:
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    with override_settings(CACHES=redis, ALLOWED_HOSTS=["127.0.0.1"]):
        cache.get("bench-rush")
        data = build_data()
        try:
            return measure(data, redis_url)
        finally:
            forget_sessions(data)


def measure(data: Data, redis_url: str) -> list[Figure]:
    session_id = SessionPoint.objects.values_list("session_id", flat=True).first()
    devices = pair_devices(session_id)
    organisers = sign_in_organisers()
    execute("ANALYZE")
    people: dict[int, list[tuple[int, int]]] = {}
    for entry_id, participation_id, version in data.scans:
        people.setdefault(participation_id, []).append((entry_id, version))
    points = len(devices)
    print(machine_note(), flush=True)
    with gunicorn(redis_url) as server:
        health = load("health (bare view)", server, data=None, seconds=HEALTH_SECONDS)
        rng = random.Random(18)
        scanner_plans: list[list[Request]] = [[] for _ in range(SCANNER_PROCESSES)]
        for index, (participation_id, device) in enumerate(sorted(devices.items())):
            scanner_plans[index % SCANNER_PROCESSES] += scanner_plan(
                rng, device, people[participation_id], points
            )
        screen_plans: list[list[Request]] = [[] for _ in range(SCREEN_PROCESSES)]
        for index, participation_id in enumerate(sorted(devices)):
            cookie = data.coordinators[participation_id].session_key
            screen_plans[index % SCREEN_PROCESSES] += screen_plan(rng, participation_id, cookie)
        dashboards = []
        for organiser in organisers:
            dashboards += dashboard_plan(rng, session_id, organiser.session_key)
        plans = [*scanner_plans, *screen_plans, dashboards]
        syncs = sum(len(plan) for plan in scanner_plans)
        print(
            f"plan: {syncs:,} syncs from {points:,} phones, "
            f"{sum(len(p) for p in screen_plans):,} screen requests, "
            f"{len(dashboards)} dashboard requests over {total_seconds():.0f} s",
            flush=True,
        )
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        connections.close_all()
        # The same moment on the wall clock (the phones' scan times) and the bench's.
        origin, start = time.time() + 3.0, time.perf_counter() + 3.0
        processes = [
            context.Process(target=play, args=(server.port, start, origin, plan, results))
            for plan in plans
        ]
        for process in processes:
            process.start()
        whole = CpuMeter(server)
        whole.run_until(start + RAMP_SECONDS)
        meter = CpuMeter(server)
        meter.run_until(start + RAMP_SECONDS + PEAK_SECONDS)
        done, client_cpu = [], 0.0
        while len(done) < len(processes):
            try:
                done.append(results.get(timeout=SAMPLE_SECONDS))
            except queue.Empty:
                whole.sample()
        whole.sample()
        finished = time.perf_counter() - start
        for process in processes:
            process.join(timeout=10)
    answered = [result for batch, _cpu in done for result in batch]
    client_cpu = sum(cpu for _batch, cpu in done)
    print(
        f"the last answer came {finished - total_seconds():.1f} s after the plan's end",
        flush=True,
    )
    return figures(health, meter, whole, answered, client_cpu, session_id)


def figures(health, meter, whole, done, client_cpu, session_id) -> list[Figure]:
    peak_from, peak_to = RAMP_SECONDS, RAMP_SECONDS + PEAK_SECONDS
    at_peak = [r for r in done if peak_from <= r.due < peak_to]
    syncs = [r for r in at_peak if r.kind == "sync"]
    failed = [r for r in done if r.status != 200]
    scans = sum(r.scans for r in syncs)
    served = meter.spent("app") + meter.spent("database") + meter.spent("cache")
    cores = served / PEAK_SECONDS
    latencies = sorted(1000 * r.latency for r in syncs)
    p99 = latencies[min(len(latencies) - 1, math.ceil(0.99 * len(latencies)) - 1)]
    p50 = statistics.median(latencies)
    # Per scan: everything the serving side did over the whole run (screens and dashboards
    # included), over every scan synced in it.
    all_scans = sum(r.scans for r in done if r.kind == "sync" and r.status == 200)
    whole_cpu = whole.spent("app") + whole.spent("database") + whole.spent("cache")
    per_scan = 1000 * whole_cpu / max(1, all_scans)
    for kind in ("sync", "codes", "dashboard"):
        of_kind = sorted(1000 * r.latency for r in at_peak if r.kind == kind)
        if of_kind:
            print(
                f"  {kind:10} {len(of_kind) / PEAK_SECONDS:7.1f} req/s  "
                f"p50 {statistics.median(of_kind):7.1f} ms  "
                f"p99 {of_kind[min(len(of_kind) - 1, math.ceil(0.99 * len(of_kind)) - 1)]:8.1f} ms",
                flush=True,
            )
    ours = served + client_cpu * PEAK_SECONDS / total_seconds()
    outside = max(0.0, meter.busy - ours / max(meter.cores_seconds, 1e-9))
    verdicts: dict[str, int] = {}
    for r in done:
        for code, n in r.verdicts.items():
            verdicts[code] = verdicts.get(code, 0) + n
    print(
        f"peak: {scans / PEAK_SECONDS:.0f} scans/s in {len(syncs) / PEAK_SECONDS:.0f} syncs/s; "
        f"serving side {cores:.2f} cores (app {meter.spent('app') / PEAK_SECONDS:.2f}, "
        f"db {meter.spent('database') / PEAK_SECONDS:.2f}, "
        f"redis {meter.spent('cache') / PEAK_SECONDS:.2f}); clients "
        f"{client_cpu / total_seconds():.2f} cores over the run; machine busy "
        f"{100 * meter.busy:.0f}%, of which outside the bench about "
        f"{100 * outside:.0f}%; "
        f"verdicts {verdicts}; failed requests {len(failed)}",
        flush=True,
    )
    for r in failed[:3]:
        print(f"    failed: {r.kind} status {r.status}", flush=True)
    lost, duplicated = check_database(done, session_id)
    print(f"checked against the database: lost {lost}, duplicated {duplicated}", flush=True)
    bare = health.cpu_ms
    return [
        Figure("rush_cpu_cores", cores, "cores", AIM_CORES, AIM_CORES / cores),
        Figure("rush_sync_p99_ms", p99, "ms", AIM_P99_MS, AIM_P99_MS / p99),
        Figure("rush_sync_p50_ms", p50, "ms", AIM_P99_MS, AIM_P99_MS / p50),
        Figure("rush_cpu_ms_per_scan", per_scan, "ms", bare, bare / per_scan),
        Figure(
            "rush_scans_per_second",
            scans / PEAK_SECONDS,
            "scans/s",
            PEAK_SCANS_PER_SECOND,
            scans / PEAK_SECONDS / PEAK_SCANS_PER_SECOND,
        ),
        Figure("rush_lost", lost, "scans", 0, 1.0 if lost == 0 else 0.0),
        Figure("rush_duplicated", duplicated, "scans", 0, 1.0 if duplicated == 0 else 0.0),
    ]


def check_database(done: list[Result], session_id: int) -> tuple[int, int]:
    """Scans sent and answered whose attempt is missing, and people the server accepted
    whose arrival is missing: lost. Arrivals or accepted attempts beyond one per person:
    duplicated."""
    answered = {sid for r in done if r.kind == "sync" and r.status == 200 for sid in r.scan_ids}
    accepted = {entry for r in done for entry in r.accepted}
    recorded = set(
        str(sid)
        for sid in ScanAttempt.objects.filter(scanner__isnull=False).values_list(
            "scan_id", flat=True
        )
    )
    arrived = set(
        Attendance.objects.filter(session_id=session_id, checked_in_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    lost = len(answered - recorded) + len(accepted - arrived)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COALESCE(SUM(n - 1), 0) FROM (
                SELECT entry_id, COUNT(*) AS n FROM {table(ScanAttempt)}
                WHERE scanner_id IS NOT NULL AND reason = 'checked_in'
                GROUP BY entry_id HAVING COUNT(*) > 1
            ) twice
            """
        )
        twice = int(cursor.fetchone()[0])
    duplicated = twice + (len(arrived) - len(accepted) if len(arrived) > len(accepted) else 0)
    return lost, duplicated
