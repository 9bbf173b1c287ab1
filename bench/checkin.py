"""The morning rush: 300,000 delegates checked in by QR code at 3,356 bridge points.

A load benchmark, not a timed test: the app runs under gunicorn on PostgreSQL with Redis,
as in production, and client processes hit it over HTTP. The trivial JSON view
(/api/health) served by the same server in the same run is the baseline.

checkin_rps: check-ins per second at saturation (closed loop); the baseline is the trivial
view at the same concurrency, ratio = check-in / trivial view.
checkin_rps_ratio: that ratio again as a figure of its own; the baseline is the aim (0.5),
so a ratio of 1 or more meets it.
checkin_load_rps: the open-loop rate the latencies are measured at: 80% of checkin_rps.
checkin_p50_ms, checkin_p99_ms: latency of a check-in at that rate, from the moment it was
due to be sent (so queueing counts); the baseline is the trivial view at the same rate,
ratio = baseline / value.
checkin_queries_per_scan: SQL queries of one full check-in request, session and user
included; the baseline is the aim (5), ratio = aim / value.
"""

import json
import math
import multiprocessing
import os
import platform
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django.utils.crypto import get_random_string

from attendance.models import Attendance, ScanAttempt
from attendance.tickets import ticket_for
from bench import Figure
from bench.national_session import build_network
from directory.models import Agency, Person, RoleAssignment
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.services.points import insert_participations

ROSTER_SIZE = 300_000
# Client connections, the same for the trivial view and for check-ins.
CONCURRENCY = 16
# gunicorn as in the Dockerfile: sync workers, here 2 per core.
GUNICORN_WORKERS = 4
GUNICORN_ARGS = ["--worker-class", "sync", "--workers", str(GUNICORN_WORKERS)]
# Peak throughput: alternating rounds of trivial view and check-in, each warmed up first.
PEAK_ROUNDS = 2
WARM_UP_SECONDS = 2.0
PEAK_SECONDS = 8.0
# Latency: open loop (Poisson arrivals) at this share of the check-in peak.
LOAD_SHARE = 0.8
LATENCY_SECONDS = 20.0
BASELINE_LATENCY_SECONDS = 10.0
AIM_RATIO, AIM_P99_MS, AIM_QUERIES = 0.5, 100.0, 5
QUERY_SCANS = 5
BACKEND = "django.contrib.auth.backends.ModelBackend"
ROOT = Path(__file__).resolve().parent.parent


