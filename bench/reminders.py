"""Queuing the day-before reminder of a national session: 300,000 outbox rows.

The data is one session at all 3,356 bridge points with 300,000 people on its rosters and a
coordinator per point (`bench.data`). The planner, `plan_due_notices(now=...)`, is called a
minute after the session's day-before 08:00 reminder falls due, when nothing else in the
default plan is: it writes one batch and 300,000 notices with one INSERT ... SELECT under the
notices' unique keys, and the run fails unless exactly those rows are there. The baseline is
a plain `Notice.objects.bulk_create` of the same 300,000 rows (same columns, same batch, built
in Python beforehand from the roster, untimed) into the same, emptied, table. The two sides
alternate, REPEATS times each, the outbox tables truncated before each; the figures use the
median of each side.

reminders_queue_seconds: the planner's call; the baseline is the bulk insert, so ratio =
baseline / value = the planner's rows a second over the bulk insert's.
reminders_queue_ratio: that ratio as a figure of its own; the baseline is the aim (0.3), so a
ratio of 1 or more meets it.
reminders_queue_rows_per_second: rows a second queued by the planner; the baseline is the
bulk insert's, ratio = value / baseline.

reminders_wave_seconds: wall seconds for the planner's 300,000 reminders to reach an SMTP
sink on loopback (aiosmtpd, in this process, counting each message and its recipient),
sent by NOTICE_PARALLEL_SENDERS separate processes each calling `send_due_notices` again and
again as the `send_notices` task would, with the default settings (rate, chunk, marking;
REDIS_URL, when set, holds the rate across them). The run fails unless every reminder is
marked sent and the sink got exactly one message for each person. The baseline is the old
default, measured on a sample: one sender process at NOTICE_RATE_PER_SECOND=100 marking each
message on its own (NOTICE_MARK_EVERY=1) sends the first WAVE_SAMPLE reminders, and its
seconds are scaled to 300,000 (the rate binds, so the scaling is linear); ratio = baseline /
value.
"""

import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import suppress
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import Figure
from bench.data import POINTS, ROSTER_SIZE, add_coordinators, execute, national_session, table
from events.models import Notice, NoticeBatch, RosterEntry, Session
from events.notices.models import DEFAULT_PLAN, PlanLine
from events.notices.planning import is_due
from events.services import plan_due_notices

REPEATS = 3
WAVE_SAMPLE = 500
WAVE_AIM_SECONDS = 600.0
# The wave is sent for at most this long (half again the aim); if it has not all arrived by
# then, the figure is the time scaled from what arrived, and says so.
WAVE_WINDOW_SECONDS = 900.0
SENDER = """
import django
django.setup()
from events.notices.sending import send_due_notices
while send_due_notices().handled:
    pass
"""
BULK_BATCH_SIZE = 2000
AIM_SECONDS, AIM_RATIO = 60.0, 0.3
# The line under test: the reminder the day before, at 08:00 local time.
DAY_BEFORE = next(line for line in DEFAULT_PLAN if line.kind == Notice.Kind.REMINDER)


def build_session() -> tuple[Session, datetime, datetime]:
    """The session, the moment its day-before reminder is planned for, and the moment the
    planner runs: a minute later, a week from now, when no other line of the plan is due."""
    began = time.perf_counter()
    _organiser, _programme, session = national_session(
        "Hội nghị tập huấn toàn quốc (nhắc lịch)", days_from_today=8
    )
    add_coordinators(session.pk)
    planned_for = DAY_BEFORE.planned_for(session)
    now = planned_for + timedelta(minutes=1)
    # Scheduled well before its reminders' moments, as a real session is.
    Session.objects.filter(pk=session.pk).update(created_at=planned_for - timedelta(days=14))
    session.refresh_from_db()
    due = [line for line in DEFAULT_PLAN if is_due(line, line.planned_for(session), session, now)]
    if due != [DAY_BEFORE]:
        raise RuntimeError(f"expected only the day-before reminder to be due, not {due}")
    execute("ANALYZE")
    counts = (
        session.participations.count(),
        RosterEntry.objects.filter(session=session).count(),
    )
    print(
        f"data: {counts[0]:,} points in the session, {counts[1]:,} people on its roster; "
        f"built in {time.perf_counter() - began:.1f} s; reminder planned for "
        f"{timezone.localtime(planned_for):%Y-%m-%d %H:%M %Z}, planner run at "
        f"{timezone.localtime(now):%H:%M}, session starts "
        f"{timezone.localtime(session.starts_at):%Y-%m-%d %H:%M}",
        flush=True,
    )
    if counts != (POINTS, ROSTER_SIZE):
        raise RuntimeError(f"unexpected data: {counts}")
    return session, planned_for, now


