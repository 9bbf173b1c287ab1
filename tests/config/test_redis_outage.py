"""Check-in, walk-ins and signed-in pages keep working while Redis is down.

Redis holds the cache (sessions' copy, rate limits) and is Celery's broker. When it goes:
sessions are read from the database; rate limits count in each process; a change saved
in the database is reported as saved even when the task it asks for cannot reach the
broker, and that work is picked up again by beat's sweeps and the outbox's tick (a
sign-in link is sent by the web process itself; a report export waits, as nothing sweeps
exports yet). When Redis returns, notices queued meanwhile are sent, once each.

The first tests point the production settings at a port where no Redis listens; the last
one starts a Redis of its own, a real worker and a real beat, and kills Redis mid-test.
"""

import os
import re
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance
from certificates.models import Collation
from certificates.services.collation import start_collation
from certificates.services.sweep import sweep
from config.celery import app
from events.models import Notice, RosterEntry
from events.notices.sending import send_due_notices
from reports.models import ReportExport
from reports.services import request_export
from tests import checkins
from tests.certificates.helpers import close_sessions
from tests.checkins import post_scan, ticket
from tests.common import spare_redis as redis_servers
from tests.common.spare_redis import (
    celery_broker_at,
    free_port,
    production_cache_at,
    redis_url,
)
from tests.config.test_worker import wait_for, worker_database_url
from tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mật-khẩu-thử"  # tests.factories.UserFactory's

# The fixtures of check-in, as each app built on it has them in its conftest, and a Redis.
rush, course, _fresh_rate_limits = checkins.rush, checkins.course, checkins._fresh_rate_limits
spare_redis = redis_servers.spare_redis


@contextmanager
def redis_down():
    """The production cache and the broker, on a port where no Redis listens."""
    url = redis_url(free_port())
    with production_cache_at(url), celery_broker_at(url):
        yield