# -- Data ------------------------------------------------------------------------------------


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _execute(sql: str, params: tuple = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@dataclass
class Coordinator:
    participation_id: int
    session_key: str = ""
    csrf: str = ""


@dataclass
class Data:
    session: Session
    coordinators: dict[int, Coordinator]
    # (entry id, participation id, ticket version), round robin over the points.
    scans: list[tuple[int, int, int]]
    used: int = 0

    def take(self, count: int) -> list[tuple[int, int, int]]:
        if self.used + count > len(self.scans):
            raise RuntimeError("The benchmark ran out of people who have not checked in yet.")
        taken = self.scans[self.used : self.used + count]
        self.used += count
        return taken


def build_data() -> Data:
    """One session starting soon at every bridge point, 300,000 people on its roster and a
    coordinator signed in at each point; bulk statements only."""
    steps: list[tuple[str, float]] = []
    began = time.perf_counter()

    def step(name: str) -> None:
        steps.append((name, time.perf_counter()))

    organiser, programme, host = build_network()
    step("units and points")
    starts = timezone.now().replace(microsecond=0) + timedelta(minutes=20)
    session = Session.objects.create(
        programme=programme,
        title="Hội nghị tập huấn toàn quốc (điểm danh)",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        host_point=host,
        created_by=organiser,
    )
    points = insert_participations(session_id=session.pk, points=BridgePoint.objects.all())
    participations = (
        f"SELECT id, row_number() OVER (ORDER BY id) AS k FROM {_table(SessionPoint)} "
        "WHERE session_id = %s"
    )
    _execute(
        f"""
        INSERT INTO {_table(Agency)} (name, code, kind, unit_id, email, created_at, updated_at)
        SELECT 'Cơ quan dự họp tại ' || bp.name, 'bench', 'specialised', bp.unit_id, '',
               now(), now()
        FROM {_table(SessionPoint)} sp JOIN {_table(BridgePoint)} bp ON bp.id = sp.point_id
        WHERE sp.session_id = %s ORDER BY sp.id
        """,
        (session.pk,),
    )
    _execute(
        f"""
        INSERT INTO {_table(Person)} (full_name, sort_name, position, agency_id, email, phone,
                                      language, is_active, created_at, updated_at)
        SELECT 'Đại biểu số ' || g, '', 'Chuyên viên', a.id,
               'dai-bieu-' || g || '@bench.diemcau.vn', '', 'vi', true, now(), now()
        FROM generate_series(0, %s - 1) g
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM {_table(Agency)}
              WHERE code = 'bench') a ON a.k = g %% %s + 1
        ORDER BY g
        """,
        (ROSTER_SIZE, points),
    )
    step("people")
    _execute(
        f"""
        INSERT INTO {_table(RosterEntry)} (session_id, participation_id, person_id, source,
                                           ticket_version, added_at, removal_reason)
        SELECT %s, sp.id, p.id, 'agency', 1, now(), ''
        FROM {_table(Person)} p
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM {_table(Agency)}
              WHERE code = 'bench') a ON a.id = p.agency_id
        JOIN ({participations}) sp ON sp.k = a.k
        ORDER BY p.id
        """,
        (session.pk, session.pk),
    )
    step("roster")
    user_table = _table(get_user_model())
    _execute(
        f"""
        INSERT INTO {user_table} (password, is_superuser, username, first_name, last_name,
                                  email, is_staff, is_active, date_joined)
        SELECT '!bench', false, 'dieu-phoi-' || sp.id, '', '', '', false, true, now()
        FROM {_table(SessionPoint)} sp WHERE sp.session_id = %s
        """,
        (session.pk,),
    )
    coordinators = (
        f"SELECT sp.id AS participation_id, sp.point_id, bp.unit_id, u.id AS user_id "
        f"FROM {_table(SessionPoint)} sp JOIN {_table(BridgePoint)} bp ON bp.id = sp.point_id "
        f"JOIN {user_table} u ON u.username = 'dieu-phoi-' || sp.id WHERE sp.session_id = %s"
    )
    _execute(
        f"INSERT INTO {_table(BridgePoint.coordinators.through)} (bridgepoint_id, user_id) "
        f"SELECT point_id, user_id FROM ({coordinators}) c",
        (session.pk,),
    )
    _execute(
        f"INSERT INTO {_table(RoleAssignment)} (user_id, role, unit_id, created_at) "
        f"SELECT user_id, 'coordinator', unit_id, now() FROM ({coordinators}) c",
        (session.pk,),
    )
    step("coordinators")
    signed_in = sign_in_coordinators(session)
    step("sign-ins")
    _execute("ANALYZE")
    try:
        _execute("CHECKPOINT")
    except Exception:  # noqa: BLE001 - needs a superuser; only keeps the run quieter
        pass
    step("analyze")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id, participation_id, ticket_version FROM {_table(RosterEntry)}
            WHERE session_id = %s
            ORDER BY row_number() OVER (PARTITION BY participation_id ORDER BY id),
                     participation_id
            """,
            (session.pk,),
        )
        scans = cursor.fetchall()
    step("scan list")
    counts = (
        BridgePoint.objects.count(),
        SessionPoint.objects.filter(session=session).count(),
        RosterEntry.objects.filter(session=session).count(),
    )
    print(
        f"data: {counts[0]:,} bridge points, {counts[1]:,} session points, {counts[2]:,} on "
        f"the roster, {len(signed_in):,} coordinators signed in; built in "
        f"{time.perf_counter() - began:.1f} s ("
        + ", ".join(
            f"{name} {moment - (steps[i - 1][1] if i else began):.1f} s"
            for i, (name, moment) in enumerate(steps)
        )
        + ")",
        flush=True,
    )
    assert counts[1] == 3356 and counts[2] == ROSTER_SIZE, counts
    return Data(session=session, coordinators=signed_in, scans=scans)


def sign_in_coordinators(session: Session) -> dict[int, Coordinator]:
    """A signed-in session (database and cache, as cached_db keeps it) per point's coordinator."""
    signed_in = {}
    users = get_user_model().objects.filter(username__startswith="dieu-phoi-")
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        participation_id = int(user.username.removeprefix("dieu-phoi-"))
        signed_in[participation_id] = Coordinator(
            participation_id, store.session_key, get_random_string(32)
        )
    return signed_in


def forget_sessions(data: Data) -> None:
    """The cache outlives the bench database: take the bench's sessions out of it."""
    cache.delete_many(
        [SessionStore.cache_key_prefix + c.session_key for c in data.coordinators.values()]
    )


# -- Queries per scan ------------------------------------------------------------------------


def scan_body(entry_id: int, participation_id: int, version: int) -> bytes:
    return json.dumps(
        {
            "scan_id": str(uuid.uuid4()),
            "device_id": f"bench-phone-{participation_id}",
            "participation_id": participation_id,
            "payload": ticket_for(entry_id, version),
        }
    ).encode()


def count_queries(data: Data, scans: int) -> tuple[int, list[str]]:
    """Queries of whole check-in requests through Django's handler, outside any transaction."""
    counts, statements = [], []
    for entry_id, participation_id, version in data.take(scans):
        coordinator = data.coordinators[participation_id]
        client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = coordinator.session_key
        client.cookies[settings.CSRF_COOKIE_NAME] = coordinator.csrf
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/attendance/scans",
                scan_body(entry_id, participation_id, version),
                content_type="application/json",
                HTTP_X_CSRFTOKEN=coordinator.csrf,
            )
        if response.status_code != 200 or response.json().get("code") != "checked_in":
            raise RuntimeError(f"check-in refused: {response.status_code} {response.content!r}")
        counts.append(len(queries))
        statements = [query["sql"] for query in queries.captured_queries]
    return max(counts), statements


