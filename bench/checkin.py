"""The morning rush: 300,000 delegates checked in by QR code at 3,356 bridge points.

A load benchmark, not a timed test: the app runs under gunicorn on PostgreSQL with Redis
(REDIS_URL, or the local one) as in production, and client processes on the same machine
send it HTTP requests: every check-in a real one, a person not yet checked in, scanned by
their own point's signed-in coordinator. The trivial JSON view (/api/health) served by the
same server in the same run is the baseline. CPU is read from /proc (Linux); a phase in
which other work took much of the machine is run again, and reported if it stays so.

checkin_rps: check-ins a second at saturation (closed loop, CONCURRENCY connections); the
baseline is the trivial view at the same concurrency, ratio = check-in / trivial view.
checkin_rps_ratio: that ratio as a figure of its own; the baseline is the aim (0.5), so a
ratio of 1 or more meets it.
checkin_load_rps: the open-loop rate the latencies are measured at, 80% of checkin_rps.
checkin_p50_ms, checkin_p99_ms: latency of a check-in at that rate, counted from the moment
it was due to be sent, so time spent queueing counts; the baseline is the trivial view at
the same rate, ratio = baseline / value.
checkin_cpu_ms: CPU time the serving side spends on one check-in at saturation: gunicorn
workers, their PostgreSQL backends and Redis; the baseline is the trivial view's, ratio =
baseline / value. Less disturbed than the rates by other work on the machine.
checkin_queries_per_scan: SQL queries of one full check-in request through Django's
handler, session and user included, transaction control (BEGIN, COMMIT) left out; the
baseline is the aim (5), ratio = aim / value.
checkin_batch_scans_per_second: check-ins a second at saturation when paired phones sync
batches of BATCH_SIZE scans (closed loop, CONCURRENCY connections); the baseline is
checkin_rps, the single-scan figure of the same run.
checkin_batch_cpu_ms_per_scan: serving-side CPU per scan in those batches; the baseline is
checkin_cpu_ms, ratio = single / batch.
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
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.db import DatabaseError, close_old_connections, connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django.utils.crypto import get_random_string

from attendance.models import Attendance, ScanAttempt
from attendance.tickets import ticket_for
from bench import Figure
from bench.data import POINTS, ROSTER_SIZE, add_coordinators, add_people, add_roster, execute, table
from bench.national_session import build_network
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.services.points import insert_participations

# Client connections (one process each), the same for the trivial view and for check-ins.
CONCURRENCY = 16
# Open loop: more connections, each sending rarely, so that a slow answer seldom holds back
# the next request due on the same connection (which would then be late for the client's
# sake, not the server's; its latency counts from when it was due, as it should).
OPEN_LOOP_CONNECTIONS = 128
WSGI_APPLICATION = "config.wsgi:application"
# gunicorn as the Dockerfile runs it: sync workers, 4 of them (2 per core here).
GUNICORN_ARGS = ["--worker-class", "sync", "--workers", "4", "--backlog", "2048"]
# Peak throughput: rounds alternating trivial view and check-ins, each warmed up first, so
# that a burst of other work on the machine lands on both.
PEAK_ROUNDS = 3
WARM_UP_SECONDS = 2.0
HEALTH_PEAK_SECONDS = 5.0
CHECKIN_PEAK_SECONDS = 8.0
# Latency: open loop, Poisson arrivals, at this share of the check-in peak.
LOAD_SHARE = 0.8
LATENCY_SECONDS = 30.0
BASELINE_LATENCY_SECONDS = 10.0
# A phase during which other work took more than this share of the machine is run again.
DISTURBED, DISTURBED_RETRIES = 0.10, 1
AIM_RATIO, AIM_P99_MS, AIM_QUERIES = 0.5, 100.0, 5
QUERY_SCANS = 5
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
BACKEND = "django.contrib.auth.backends.ModelBackend"
ROOT = Path(__file__).resolve().parent.parent

Scan = tuple[int, int, int]  # roster entry, participation (point of the session), ticket version


# -- Data ------------------------------------------------------------------------------------


@dataclass
class Coordinator:
    session_key: str
    csrf: str


@dataclass
class Data:
    coordinators: dict[int, Coordinator]  # by participation
    scans: list[Scan]  # round robin over the points; each used once
    used: int = 0

    def take(self, count: int) -> list[Scan]:
        if self.used + count > len(self.scans):
            raise RuntimeError("The benchmark ran out of people who have not checked in yet.")
        self.used += count
        return self.scans[self.used - count : self.used]


def build_data() -> Data:
    """A session starting in 20 minutes at every bridge point, 300,000 people on its roster
    (about 90 a point) and a signed-in coordinator at each point: bulk statements only."""
    began = last = time.perf_counter()
    steps: list[str] = []

    def step(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps.append(f"{name} {now - last:.1f} s")
        last = now

    organiser, programme, host = build_network()
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
    step("units and points")
    add_people(session.pk, points)
    step("people")
    add_roster(session.pk)
    step("roster")
    add_coordinators(session.pk)
    step("coordinators")
    coordinators = sign_in_coordinators()
    step("sign-ins")
    execute("ANALYZE")
    with suppress(DatabaseError):  # needs a superuser; only makes the run quieter
        execute("CHECKPOINT")  # so that writing the bulk load out does not land mid-run
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id, participation_id, ticket_version FROM {table(RosterEntry)}
            WHERE session_id = %s
            ORDER BY row_number() OVER (PARTITION BY participation_id ORDER BY id),
                     participation_id
            """,
            (session.pk,),
        )
        scans = cursor.fetchall()
    step("analyze and scan list")
    counts = (
        SessionPoint.objects.filter(session=session).count(),
        RosterEntry.objects.filter(session=session).count(),
    )
    print(
        f"data: {counts[0]:,} points in the session, {counts[1]:,} people on its roster, "
        f"{len(coordinators):,} coordinators signed in; built in "
        f"{time.perf_counter() - began:.1f} s ({', '.join(steps)})",
        flush=True,
    )
    if counts != (POINTS, ROSTER_SIZE) or len(coordinators) != POINTS:
        raise RuntimeError(f"unexpected data: {counts}, {len(coordinators)} coordinators")
    return Data(coordinators=coordinators, scans=scans)