def empty_outbox() -> None:
    """Start each side from empty outbox tables, with nothing left to write out."""
    execute(f"TRUNCATE {table(Notice)}, {table(NoticeBatch)}")
    with suppress(DatabaseError):  # needs a superuser; only makes the run quieter
        execute("CHECKPOINT")


def check_outbox(session: Session, planned_for: datetime, line: PlanLine, side: str) -> None:
    """Exactly one batch and one pending e-mail reminder per person on the roster."""
    notices = Notice.objects.filter(session=session)
    found = (
        NoticeBatch.objects.filter(session=session).count(),
        notices.count(),
        notices.filter(
            kind=line.kind,
            planned_for=planned_for,
            status=Notice.Status.PENDING,
            channel=Notice.Channel.EMAIL,
            person__isnull=False,
            entry__isnull=False,
            batch__isnull=False,
        ).count(),
        notices.values("person").distinct().count(),
    )
    if found != (1, ROSTER_SIZE, ROSTER_SIZE, ROSTER_SIZE):
        raise RuntimeError(
            f"{side}: expected 1 batch and {ROSTER_SIZE:,} pending reminders to as many "
            f"people, found (batches, notices, pending reminders, people) = {found}"
        )


def run_planner(session: Session, planned_for: datetime, now: datetime) -> float:
    empty_outbox()
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        report = plan_due_notices(now=now)
        elapsed = time.perf_counter() - began
    if (report.batches, report.notices) != (1, ROSTER_SIZE):
        raise RuntimeError(
            f"planner: expected 1 batch of {ROSTER_SIZE:,} notices, reported {report}"
        )
    check_outbox(session, planned_for, DAY_BEFORE, "planner")
    spent = {"INSERT": 0.0, "COMMIT": 0.0}
    for query in queries.captured_queries:
        if query["sql"].startswith(f"INSERT INTO {table(Notice)} "):
            spent["INSERT"] += float(query["time"])
        elif query["sql"] == "COMMIT":
            spent["COMMIT"] += float(query["time"])
    print(
        f"  planner      {elapsed:7.2f} s  {ROSTER_SIZE / elapsed:9,.0f} rows/s  "
        f"({len(queries)} queries: the notices' INSERT ... SELECT {spent['INSERT']:.2f} s, "
        f"COMMIT with the deferred foreign key checks {spent['COMMIT']:.2f} s)",
        flush=True,
    )
    return elapsed


def run_bulk_insert(
    session: Session, planned_for: datetime, now: datetime, entries: list[tuple[int, int, int]]
) -> float:
    empty_outbox()
    batch = NoticeBatch.objects.create(
        session=session, kind=DAY_BEFORE.kind, planned_for=planned_for
    )
    rows = [
        Notice(
            session_id=session.pk,
            kind=DAY_BEFORE.kind,
            planned_for=planned_for,
            batch_id=batch.pk,
            person_id=person_id,
            entry_id=entry_id,
            participation_id=participation_id,
            channel=Notice.Channel.EMAIL,
            status=Notice.Status.PENDING,
            due_at=now,
        )
        for entry_id, person_id, participation_id in entries
    ]
    began = time.perf_counter()
    with transaction.atomic():
        Notice.objects.bulk_create(rows, batch_size=BULK_BATCH_SIZE)
    elapsed = time.perf_counter() - began
    check_outbox(session, planned_for, DAY_BEFORE, "bulk insert")
    print(
        f"  bulk insert  {elapsed:7.2f} s  {ROSTER_SIZE / elapsed:9,.0f} rows/s  "
        f"(bulk_create, batch_size={BULK_BATCH_SIZE})",
        flush=True,
    )
    return elapsed


class Sink:
    """An SMTP server that counts what it receives, and for whom."""

    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted"


def start_senders(count: int, port: int, **settings: str) -> list[subprocess.Popen]:
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}", **settings}
    return [
        subprocess.Popen([sys.executable, "-c", SENDER], env=env, cwd=os.getcwd())
        for _ in range(count)
    ]


def wait_for(
    sink: Sink, count: int, senders: list[subprocess.Popen], window: float = 3600.0
) -> tuple[float, int]:
    """Seconds from now until the sink has `count` messages or the window ends, and how many
    arrived by then; the senders are stopped then."""
    began = time.perf_counter()
    arrived = False
    try:
        while len(sink.recipients) < count:
            if time.perf_counter() - began > window:
                return time.perf_counter() - began, len(sink.recipients)
            if all(sender.poll() is not None for sender in senders):
                raise RuntimeError(f"wave: senders ended at {len(sink.recipients):,}/{count:,}")
            time.sleep(0.05)
        arrived = True
        return time.perf_counter() - began, len(sink.recipients)
    finally:
        for sender in senders:
            if not arrived:
                sender.terminate()
            sender.wait(timeout=60)