# -- Server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(redis_url: str) -> Iterator[int]:
    """gunicorn serving the app on the bench database; always stopped on the way out."""
    port = free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SCAN_RATE_PER_MINUTE": "100000",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--backlog", "2048", *GUNICORN_ARGS]
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            wait_until_up(server, port)
            yield port
        except BaseException:
            log.seek(0)
            print(log.read()[-4000:], file=sys.stderr)
            raise
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_up(server: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            status, _body = Http(port).request(health_request(port))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /api/health in time")


# -- Load ------------------------------------------------------------------------------------


class Http:
    """A minimal keep-alive HTTP/1.1 client: the client shares the two cores with the
    server, so it must cost next to nothing. Reconnects when the server closes."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def request(self, data: bytes) -> tuple[int, bytes]:
        reused = self.sock is not None
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port))
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.sock.sendall(data)
            return self.response()
        except (ConnectionError, EOFError):
            self.close()
            if not reused:
                raise
            # The server closed an idle connection before reading the request: send again.
            return self.request(data)

    def response(self) -> tuple[int, bytes]:
        buffer = self.buffer
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            buffer += self.receive()
        head = buffer[:end].lower()
        start = head.find(b"\r\ncontent-length:")
        if start < 0:
            raise RuntimeError(f"response without Content-Length: {head!r}")
        stop = head.find(b"\r\n", start + 2)
        length = int(head[start + 17 : stop if stop > 0 else len(head)])
        body_end = end + 4 + length
        while len(buffer) < body_end:
            buffer += self.receive()
        status, body, self.buffer = int(buffer[9:12]), buffer[end + 4 : body_end], buffer[body_end:]
        if b"\r\nconnection: close" in head:
            self.close()
        return status, body

    def receive(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError
        return chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""


def health_request(port: int) -> bytes:
    return f"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


def scan_request(port: int, coordinator: Coordinator, scan: tuple[int, int, int]) -> bytes:
    body = scan_body(*scan)
    head = (
        f"POST /api/attendance/scans HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Cookie: {settings.SESSION_COOKIE_NAME}={coordinator.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={coordinator.csrf}\r\n"
        f"X-CSRFToken: {coordinator.csrf}\r\n\r\n"
    )
    return head.encode() + body


@dataclass
class Job:
    port: int
    start: float
    measure_from: float
    stop: float
    # None: closed loop (next request as soon as the answer comes); else Poisson arrivals.
    rate: float | None = None
    seed: int = 0
    scans: list[tuple[int, int, int]] | None = None
    coordinators: dict[int, Coordinator] = field(default_factory=dict)


@dataclass
class Outcome:
    done: int = 0
    accepted: int = 0
    measured: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    scans_used: int = 0
    cpu_seconds: float = 0.0


def client(job: Job, results: multiprocessing.SimpleQueue) -> None:
    """One client connection; runs in a process of its own."""
    outcome = Outcome()
    try:
        drive(job, outcome)
    except Exception as error:  # noqa: BLE001 - reported to the parent, which fails the run
        outcome.errors += 1
        outcome.samples.append(f"client crashed: {error!r}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    outcome.cpu_seconds = usage.ru_utime + usage.ru_stime
    results.put(outcome)


def drive(job: Job, outcome: Outcome) -> None:
    http = Http(job.port)
    scans = iter(job.scans or ())
    health = health_request(job.port)
    arrivals = random.Random(job.seed)
    due = job.start
    while True:
        if job.rate is None:
            due = time.perf_counter()
        else:
            due += arrivals.expovariate(job.rate)
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
        if due >= job.stop:
            break
        if job.scans is None:
            data = health
        else:
            scan = next(scans, None)
            if scan is None:
                raise RuntimeError("ran out of scans")
            outcome.scans_used += 1
            data = scan_request(job.port, job.coordinators[scan[1]], scan)
        status, body = http.request(data)
        finished = time.perf_counter()
        outcome.done += 1
        ok = status == 200
        if ok and job.scans is not None:
            ok = json.loads(body).get("code") == "checked_in"
            outcome.accepted += ok
        if not ok:
            outcome.errors += 1
            if len(outcome.samples) < 5:
                outcome.samples.append(f"{status} {body[:300]!r}")
        in_window = (
            job.measure_from <= finished <= job.stop
            if job.rate is None
            else job.measure_from <= due
        )
        if in_window:
            outcome.measured += 1
            outcome.latencies.append(finished - due)
    http.close()


@dataclass
class Phase:
    name: str
    seconds: float
    outcomes: list[Outcome]
    cpu_busy: float

    @property
    def rps(self) -> float:
        return sum(outcome.measured for outcome in self.outcomes) / self.seconds

    @property
    def errors(self) -> int:
        return sum(outcome.errors for outcome in self.outcomes)

    @property
    def latencies_ms(self) -> list[float]:
        return sorted(1000 * value for outcome in self.outcomes for value in outcome.latencies)

    def percentile(self, share: float) -> float:
        values = self.latencies_ms
        return values[min(len(values) - 1, math.ceil(share * len(values)) - 1)]

    @property
    def client_cpu(self) -> float:
        return sum(outcome.cpu_seconds for outcome in self.outcomes)


def cpu_times() -> tuple[int, int]:
    """Jiffies busy and in all, over the whole machine."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def load(
    name: str,
    port: int,
    *,
    data: Data | None,
    seconds: float,
    warm_up: float = WARM_UP_SECONDS,
    rate: float | None = None,
) -> Phase:
    """CONCURRENCY client processes against the server for warm_up + seconds."""
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()
    start = time.perf_counter() + 0.5
    per_client = None if rate is None else rate / CONCURRENCY
    budget = 0
    if data is not None:
        # Enough for 5,000 check-ins a second: far above what two cores can serve.
        budget = math.ceil(5000 * (warm_up + seconds) / CONCURRENCY)
    jobs = [
        Job(
            port=port,
            start=start,
            measure_from=start + warm_up,
            stop=start + warm_up + seconds,
            rate=per_client,
            seed=index + 1,
            scans=data.take(budget) if data else None,
            coordinators=data.coordinators if data else {},
        )
        for index in range(CONCURRENCY)
    ]
    connections.close_all()
    processes = [context.Process(target=client, args=(job, results)) for job in jobs]
    for process in processes:
        process.start()
    time.sleep(max(0.0, start + warm_up - time.perf_counter()))
    busy_before, all_before = cpu_times()
    time.sleep(max(0.0, start + warm_up + seconds - time.perf_counter()))
    busy_after, all_after = cpu_times()
    outcomes = [results.get() for _process in processes]
    for process in processes:
        process.join()
    cpu_busy = (busy_after - busy_before) / max(1, all_after - all_before)
    phase = Phase(name, seconds, outcomes, cpu_busy)
    line = f"  {name:28} {phase.rps:8.1f} req/s"
    if rate is not None:
        line += f"  p50 {phase.percentile(0.5):7.2f} ms  p99 {phase.percentile(0.99):7.2f} ms"
    line += f"  cpu busy {100 * phase.cpu_busy:3.0f}%  client cpu {phase.client_cpu:5.1f} s"
    line += f"  errors {phase.errors}"
    print(line, flush=True)
    for outcome in outcomes:
        for sample in outcome.samples:
            print(f"    error: {sample}", flush=True)
    return phase