def sign_in_coordinators() -> dict[int, Coordinator]:
    """A signed-in session per point's coordinator, stored as cached_db keeps it: the row
    and the cache."""
    signed_in = {}
    for user in get_user_model().objects.filter(username__startswith="dieu-phoi-"):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        participation_id = int(user.username.removeprefix("dieu-phoi-"))
        signed_in[participation_id] = Coordinator(store.session_key, get_random_string(32))
    return signed_in


def forget_sessions(data: Data) -> None:
    """The cache outlives the bench database: take the bench's sessions out of it."""
    keys = [SessionStore.cache_key_prefix + c.session_key for c in data.coordinators.values()]
    cache.delete_many(keys)


# -- Queries per scan ------------------------------------------------------------------------


def scan_body(scan: Scan) -> bytes:
    entry_id, participation_id, version = scan
    return json.dumps(
        {
            "scan_id": str(uuid.uuid4()),
            "device_id": f"bench-phone-{participation_id}",
            "participation_id": participation_id,
            "payload": ticket_for(entry_id, version),
        }
    ).encode()


@dataclass
class QueryCount:
    queries: int  # without transaction control
    transaction_control: int
    health_checks: int  # CONN_HEALTH_CHECKS' "SELECT 1", which Django does not log
    statements: list[str]


def count_queries(data: Data) -> QueryCount:
    """Queries of whole check-in requests through Django's handler, as gunicorn runs them:
    outside any test transaction, the session read from the cache."""
    counts = [count_request(data, scan) for scan in data.take(QUERY_SCANS)]
    return max(counts, key=lambda count: count.queries)