def run_wave(session: Session, planned_for: datetime, now: datetime) -> tuple[float, float]:
    """The wave's seconds, and the old default's on a sample scaled to the wave."""
    from aiosmtpd.controller import Controller
    from django.conf import settings

    # aiosmtpd logs every SMTP line at INFO: 1.5 million lines would cost the sink more
    # than the messages.
    logging.getLogger("mail.log").setLevel(logging.WARNING)

    empty_outbox()
    plan_due_notices(now=now)
    check_outbox(session, planned_for, DAY_BEFORE, "wave")
    notices = Notice.objects.filter(session=session)
    first = notices.order_by("pk").values_list("pk", flat=True)[WAVE_SAMPLE]
    real_now = timezone.now()
    notices.update(due_at=real_now + timedelta(days=1))
    notices.filter(pk__lt=first).update(due_at=real_now)
    execute("ANALYZE")
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    connection.close()  # the senders' claims must not wait on this process
    try:
        sample, _ = wait_for(
            sink,
            WAVE_SAMPLE,
            start_senders(1, port, NOTICE_RATE_PER_SECOND="100", NOTICE_MARK_EVERY="1"),
        )
        baseline = sample * ROSTER_SIZE / WAVE_SAMPLE
        print(
            f"  old default  {sample:7.2f} s for {WAVE_SAMPLE:,} (1 sender, 100/s, marked one by "
            f"one): {baseline:,.0f} s for {ROSTER_SIZE:,}",
            flush=True,
        )
        notices.update(status=Notice.Status.PENDING, due_at=timezone.now(), claim="", attempts=0)
        sink.recipients.clear()
        parallel = settings.NOTICE_PARALLEL_SENDERS
        connection.close()
        senders = start_senders(parallel, port)
        elapsed, arrived = wait_for(sink, ROSTER_SIZE, senders, WAVE_WINDOW_SECONDS)
    finally:
        controller.stop()
    received = Counter(sink.recipients)
    sent = notices.filter(status=Notice.Status.SENT).count()
    if max(received.values()) != 1 or sent > len(received):
        raise RuntimeError(
            f"wave: {sent:,} marked sent, {len(sink.recipients):,} received by "
            f"{len(received):,} people"
        )
    value = elapsed * ROSTER_SIZE / arrived
    print(
        f"  wave         {arrived:,} of {ROSTER_SIZE:,} arrived in {elapsed:.1f} s, each once "
        f"({sent:,} marked sent when the senders were stopped): "
        f"{'measured' if arrived == ROSTER_SIZE else 'scaled to the whole wave'} "
        f"{value:,.0f} s, {arrived / elapsed:,.1f} messages/s  "
        f"({parallel} sender processes, rate {settings.NOTICE_RATE_PER_SECOND or 'unlimited'}/s"
        f"{' shared in Redis' if os.environ.get('REDIS_URL') else ' per process'}, chunks of "
        f"{settings.NOTICE_CHUNK_SIZE}, marked {settings.NOTICE_MARK_EVERY} at a time)",
        flush=True,
    )
    return value, baseline


def run() -> list[Figure]:
    session, planned_for, now = build_session()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    print(f"machine: {os.cpu_count()} cores, PostgreSQL {postgres}", flush=True)
    entries = list(
        RosterEntry.objects.filter(session=session, removed_at=None)
        .order_by("pk")
        .values_list("pk", "person_id", "participation_id")
    )
    planner, bulk = [], []
    for _round in range(REPEATS):
        planner.append(run_planner(session, planned_for, now))
        bulk.append(run_bulk_insert(session, planned_for, now, entries))
    value, baseline = statistics.median(planner), statistics.median(bulk)
    ratio = baseline / value
    wave, wave_baseline = run_wave(session, planned_for, now)
    print(
        f"aims: wave {wave:.0f} s (< {WAVE_AIM_SECONDS:.0f}) "
        f"{'met' if wave < WAVE_AIM_SECONDS else 'MISSED'}",
        flush=True,
    )
    print(
        f"aims: seconds {value:.1f} (< {AIM_SECONDS:.0f}) "
        f"{'met' if value < AIM_SECONDS else 'MISSED'}; ratio {ratio:.2f} (>= {AIM_RATIO}) "
        f"{'met' if ratio >= AIM_RATIO else 'MISSED'}",
        flush=True,
    )
    return [
        Figure("reminders_queue_seconds", value, "s", baseline, ratio),
        Figure("reminders_queue_ratio", ratio, "ratio", AIM_RATIO, ratio / AIM_RATIO),
        Figure(
            "reminders_queue_rows_per_second",
            ROSTER_SIZE / value,
            "rows/s",
            ROSTER_SIZE / baseline,
            ratio,
        ),
        Figure("reminders_wave_seconds", wave, "s", wave_baseline, wave_baseline / wave),
    ]