# -- The benchmark ---------------------------------------------------------------------------


def machine_note(port: int) -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return (
        f"machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PostgreSQL {postgres}; gunicorn {' '.join(GUNICORN_ARGS)} on port {port}; "
        f"{CONCURRENCY} client processes, keep-alive HTTP/1.1 on the same machine"
    )


def run() -> list[Figure]:
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis_cache = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    with override_settings(CACHES=redis_cache):
        cache.set("bench-checkin-ping", 1, 5)
        data = build_data()
        try:
            return measure(data, redis_url)
        finally:
            forget_sessions(data)


def measure(data: Data, redis_url: str) -> list[Figure]:
    queries, statements = count_queries(data, QUERY_SCANS)
    print(f"queries of one check-in request: {queries}", flush=True)
    for sql in statements:
        print(f"    {sql[:150]}", flush=True)
    accepted = QUERY_SCANS  # the check-ins count_queries made
    phases: list[Phase] = []
    with gunicorn(redis_url) as port:
        print(machine_note(port), flush=True)
        peaks: dict[str, list[Phase]] = {"health": [], "checkin": []}
        for round_ in range(PEAK_ROUNDS):
            for kind in ("health", "checkin"):
                phase = load(
                    f"{kind} peak, round {round_ + 1}",
                    port,
                    data=data if kind == "checkin" else None,
                    seconds=PEAK_SECONDS,
                )
                peaks[kind].append(phase)
                phases.append(phase)
        health_rps = statistics.mean(phase.rps for phase in peaks["health"])
        checkin_rps = statistics.mean(phase.rps for phase in peaks["checkin"])
        rate = LOAD_SHARE * checkin_rps
        checkin = load(
            f"checkin at {LOAD_SHARE:.0%} of peak", port, data=data, seconds=LATENCY_SECONDS, rate=rate
        )
        health = load(
            "health at the same rate", port, data=None, seconds=BASELINE_LATENCY_SECONDS, rate=rate
        )
        phases += [checkin, health]
    errors = sum(phase.errors for phase in phases)
    accepted += sum(o.accepted for phase in phases for o in phase.outcomes)
    recorded = (Attendance.objects.count(), ScanAttempt.objects.count())
    if errors or recorded != (accepted, accepted):
        raise RuntimeError(
            f"{errors} requests failed; {accepted} check-ins accepted, "
            f"{recorded[0]} attendances and {recorded[1]} scan attempts recorded"
        )
    print(f"{accepted:,} check-ins accepted and recorded, no errors", flush=True)
    ratio = checkin_rps / health_rps
    p50, p99 = checkin.percentile(0.5), checkin.percentile(0.99)
    base50, base99 = health.percentile(0.5), health.percentile(0.99)
    figures = [
        Figure("checkin_rps", checkin_rps, "req/s", health_rps, ratio),
        Figure("checkin_rps_ratio", ratio, "ratio", AIM_RATIO, ratio / AIM_RATIO),
        Figure("checkin_load_rps", checkin.rps, "req/s", checkin_rps, checkin.rps / checkin_rps),
        Figure("checkin_p50_ms", p50, "ms", base50, base50 / p50),
        Figure("checkin_p99_ms", p99, "ms", base99, base99 / p99),
        Figure("checkin_queries_per_scan", queries, "queries", AIM_QUERIES, AIM_QUERIES / queries),
    ]
    print(
        f"aims: ratio {ratio:.2f} (>= {AIM_RATIO}) {'met' if ratio >= AIM_RATIO else 'MISSED'}; "
        f"p99 {p99:.1f} ms (< {AIM_P99_MS:.0f}) {'met' if p99 < AIM_P99_MS else 'MISSED'}; "
        f"queries {queries} (<= {AIM_QUERIES}) {'met' if queries <= AIM_QUERIES else 'MISSED'}",
        flush=True,
    )
    return figures