def count_request(data: Data, scan: Scan) -> QueryCount:
    coordinator = data.coordinators[scan[1]]
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = coordinator.session_key
    client.cookies[settings.CSRF_COOKIE_NAME] = coordinator.csrf
    close_old_connections()  # what the handler does at request_started, which Client skips
    checks = []
    is_usable = connection.is_usable
    connection.is_usable = lambda: checks.append(1) or is_usable()
    try:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                "/api/attendance/scans",
                scan_body(scan),
                content_type="application/json",
                HTTP_X_CSRFTOKEN=coordinator.csrf,
            )
    finally:
        del connection.is_usable
    if response.status_code != 200 or response.json().get("code") != "checked_in":
        raise RuntimeError(f"check-in refused: {response.status_code} {response.content!r}")
    statements = [query["sql"].strip() for query in captured.captured_queries]
    control = sum(sql.upper().startswith(TRANSACTION_CONTROL) for sql in statements)
    return QueryCount(len(statements) - control, control, len(checks), statements)


# -- Server ----------------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    pid: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(redis_url: str) -> Iterator[Server]:
    """gunicorn serving the app on the bench database; stopped on the way out, always."""
    port = free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback, where production's proxy would have ended TLS.
        "SECURE_SSL_REDIRECT": "0",
        # The limit is per user and device a minute: far above what one phone could scan.
        "SCAN_RATE_PER_MINUTE": "100000",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "gunicorn", WSGI_APPLICATION]
    command += ["--bind", f"127.0.0.1:{port}", *GUNICORN_ARGS]
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            wait_until_up(process, port)
            yield Server(port, process.pid)
        except BaseException:
            log.seek(0)
            print(log.read()[-4000:], file=sys.stderr)
            raise
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(process: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        probe = Http(port)
        try:
            if probe.request(health_request(port))[0] == 200:
                return
        except OSError:
            pass
        finally:
            probe.close()
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /api/health in time")


# -- CPU accounting --------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.5


class CpuMeter:
    """CPU time of the serving side over a window, read from /proc: gunicorn's processes,
    the PostgreSQL backends of the bench database (by their process title) and a local
    Redis. Sampled every SAMPLE_SECONDS, so that a backend closed mid-window (CONN_MAX_AGE)
    loses at most that much."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.title = f" {connection.settings_dict['NAME']} "
        self.first: dict[int, tuple[str, float]] = {}
        self.last: dict[int, float] = {}
        self.machine: list[tuple[int, int]] = []
        self.sample()

    @staticmethod
    def _machine() -> tuple[int, int]:
        # user nice system idle iowait irq softirq steal (guest time is inside user)
        values = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
        return sum(values) - values[3] - values[4], sum(values)

    def _kind(self, pid: str, comm: str, parent: int) -> str | None:
        if int(pid) == self.server.pid or parent == self.server.pid:
            return "app"
        if comm == "redis-server":
            return "cache"
        if comm == "postgres":
            with suppress(OSError):
                title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                if self.title.encode() in title:
                    return "database"
        return None

    def sample(self) -> None:
        self.machine.append(self._machine())
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            comm, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1]
            fields = rest.split()
            pid, seconds = int(entry.name), (int(fields[11]) + int(fields[12])) / TICK
            if pid not in self.first:
                kind = self._kind(entry.name, comm, int(fields[1]))
                if kind is None:
                    continue
                # Seen first after the window opened: it started inside it, count it all.
                started = seconds if not self.machine[:-1] else 0.0
                self.first[pid] = (kind, started)
            self.last[pid] = seconds

    def run_until(self, deadline: float) -> None:
        while (left := deadline - time.perf_counter()) > 0:
            time.sleep(min(SAMPLE_SECONDS, left))
            self.sample()

    def spent(self, kind: str) -> float:
        return sum(
            self.last[pid] - started for pid, (of, started) in self.first.items() if of == kind
        )

    @property
    def cores_seconds(self) -> float:
        return (self.machine[-1][1] - self.machine[0][1]) / TICK

    @property
    def busy(self) -> float:
        return (self.machine[-1][0] - self.machine[0][0]) / TICK / max(self.cores_seconds, 1e-9)


# -- Load ------------------------------------------------------------------------------------


class Http:
    """A minimal HTTP/1.1 client: it shares the two cores with the server, so it must cost
    next to nothing. Keeps the connection open unless the server closes it (gunicorn's
    sync workers close every one)."""

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
            # The server closed an idle kept-alive connection: send again on a new one.
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
        body_end = end + 4 + int(head[start + 17 : stop if stop > 0 else len(head)])
        while len(buffer) < body_end:
            buffer += self.receive()
        status, body = int(buffer[9:12]), buffer[end + 4 : body_end]
        self.buffer = buffer[body_end:]
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


def scan_request(port: int, coordinator: Coordinator, scan: Scan) -> bytes:
    body = scan_body(scan)
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
    # None: closed loop, the next request as soon as the answer is in; else Poisson arrivals.
    rate: float | None
    seed: int
    scans: list[Scan] | None  # None: the trivial view
    coordinators: dict[int, Coordinator]


@dataclass
class Outcome:
    measured: int = 0  # answers inside the measured window
    accepted: int = 0  # check-ins accepted, warm-up included
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0


def client(job: Job, results: multiprocessing.Queue) -> None:
    """One client connection, in a process of its own."""
    outcome = Outcome()
    try:
        drive(job, outcome)
    except Exception as error:  # reported to the parent, which fails the run
        outcome.errors += 1
        outcome.samples.append(f"client failed: {error!r}")
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
            data = scan_request(job.port, job.coordinators[scan[1]], scan)
        status, body = http.request(data)
        finished = time.perf_counter()
        ok = status == 200
        if ok and job.scans is not None:
            ok = json.loads(body).get("code") == "checked_in"
            outcome.accepted += ok
        if not ok:
            outcome.errors += 1
            if len(outcome.samples) < 3:
                outcome.samples.append(f"{status} {body[:300]!r}")
        if job.rate is None:
            measured = job.measure_from <= finished <= job.stop
        else:
            measured = due >= job.measure_from
        if measured:
            outcome.measured += 1
            outcome.latencies.append(finished - due)
    http.close()


@dataclass
class Phase:
    name: str
    seconds: float
    outcomes: list[Outcome]
    server_cpu: float = 0.0  # seconds, gunicorn master and workers
    database_cpu: float = 0.0  # seconds, the PostgreSQL backends of the bench database
    cache_cpu: float = 0.0  # seconds, Redis
    machine_busy: float = 0.0  # share of all cores busy
    # Share of all cores busy but not with the above or the clients: other work on the
    # machine, PostgreSQL's background processes, the kernel.
    unattributed: float = 0.0

    @property
    def requests(self) -> int:
        return sum(outcome.measured for outcome in self.outcomes)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return sum(outcome.errors for outcome in self.outcomes)

    @property
    def accepted(self) -> int:
        return sum(outcome.accepted for outcome in self.outcomes)

    def percentile(self, share: float) -> float:
        values = sorted(1000 * value for outcome in self.outcomes for value in outcome.latencies)
        return values[min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))]

    @property
    def cpu_ms(self) -> float:
        """Server CPU per answered request: gunicorn, PostgreSQL backends and Redis."""
        spent = self.server_cpu + self.database_cpu + self.cache_cpu
        return 1000 * spent / max(1, self.requests)


def load(
    name: str,
    server: Server,
    *,
    data: Data | None,
    seconds: float,
    rate: float | None = None,
    ceiling: float = 3000,
) -> Phase:
    """Client processes, one connection each, against the server for a warm-up, then
    `seconds`: CONCURRENCY of them in a closed loop, OPEN_LOOP_CONNECTIONS at a rate.
    `ceiling`: more check-ins a second than the closed loop could possibly reach."""
    clients = CONCURRENCY if rate is None else OPEN_LOOP_CONNECTIONS
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start = time.perf_counter() + 0.5
    measure_from, stop = start + WARM_UP_SECONDS, start + WARM_UP_SECONDS + seconds
    # People each client may check in, each once only: in the closed loop enough for the
    # ceiling, in the open loop what the Poisson arrivals ask for, with a wide margin.
    expected = (ceiling if rate is None else rate) * (WARM_UP_SECONDS + seconds) / clients
    budget = math.ceil(expected + 6 * math.sqrt(expected) + 10) if data else 0
    jobs = [
        Job(
            port=server.port,
            start=start,
            measure_from=measure_from,
            stop=stop,
            rate=None if rate is None else rate / clients,
            seed=index + 1,
            scans=data.take(budget) if data else None,
            coordinators=data.coordinators if data else {},
        )
        for index in range(clients)
    ]
    connections.close_all()  # the clients are forked: they must not share it
    processes = [context.Process(target=client, args=(job, results)) for job in jobs]
    for process in processes:
        process.start()
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    meter = CpuMeter(server)
    meter.run_until(stop)
    outcomes = []
    try:
        for _process in processes:
            # A client that died without a word must not hang the run.
            outcomes.append(results.get(timeout=max(1.0, stop + 60 - time.perf_counter())))
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
    phase = Phase(name, seconds, outcomes)
    phase.server_cpu = meter.spent("app")
    phase.database_cpu = meter.spent("database")
    phase.cache_cpu = meter.spent("cache")
    cores_seconds = meter.cores_seconds
    phase.machine_busy = meter.busy
    # Client CPU is known for the whole phase only: count the measured window's share.
    client_cpu = sum(o.cpu_seconds for o in outcomes) * seconds / (WARM_UP_SECONDS + seconds)
    ours = phase.server_cpu + phase.database_cpu + phase.cache_cpu + client_cpu
    phase.unattributed = max(0.0, phase.machine_busy - ours / max(cores_seconds, 1e-9))
    line = f"  {name:26} {phase.rps:7.1f} req/s"
    if rate is not None:
        line += f"  p50 {phase.percentile(0.5):7.2f} ms  p99 {phase.percentile(0.99):8.2f} ms"
    app, database = (
        1000 * cpu / max(1, phase.requests) for cpu in (phase.server_cpu, phase.database_cpu)
    )
    line += (
        f"  cpu {phase.cpu_ms:5.2f} ms/req (app {app:.2f}, db {database:.2f})"
        f"  machine: busy {100 * phase.machine_busy:3.0f}%"
        f" clients {100 * client_cpu / max(cores_seconds, 1e-9):2.0f}%"
        f" other {100 * phase.unattributed:2.0f}%  errors {phase.errors}"
    )
    print(line, flush=True)
    for outcome in outcomes:
        for sample in outcome.samples:
            print(f"    error: {sample}", flush=True)
    return phase


# -- The benchmark ---------------------------------------------------------------------------


def machine_note() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    return (
        f"machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PostgreSQL {postgres}, Redis cache and sessions; gunicorn {' '.join(GUNICORN_ARGS)}; "
        f"clients on the same machine: {CONCURRENCY} connections in a closed loop, "
        f"{OPEN_LOOP_CONNECTIONS} in the open loop"
    )


def run() -> list[Figure]:
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    # The server's cache (sessions, rate limits) is Redis: this process writes the same one.
    # Plain HTTP, as gunicorn gets it behind the proxy (see `gunicorn` below).
    plain = {"SECURE_SSL_REDIRECT": False, "ALLOWED_HOSTS": ["127.0.0.1"]}
    with override_settings(CACHES=redis, **plain):
        cache.get("bench-checkin")  # fails now, not after the data is built, without Redis
        data = build_data()
        try:
            return measure(data, redis_url)
        finally:
            forget_sessions(data)


def measure(data: Data, redis_url: str) -> list[Figure]:
    queries = count_queries(data)
    print(
        f"one check-in request: {queries.queries} queries, {queries.transaction_control} "
        f"transaction control statements, {queries.health_checks} connection health checks",
        flush=True,
    )
    for sql in queries.statements:
        print(f"    {' '.join(sql.split())[:110]}", flush=True)
    print(machine_note(), flush=True)
    phases: list[Phase] = []

    def steady(name: str, **options: object) -> Phase:
        """A phase, run once more if other work on the machine disturbed it."""
        for attempt in range(1 + DISTURBED_RETRIES):
            phase = load(name if not attempt else f"{name} again", server, **options)
            phases.append(phase)
            if phase.unattributed <= DISTURBED:
                break
        return phase

    with gunicorn(redis_url) as server:
        health_peaks, checkin_peaks = [], []
        for round_ in range(1, PEAK_ROUNDS + 1):
            health_peaks.append(
                steady(f"health peak {round_}", data=None, seconds=HEALTH_PEAK_SECONDS)
            )
            ceiling = 3 * max((phase.rps for phase in checkin_peaks), default=1000)
            checkin_peaks.append(
                steady(
                    f"checkin peak {round_}",
                    data=data,
                    seconds=CHECKIN_PEAK_SECONDS,
                    ceiling=ceiling,
                )
            )
        health_rps = statistics.mean(phase.rps for phase in health_peaks)
        checkin_rps = statistics.mean(phase.rps for phase in checkin_peaks)
        rate = LOAD_SHARE * checkin_rps
        checkin = steady(
            f"checkin at {LOAD_SHARE:.0%} of peak", data=data, seconds=LATENCY_SECONDS, rate=rate
        )
        health = steady(
            "health at the same rate", data=None, seconds=BASELINE_LATENCY_SECONDS, rate=rate
        )
        batched = batch_load(server, data, seconds=CHECKIN_PEAK_SECONDS)
    disturbed = [
        phase
        for phase in [*health_peaks, *checkin_peaks, checkin, health]
        if phase.unattributed > DISTURBED
    ]
    for phase in disturbed:
        print(
            f"WARNING: other work took {phase.unattributed:.0%} of the machine during "
            f"{phase.name!r}: its figures understate the server; run again on a quiet machine",
            flush=True,
        )
    errors = sum(phase.errors for phase in [*phases, batched])
    accepted = QUERY_SCANS + sum(phase.accepted for phase in [*phases, batched])
    recorded = (Attendance.objects.count(), ScanAttempt.objects.count())
    if errors or recorded != (accepted, accepted):
        raise RuntimeError(
            f"{errors} requests failed; {accepted} check-ins accepted, but "
            f"{recorded[0]} attendances and {recorded[1]} scan attempts recorded"
        )
    print(f"{accepted:,} check-ins, each accepted and recorded once; no errors", flush=True)
    ratio = checkin_rps / health_rps
    p50, p99 = checkin.percentile(0.5), checkin.percentile(0.99)
    base50, base99 = health.percentile(0.5), health.percentile(0.99)
    cpu = statistics.median(phase.cpu_ms for phase in checkin_peaks)
    base_cpu = statistics.median(phase.cpu_ms for phase in health_peaks)
    count = queries.queries
    figures = [
        Figure("checkin_rps", checkin_rps, "req/s", health_rps, ratio),
        Figure("checkin_rps_ratio", ratio, "ratio", AIM_RATIO, ratio / AIM_RATIO),
        Figure("checkin_load_rps", checkin.rps, "req/s", checkin_rps, checkin.rps / checkin_rps),
        Figure("checkin_p50_ms", p50, "ms", base50, base50 / p50),
        Figure("checkin_p99_ms", p99, "ms", base99, base99 / p99),
        Figure("checkin_cpu_ms", cpu, "ms", base_cpu, base_cpu / cpu),
        Figure("checkin_queries_per_scan", count, "queries", AIM_QUERIES, AIM_QUERIES / count),
        Figure(
            "checkin_batch_scans_per_second",
            batched.rps,
            "scans/s",
            checkin_rps,
            batched.rps / checkin_rps,
        ),
        Figure("checkin_batch_cpu_ms_per_scan", batched.cpu_ms, "ms", cpu, cpu / batched.cpu_ms),
    ]
    verdicts = [
        ("ratio", f"{ratio:.2f}", f">= {AIM_RATIO}", ratio >= AIM_RATIO),
        ("p99", f"{p99:.1f} ms", f"< {AIM_P99_MS:.0f} ms", p99 < AIM_P99_MS),
        ("queries", f"{count}", f"<= {AIM_QUERIES}", count <= AIM_QUERIES),
    ]
    print(
        "aims: "
        + "; ".join(
            f"{name} {value} ({aim}) {'met' if met else 'MISSED'}"
            for name, value, aim, met in verdicts
        ),
        flush=True,
    )
    return figures


# -- Batches from paired phones --------------------------------------------------------------

BATCH_SIZE = 50


def batches_left(data: Data) -> list[tuple[int, list[Scan]]]:
    """The people not checked in yet, point by point, in batches of BATCH_SIZE: what a
    phone at each point would send after a spell offline."""
    by_point: dict[int, list[Scan]] = {}
    for scan in data.scans[data.used :]:
        by_point.setdefault(scan[1], []).append(scan)
    data.used = len(data.scans)
    return [
        (point, scans[start : start + BATCH_SIZE])
        for point, scans in by_point.items()
        for start in range(0, len(scans) - BATCH_SIZE + 1, BATCH_SIZE)
    ]


def batch_request(port: int, token: str, scans: list[Scan]) -> bytes:
    now = timezone.now().isoformat()
    body = json.dumps(
        {
            "sent_at": now,
            "roster_since": now,
            "scans": [
                {"scan_id": str(uuid.uuid4()), "scanned_at": now, "payload": ticket_for(e, v)}
                for e, _point, v in scans
            ],
        }
    ).encode()
    head = (
        f"POST /api/attendance/devices/sync HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    )
    return head.encode() + body


def batch_client(
    port: int,
    measure_from: float,
    stop: float,
    work: list[tuple[str, list[Scan]]],
    results: multiprocessing.Queue,
) -> None:
    """One connection sending batches back to back; counts the scans answered inside the
    measured window."""
    outcome, http = Outcome(), Http(port)
    try:
        for token, scans in work:
            if time.perf_counter() >= stop:
                break
            status, body = http.request(batch_request(port, token, scans))
            finished = time.perf_counter()
            verdicts = json.loads(body)["verdicts"] if status == 200 else []
            accepted = sum(v["code"] == "checked_in" for v in verdicts)
            outcome.accepted += accepted
            if status != 200 or accepted != len(scans):
                outcome.errors += 1
                outcome.samples.append(f"{status} {body[:300]!r}")
            if measure_from <= finished <= stop:
                outcome.measured += len(scans)
    except Exception as error:
        outcome.errors += 1
        outcome.samples.append(f"client failed: {error!r}")
    http.close()
    results.put(outcome)


def batch_load(server: Server, data: Data, *, seconds: float) -> Phase:
    """Paired phones' batches at saturation: CONCURRENCY connections in a closed loop."""
    from bench.rush import pair_devices

    session_id = SessionPoint.objects.values_list("session_id", flat=True).first()
    tokens = {point: device.token for point, device in pair_devices(session_id).items()}
    batches = batches_left(data)
    random.Random(7).shuffle(batches)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start = time.perf_counter() + 0.5
    measure_from, stop = start + WARM_UP_SECONDS, start + WARM_UP_SECONDS + seconds
    work = [[] for _ in range(CONCURRENCY)]
    for index, (point, scans) in enumerate(batches):
        work[index % CONCURRENCY].append((tokens[point], scans))
    connections.close_all()
    processes = [
        context.Process(target=batch_client, args=(server.port, measure_from, stop, w, results))
        for w in work
    ]
    for process in processes:
        process.start()
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    meter = CpuMeter(server)
    meter.run_until(stop)
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=5)
    phase = Phase(f"batches of {BATCH_SIZE}", seconds, outcomes)
    phase.server_cpu = meter.spent("app")
    phase.database_cpu = meter.spent("database")
    phase.cache_cpu = meter.spent("cache")
    phase.machine_busy = meter.busy
    print(
        f"  {phase.name:26} {phase.rps:7.1f} scans/s  cpu {phase.cpu_ms:5.3f} ms/scan "
        f"(app {1000 * phase.server_cpu / max(1, phase.requests):.3f}, "
        f"db {1000 * phase.database_cpu / max(1, phase.requests):.3f})"
        f"  machine: busy {100 * phase.machine_busy:3.0f}%  errors {phase.errors}",
        flush=True,
    )
    for outcome in outcomes:
        for sample in outcome.samples[:2]:
            print(f"    error: {sample}", flush=True)
    return phase