@contextmanager
def tasks_run_here():
    """What a worker would do, done in this process."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


def new_colleague(rush, name: str = "Hoàng Văn Tuấn"):
    return PersonFactory(full_name=name, agency=rush.people[0].agency)


# --- With Redis down ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_signed_in_before_the_outage_still_gets_the_roster_page(client, rush):
    client.force_login(rush.coordinator)

    with redis_down():
        response = client.get(reverse("attendance:roster", args=[rush.song_lo.pk]))

    assert response.status_code == 200
    assert response.context["user"] == rush.coordinator


@pytest.mark.django_db
def test_a_scan_is_recorded_while_redis_is_down(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[0]

    with redis_down():
        response = post_scan(client, rush.song_lo, ticket(entry))

    assert response.status_code == 200, response.content
    assert (response.json()["accepted"], response.json()["code"]) == (True, "checked_in")
    assert Attendance.objects.filter(entry=entry).exclude(checked_in_at=None).exists()


@pytest.mark.django_db
def test_a_walk_in_is_recorded_while_redis_is_down(client, rush):
    client.force_login(rush.coordinator)

    with redis_down():
        response = client.post(
            reverse("api:walk_in"),
            {
                "participation_id": rush.song_lo.pk,
                "full_name": "Vũ Thị Hoa",
                "agency": "UBND xã Lãng Công",
                "phone": "0912345678",
            },
            content_type="application/json",
        )

    assert response.status_code == 201, response.content
    assert RosterEntry.objects.get(pk=response.json()["id"]).person.full_name == "Vũ Thị Hoa"


@pytest.mark.django_db
def test_a_coordinator_signs_in_with_a_password_while_redis_is_down(client, rush):
    with redis_down():
        signed_in = client.post(
            reverse("login"), {"username": rush.coordinator.username, "password": PASSWORD}
        )
        home = client.get(reverse("home"))

    assert signed_in.status_code == 302
    assert home.status_code == 200
    assert home.context["user"] == rush.coordinator


@pytest.mark.django_db
def test_a_sign_in_link_asked_for_while_redis_is_down_is_mailed_from_the_web_at_once(
    client, django_capture_on_commit_callbacks
):
    person = PersonFactory(full_name="Vũ Văn Mạnh", email="manh.vv@songlo.example.vn")

    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sign_in_link_request"), {"email": person.email})

    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == [person.email]
    assert "token=" in message.body


@pytest.mark.django_db
def test_a_certificate_is_verified_while_redis_is_down(client):
    with redis_down():
        response = client.get(reverse("verify_certificate", args=["KHONGCO"]))

    assert response.status_code in (200, 404)


@pytest.mark.django_db
def test_adding_someone_to_a_roster_is_reported_as_saved_while_the_broker_is_down(
    client, rush, django_capture_on_commit_callbacks
):
    client.force_login(rush.coordinator)
    tuan = new_colleague(rush)

    with redis_down(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("attendance:roster_add", args=[rush.song_lo.pk]), {"person": [tuan.pk]}
        )

    # the page says it was added, and it was: the invitation waits in the outbox for the tick
    assert callbacks
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Đã thêm 1 người vào danh sách." in [str(m) for m in page.context["messages"]]
    entry = RosterEntry.objects.get(participation=rush.song_lo, person=tuan)
    invitation = Notice.objects.get(entry=entry, kind=Notice.Kind.INVITATION)
    assert invitation.status == Notice.Status.PENDING


@pytest.mark.django_db
def test_a_collation_asked_for_while_the_broker_is_down_is_run_by_the_sweep(
    course, django_capture_on_commit_callbacks, settings
):
    close_sessions(course.first, course.second)
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        collation = start_collation(actor=course.rush.organiser, programme=course.programme)

    collation.refresh_from_db()
    assert collation.status == Collation.Status.QUEUED

    # when beat's sweep comes by once the run is older than the stale limit
    stale = timezone.now() - timedelta(minutes=settings.CERTIFICATE_STALE_MINUTES + 1)
    Collation.objects.filter(pk=collation.pk).update(updated_at=stale)
    with tasks_run_here(), django_capture_on_commit_callbacks(execute=True):
        assert sweep()["restarted"] == 1

    collation.refresh_from_db()
    assert collation.status == Collation.Status.DONE


@pytest.mark.django_db
def test_a_report_export_asked_for_while_the_broker_is_down_is_saved_and_waits(
    rush, django_capture_on_commit_callbacks
):
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        export = request_export(
            actor=rush.organiser,
            kind=ReportExport.Kind.COVERAGE,
            file_format=ReportExport.Format.CSV,
            parameters={},
            rows_total=10,
        )

    assert ReportExport.objects.get(pk=export.pk).status == ReportExport.Status.QUEUED


@pytest.mark.django_db
def test_notices_are_sent_once_each_and_not_retried_when_the_rate_counter_is_down(rush):
    waiting = list(Notice.objects.filter(status=Notice.Status.PENDING).values_list("pk", flat=True))
    assert waiting

    with redis_down():
        report = send_due_notices(seconds=30)

    assert report.retried == 0
    assert report.sent == len(mail.outbox) > 0
    statuses = set(Notice.objects.filter(pk__in=waiting).values_list("status", flat=True))
    assert statuses <= {Notice.Status.SENT, Notice.Status.SKIPPED}


# --- A real Redis killed mid-test, with a real worker and beat ----------------------------


MESSAGE_ID = re.compile(r"<notice\.(\d+)\.[0-9a-f]{32}@[^>]+>")


class Celery:
    """A real worker and a real beat (ticking every second) on the spare Redis."""

    def __init__(self, redis_url: str, smtp_port: int) -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "SITE_URL": "http://testserver",
            "NOTICE_TICK_SECONDS": "1",
        }
        self.started: list[tuple[subprocess.Popen, Path, object]] = []

    def start(self, name: str, *arguments: str) -> None:
        log_path = ROOT / "var" / f"test-redis-outage-{name}.log"
        log = open(log_path, "w")  # noqa: SIM115 - closed in stop
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", name, *arguments, "-l", "INFO"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append((process, log_path, log))

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name} ---\n{path.read_text(errors='replace')}"
            for _p, path, _l in self.started
        )

    def stop(self) -> None:
        for process, _path, _log in self.started:
            if process.poll() is None:
                process.terminate()
        for process, _path, log in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            log.close()


@pytest.fixture
def celery_on_spare_redis(spare_redis, smtp_server):
    port, _inbox = smtp_server
    celery = Celery(spare_redis.url, port)
    schedule = ROOT / "var" / f"test-redis-outage-beat-{os.getpid()}"
    celery.start("worker", "--pool=solo", "-n", f"outage-{os.getpid()}@%h", "--without-mingle")
    celery.start("beat", "-s", str(schedule))
    try:
        yield celery
    finally:
        celery.stop()
        for leftover in schedule.parent.glob(f"{schedule.name}*"):
            leftover.unlink()


def delivered(inbox) -> Counter:
    """How many messages arrived for each notice, read from their Message-ID."""
    return Counter(
        int(MESSAGE_ID.fullmatch(message["Message-ID"]).group(1))
        for message in list(inbox.messages)
    )


def nothing_waiting() -> bool:
    return not Notice.objects.filter(
        status__in=[Notice.Status.PENDING, Notice.Status.SENDING]
    ).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_check_in_goes_on_through_a_redis_outage_and_notices_resume_when_it_returns(
    rush, spare_redis, smtp_server, celery_on_spare_redis, client
):
    _port, inbox = smtp_server
    celery = celery_on_spare_redis
    with production_cache_at(spare_redis.url), celery_broker_at(spare_redis.url):
        # given a coordinator signed in, and the invitations of the roster sent by the worker
        client.force_login(rush.coordinator)
        assert wait_for(nothing_waiting, timeout=40), celery.logs()
        sent_before = delivered(inbox)
        assert sent_before and set(sent_before.values()) == {1}, celery.logs()

        # when Redis dies
        spare_redis.kill()

        # then the roster page is served, a scan and a walk-in are recorded
        roster = client.get(reverse("attendance:roster", args=[rush.song_lo.pk]))
        assert roster.status_code == 200
        scan = post_scan(client, rush.song_lo, ticket(rush.entries[0]))
        assert (scan.status_code, scan.json()["code"]) == (200, "checked_in"), scan.content
        walk_in = client.post(
            reverse("api:walk_in"),
            {
                "participation_id": rush.song_lo.pk,
                "full_name": "Vũ Thị Hoa",
                "agency": "UBND xã Lãng Công",
                "phone": "0912345678",
            },
            content_type="application/json",
        )
        assert walk_in.status_code == 201, walk_in.content
        # and someone added to the roster is saved, their invitation waiting in the outbox
        tuan = new_colleague(rush)
        added = client.post(
            reverse("attendance:roster_add", args=[rush.song_lo.pk]), {"person": [tuan.pk]}
        )
        assert added.status_code == 302
        invitation = Notice.objects.get(person=tuan, kind=Notice.Kind.INVITATION)
        assert invitation.status == Notice.Status.PENDING
        time.sleep(2)  # beat would have ticked twice by now
        assert delivered(inbox) == sent_before

        # when Redis comes back, empty, on the same port
        spare_redis.start()

        # then the worker and beat find it again and the invitation goes, once
        assert wait_for(lambda: invitation.pk in delivered(inbox), timeout=40), celery.logs()
        assert wait_for(nothing_waiting, timeout=10), celery.logs()
        time.sleep(2)  # two more ticks: nothing goes twice
        assert delivered(inbox) == sent_before + Counter({invitation.pk: 1}), celery.logs()
        assert Attendance.objects.filter(entry__session=rush.session).count() == 2
        # and the page is still served, its session read again
        assert client.get(reverse("attendance:roster", args=[rush.song_lo.pk])).status_code == 200
