"""Notices reach each recipient exactly once through real Celery workers on the real broker.

A worker killed half-way through a batch leaves its claimed notices to come back when their
leases end; a second tick and a second worker racing the first plan and send nothing twice.
The SMTP server on loopback is slow on RCPT, so a message is in flight for a while, and a
message counts as delivered only once its DATA was accepted.
"""

import asyncio
import email
import email.message
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from config.celery import app
from events.models import Notice, NoticeBatch, ReminderRule, Session
from events.services import add_to_roster, plan_due_notices
from events.tasks import tick
from tests.config.test_worker import wait_for, worker_database_url
from tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Status = Notice.Status
MESSAGE_ID = re.compile(r"<notice\.(\d+)\.[0-9a-f]{32}@[^>]+>")


class _SlowInbox:
    """Takes each recipient slowly; a message is delivered once its DATA is accepted.

    With `stall_after` set, the first RCPT that comes after that many deliveries holds
    still (and sets `stalled`) until its client goes away."""

    def __init__(self, rcpt_delay: float) -> None:
        self.rcpt_delay = rcpt_delay
        self.port = 0
        self.delivered: list[tuple[tuple[str, ...], email.message.EmailMessage]] = []
        self.stall_after: int | None = None
        self.stalled = threading.Event()
        self.stalled_at = ""

    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, options: list
    ) -> str:
        await asyncio.sleep(self.rcpt_delay)
        if self.stall_after is not None and len(self.delivered) >= self.stall_after:
            self.stall_after = None
            self.stalled_at = address
            self.stalled.set()
            await asyncio.sleep(120)  # cancelled by aiosmtpd when the client's socket closes
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.delivered.append((tuple(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def recipients(self) -> Counter:
        return Counter(rcpt for rcpts, _message in list(self.delivered) for rcpt in rcpts)

    def notice_ids(self) -> Counter:
        """How many messages arrived for each notice, read from their Message-ID."""
        return Counter(
            int(MESSAGE_ID.fullmatch(message["Message-ID"]).group(1))
            for _rcpts, message in list(self.delivered)
        )


@pytest.fixture
def slow_smtp():
    """A real SMTP server on loopback, 50 ms on each RCPT; stopped afterwards."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _SlowInbox(rcpt_delay=0.05)
    inbox.port = port
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_ready(self) -> bool:
        return " ready." in self.log_path.read_text(errors="replace")


class Workers:
    """Real `celery worker --pool=solo` processes on the test database and the run's queue."""

    def __init__(self, smtp_port: int) -> None:
        self.smtp_port = smtp_port
        self.started: list[tuple[Worker, object]] = []

    def start(self, **settings: str) -> Worker:
        number = len(self.started) + 1
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": worker_database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            "SITE_URL": "http://testserver",
            # A killed worker's claims come back after three seconds.
            "NOTICE_LEASE_SECONDS": "3",
            **settings,
        }
        log_path = ROOT / "var" / f"test-notice-worker-{number}.log"
        log = open(log_path, "w")  # noqa: SIM115 - closed in stop_all
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        name = f"notices-{os.getpid()}-{number}@%h"
        process = subprocess.Popen(
            [*command, "-n", name, "-l", "INFO", "--without-mingle", "--without-gossip"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker = Worker(process, log_path)
        self.started.append((worker, log))
        return worker

    def logs(self) -> str:
        return "\n".join(
            f"--- {worker.log_path.name} ---\n{worker.log_path.read_text(errors='replace')}"
            for worker, _log in self.started
        )

    def stop_all(self) -> None:
        for worker, _log in self.started:
            if worker.process.poll() is None:
                worker.process.terminate()
        for worker, log in self.started:
            try:
                worker.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(timeout=10)
            log.close()


@pytest.fixture
def workers(slow_smtp):
    started = Workers(slow_smtp.port)
    try:
        yield started
    finally:
        started.stop_all()


def start_from_an_empty_queue() -> None:
    # Roster changes queued ticks on commit; the test itself says when sending starts.
    app.control.purge()


def tick_until(condition, timeout: float) -> bool:
    """Send `tick` every two seconds, as beat would, until the condition holds."""
    deadline = time.monotonic() + timeout
    last_tick = 0.0
    while time.monotonic() < deadline:
        if condition():
            return True
        if time.monotonic() - last_tick >= 2:
            tick.delay()
            last_tick = time.monotonic()
        time.sleep(0.2)
    return condition()


def put_more_on_the_roster(upcoming, count: int) -> list:
    people = PersonFactory.create_batch(count, agency=upcoming.manh.agency)
    add_to_roster(
        actor=upcoming.coordinator,
        participation=upcoming.song_lo,
        person_ids=[person.pk for person in people],
    )
    return people


def waiting() -> int:
    return Notice.objects.filter(status__in=[Status.PENDING, Status.SENDING]).count()


def test_worker_killed_mid_batch_leaves_every_invitation_sent_exactly_once(
    upcoming, slow_smtp, workers
):
    # given sixty more people on Sông Lô's roster: an invitation each is waiting
    put_more_on_the_roster(upcoming, 60)
    invitations = {
        notice.pk: notice.person.email
        for notice in Notice.objects.filter(status=Status.PENDING).select_related("person")
    }
    assert len(invitations) == 63  # and Mạnh, Ánh and Thắng from the fixture
    assert len(set(invitations.values())) == 63
    start_from_an_empty_queue()
    slow_smtp.stall_after = 20

    # when a worker that marks each message as the server accepts it (NOTICE_MARK_EVERY=1;
    # with more, up to that many accepted but unmarked messages would go again) starts
    # sending and is killed while the 21st message waits on RCPT
    first = workers.start(NOTICE_MARK_EVERY="1")
    tick.delay()
    assert slow_smtp.stalled.wait(timeout=45), "no 21st message; worker log:\n" + workers.logs()
    os.kill(first.pid, signal.SIGKILL)
    first.process.wait(timeout=10)

    # then what the server accepted is marked sent, and the rest is not lost yet
    assert len(slow_smtp.delivered) == 20
    assert Notice.objects.filter(status=Status.SENT).count() == 20
    in_flight = Notice.objects.get(person__email=slow_smtp.stalled_at, kind=Notice.Kind.INVITATION)
    assert in_flight.status == Status.SENDING
    assert in_flight.attempts == 1

    # when a new worker takes over, ticked every two seconds as beat would
    workers.start()
    assert tick_until(lambda: waiting() == 0, timeout=45), (
        f"{waiting()} notices still waiting; worker logs:\n{workers.logs()}"
    )

    # then every person got exactly one message, every notice exactly once
    logs = workers.logs()
    assert slow_smtp.recipients() == Counter(invitations.values()), logs
    assert slow_smtp.notice_ids() == Counter(invitations.keys()), logs
    assert set(Notice.objects.filter(pk__in=invitations).values_list("status", flat=True)) == {
        Status.SENT
    }
    # the message the killed worker had in flight went again, once its lease had ended
    in_flight.refresh_from_db()
    assert in_flight.attempts == 2
    assert slow_smtp.recipients()[slow_smtp.stalled_at] == 1
    # Dũng has no e-mail address: not sent, and said so
    assert Notice.objects.exclude(pk__in=invitations).get().problem == Notice.Problem.NO_ADDRESS


def test_two_ticks_on_two_workers_send_each_reminder_and_invitation_once(
    upcoming, slow_smtp, workers
):
    # given forty more people on the roster, their invitations waiting
    people = put_more_on_the_roster(upcoming, 40)
    # and a reminder that fell due a minute ago, for a session scheduled an hour ago
    session = upcoming.session
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(created_at=now - timedelta(hours=1))
    minutes_before = int((session.starts_at - now).total_seconds() // 60) + 1
    ReminderRule.objects.create(
        session=session,
        kind=ReminderRule.Kind.REMINDER,
        anchor=ReminderRule.Anchor.START,
        day_offset=0,
        at_time=None,
        minute_offset=-minutes_before,
    )
    reminder_time = session.starts_at - timedelta(minutes=minutes_before)
    assert now - timedelta(minutes=2) < reminder_time <= now
    addresses = {person.email for person in [upcoming.manh, upcoming.anh, upcoming.thang, *people]}
    start_from_an_empty_queue()

    # when two workers are up and two ticks go out at the same moment, while two more
    # planners run in this process
    both = [
        workers.start(NOTICE_CHUNK_SIZE="5"),
        workers.start(NOTICE_CHUNK_SIZE="5"),
    ]
    assert wait_for(lambda: all(worker.is_ready() for worker in both), timeout=30), workers.logs()
    reports = []
    barrier = threading.Barrier(2)

    def plan() -> None:
        try:
            barrier.wait()
            reports.append(plan_due_notices())
        finally:
            connection.close()

    planners = [threading.Thread(target=plan) for _ in range(2)]
    tick.delay()
    tick.delay()
    for planner in planners:
        planner.start()
    for planner in planners:
        planner.join(timeout=30)
    assert tick_until(lambda: waiting() == 0, timeout=45), (
        f"{waiting()} notices still waiting; worker logs:\n{workers.logs()}"
    )

    # then one batch planned the reminder, and each person got one invitation and one reminder
    logs = workers.logs()
    assert NoticeBatch.objects.filter(session=session).count() == 1, logs
    batch = NoticeBatch.objects.get(session=session)
    assert (batch.kind, batch.planned_for) == (Notice.Kind.REMINDER, reminder_time)
    assert batch.planned_count == 44  # Dũng's included, skipped for want of an address
    assert len(reports) == 2
    assert sum(report.batches for report in reports) <= 1
    notices = dict(Notice.objects.filter(status=Status.SENT).values_list("pk", "kind"))
    assert slow_smtp.notice_ids() == Counter(notices.keys()), logs
    assert slow_smtp.recipients() == Counter({address: 2 for address in addresses}), logs
    by_kind = Counter(
        (rcpt, notices[int(MESSAGE_ID.fullmatch(message["Message-ID"]).group(1))])
        for rcpts, message in slow_smtp.delivered
        for rcpt in rcpts
    )
    assert by_kind == Counter(
        {(address, kind): 1 for address in addresses for kind in ("invitation", "reminder")}
    ), logs
    # only Dũng's two, for want of an address, were not sent
    assert Notice.objects.exclude(status=Status.SENT).count() == 2
    assert set(Notice.objects.exclude(status=Status.SENT).values_list("problem", flat=True)) == {
        Notice.Problem.NO_ADDRESS
    }
    # and both workers did some of the sending
    for worker in both:
        sent_by_it = re.findall(
            r"send_notices\[[^\]]+\] succeeded in [\d.]+s: (\d+)", worker.log_path.read_text()
        )
        assert any(int(handled) for handled in sent_by_it), logs


def test_nothing_is_lost_when_the_broker_loses_every_task(upcoming, slow_smtp, workers):
    # given invitations waiting, and ticks queued while no worker runs
    addresses = [upcoming.manh.email, upcoming.anh.email, upcoming.thang.email]
    tick.delay()
    tick.delay()

    # when the broker forgets them (Redis restarted without persistence)
    start_from_an_empty_queue()

    # then a worker started afterwards, with beat's next ticks, still sends each notice once:
    # the outbox lives in the database, not in the broker
    workers.start()
    assert tick_until(lambda: waiting() == 0, timeout=45), workers.logs()
    assert slow_smtp.recipients() == Counter(addresses), workers.logs()
