"""Certificates issued by real Celery workers on the real broker keep unique, gapless numbers.

Four collations run at once in four worker processes: the first programme's as a whole and
once for each of two of its points, and a second programme's of the same issuing body,
so the first programme's serial counter and the body's register counter are both fought
over (on SQLite one write lock serialises the workers' transactions anyway). A worker
killed half-way through a collation leaves the chunks it committed and nothing of the one
in flight; the sweep then runs the collation again on a new worker, which issues the rest
once.

The collations are thousands of people long, so that issuing takes several chunks of
`ISSUE_CHUNK`. Workers go on to draw the PDFs and record their hashes; this process draws
them again to the same bytes.
"""

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from attendance.models import Attendance
from certificates.models import Certificate, CertificateCounter, Collation
from certificates.pdf import render_pages
from certificates.services.collation import (
    ISSUE_CHUNK,
    RENDER_CHUNK,
    page_for,
    register_key,
    serial_key,
    start_collation,
)
from certificates.tasks import collate, sweep_certificates
from config.celery import app
from directory.collation import name_sort_key
from directory.models import Person
from events.models import RosterEntry, Session, SessionPoint
from events.services import PointSelection
from tests import factories
from tests.config.test_worker import wait_for, worker_database_url
from tests.events.seeds import vinh_phuc_session
from training.models import Programme
from training.services import set_completion_rule

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ISSUING_BODY = "Sở Nội vụ tỉnh Vĩnh Phúc"
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Hữu")
GIVEN = ("Anh", "Ánh", "Bình", "Cường", "Dũng", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hùng")
FINISHED = (Collation.Status.DONE, Collation.Status.FAILED)


# --- Data: programmes of thousands, built straight in the database ----------------------


@dataclass
class Held:
    """A programme with one session held three days ago and closed, and who completes it."""

    programme: Programme
    completing: set[int]


def new_people(network, count: int, *, first: int) -> list[int]:
    """`count` people of three agencies, with a phone (unique from `first`) and no e-mail,
    so that the certificate notices their rendering queues go nowhere."""
    agencies = [factories.AgencyFactory(unit=network.vinh_phuc) for _ in range(3)]
    people = []
    for number in range(first, first + count):
        name = f"{FAMILY[number % 10]} {MIDDLE[number // 10 % 8]} {GIVEN[number * 7 % 11]}"
        people.append(
            Person(
                full_name=name,
                sort_name=name_sort_key(name),
                agency=agencies[number % 3],
                phone=f"09{number:08d}",
            )
        )
    return [person.pk for person in Person.objects.bulk_create(people)]


def held_programme(network, organiser, *, code: str, points, person_ids: list[int]) -> Held:
    """One session of a new programme at `points`, three days ago, with everyone on its
    roster: of each ten, one stayed away and one left after 30 minutes; the rest stayed
    the three hours. Completing takes 60 minutes of the session."""
    programme = factories.ProgrammeFactory(
        code=code,
        unit=network.vinh_phuc,
        issuing_body=ISSUING_BODY,
        signer_name="Nguyễn Văn Khước",
        signer_title="GIÁM ĐỐC",
        signing_place="Vĩnh Phúc",
        created_by=organiser,
    )
    starts = timezone.now().replace(microsecond=0) - timedelta(days=3)
    session = vinh_phuc_session(
        network,
        organiser,
        programme=programme,
        title=f"Tập huấn {code}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        selection=PointSelection(add=tuple(point.pk for point in points)),
    ).session
    participations = list(SessionPoint.objects.filter(session=session).order_by("pk"))
    entries = RosterEntry.objects.bulk_create(
        RosterEntry(
            session=session,
            participation=participations[index % len(participations)],
            person_id=person_id,
            source=RosterEntry.Source.IMPORT,
        )
        for index, person_id in enumerate(person_ids)
    )
    completing, attendances = set(), []
    for index, entry in enumerate(entries):
        if index % 10 == 0:
            continue
        left = starts + timedelta(minutes=30) if index % 10 == 1 else None
        if left is None:
            completing.add(entry.person_id)
        attendances.append(
            Attendance(
                entry=entry,
                session=session,
                participation=entry.participation,
                checked_in_at=starts - timedelta(minutes=5),
                checked_out_at=left,
            )
        )
    Attendance.objects.bulk_create(attendances)
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.CLOSED, held_at=session.ends_at, closed_at=timezone.now()
    )
    set_completion_rule(
        actor=organiser,
        programme=programme,
        required_sessions=None,
        min_minutes_present=60,
        require_on_time=False,
        require_survey=False,
    )
    programme.refresh_from_db()
    return Held(programme=programme, completing=completing)


# --- Workers -------------------------------------------------------------------------------


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_ready(self) -> bool:
        return " ready." in self.log_path.read_text(errors="replace")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Workers:
    """Real `celery worker --pool=solo` processes on the test database and the run's queue,
    storing PDFs under `media`."""

    def __init__(self, media: Path) -> None:
        self.media = media
        self.started: list[tuple[Worker, object]] = []

    def start(self, **environment: str) -> Worker:
        number = len(self.started) + 1
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": worker_database_url(),
            "MEDIA_ROOT": str(self.media),
            "EMAIL_URL": "dummymail://",
            "SITE_URL": "http://testserver",
            **environment,
        }
        log_path = ROOT / "var" / f"test-certificate-worker-{number}.log"
        log = open(log_path, "w")  # noqa: SIM115 - closed in stop_all
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        name = f"certificates-{os.getpid()}-{number}@%h"
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

    def start_ready(self, count: int) -> list[Worker]:
        started = [self.start() for _ in range(count)]
        assert wait_for(lambda: all(worker.is_ready() for worker in started), timeout=60), (
            self.logs()
        )
        return started

    def logs(self) -> str:
        return "\n".join(
            f"--- {worker.log_path.name} ---\n{worker.log()}" for worker, _log in self.started
        )

    def failures(self) -> list[str]:
        """Tasks that raised, and tracebacks, in every worker's log."""
        return [
            line
            for worker, _log in self.started
            for line in worker.log().splitlines()
            if "raised unexpected" in line or line.startswith("Traceback")
        ]

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
def workers():
    # Rendering and the notices it queues are left in the queue when the test is over.
    with tempfile.TemporaryDirectory(prefix="diemcau-certificates-") as media:
        started = Workers(Path(media))
        try:
            yield started
        finally:
            started.stop_all()
            app.control.purge()


def start_from_an_empty_queue() -> None:
    app.control.purge()


def collations_finished(*collations: Collation) -> bool:
    return Collation.objects.filter(
        pk__in=[c.pk for c in collations], status__in=FINISHED
    ).count() == len(collations)


def inserting_certificates() -> bool:
    """Whether a worker is inserting certificates in a transaction not yet committed (by
    COPY, or by INSERT for a small chunk): what PostgreSQL shows of other connections.
    SQLite shows nothing, so there it is taken as so."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
            " AND (query LIKE %s OR query LIKE %s)",
            ['COPY "attendance_certificate" (%', 'INSERT INTO "attendance_certificate" (%'],
        )
        return cursor.fetchone()[0] > 0


def number_of(serial: str, programme: Programme) -> int:
    prefix, _dash, number = serial.rpartition("-")
    assert prefix == programme.code.upper(), serial
    return int(number)


def assert_one_certificate_each(held: Held) -> list[Certificate]:
    """Each person who completes holds one certificate of the programme, nobody else any;
    the serials are 1..N."""
    certificates = list(Certificate.objects.filter(programme=held.programme))
    holders = Counter(certificate.person_id for certificate in certificates)
    assert len(holders) == len(certificates), [p for p, n in holders.items() if n > 1][:10]
    assert set(holders) == held.completing
    serials = sorted(number_of(c.serial, held.programme) for c in certificates)
    assert serials == list(range(1, len(held.completing) + 1))
    counter = CertificateCounter.objects.get(key=serial_key(held.programme))
    assert counter.last == len(held.completing)
    for certificate in certificates:
        assert certificate.snapshot["serial"] == certificate.serial
        assert certificate.snapshot["register"] == certificate.register_label
        assert certificate.status == Certificate.Status.VALID
        assert certificate.version == 1
    return certificates


def assert_register_gapless(certificates: list[Certificate], programme: Programme) -> None:
    """One register for the issuing body this year, numbered 1..N."""
    year = timezone.localdate().year
    key = register_key(programme, year)
    assert {(c.register_key, c.register_year) for c in certificates} == {(key, year)}
    numbers = sorted(c.register_number for c in certificates)
    assert numbers == list(range(1, len(certificates) + 1))
    assert CertificateCounter.objects.get(key=key).last == len(certificates)


def assert_drawn_again_as_fingerprinted(certificates) -> None:
    """The workers stored no file; this process draws each again to the bytes they hashed."""
    certificates = list(certificates.select_related("programme").order_by("pk"))
    drawn = render_pages([page_for(c) for c in certificates])
    for certificate, data in zip(certificates, drawn, strict=True):
        assert not certificate.pdf
        assert data.startswith(b"%PDF-")
        assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256, certificate.serial


# --- Tests ---------------------------------------------------------------------------------


def test_workers_issuing_at_once_give_unique_gapless_serials_and_register_numbers(
    network, vinh_phuc_organiser, workers
):
    # given two programmes of Sở Nội vụ Vĩnh Phúc, held at district points: 5,000 people on
    # the first (4,000 complete), 4,000 on the second (3,200 complete), 1,500 on both
    points = network.district_points
    people = new_people(network, 7500, first=0)
    a = held_programme(
        network, vinh_phuc_organiser, code="cchc-vp-a", points=points[:3], person_ids=people[:5000]
    )
    b = held_programme(
        network, vinh_phuc_organiser, code="cchc-vp-b", points=points[2:5], person_ids=people[3500:]
    )
    assert (len(a.completing), len(b.completing)) == (4000, 3200)
    assert len(a.completing & b.completing) == 1200
    start_from_an_empty_queue()

    # when four workers are up, and at the same moment the first programme is collated as a
    # whole and for its second point (made directly: one run may wait per programme and
    # point) and for its first point, as its coordinator may ask, while the second
    # programme is collated once
    workers.start_ready(4)
    runs = [
        Collation.objects.create(programme=a.programme),
        Collation.objects.create(programme=b.programme),
        Collation.objects.create(programme=a.programme, point=points[1]),
    ]
    for run in runs:
        collate.delay(run.pk)
    runs.append(start_collation(actor=vinh_phuc_organiser, programme=a.programme, point=points[0]))
    assert len({run.pk for run in runs}) == 4
    assert wait_for(lambda: collations_finished(*runs), timeout=120), workers.logs()

    # then every run is done, and there was a moment when all four were running
    logs = workers.logs()
    assert not workers.failures(), logs
    first_a, run_b, second_a, at_point = runs = [Collation.objects.get(pk=r.pk) for r in runs]
    assert (first_a.point_id, second_a.point_id) == (None, points[1].pk)
    assert [run.status for run in runs] == [Collation.Status.DONE] * 4, [r.error for r in runs]
    assert max(run.started_at for run in runs) < min(run.finished_at for run in runs)
    # each person who completes holds one certificate of each programme, numbered 1..N
    certificates_a = assert_one_certificate_each(a)
    certificates_b = assert_one_certificate_each(b)
    # and the body's register counts both programmes' certificates once, without a gap
    assert_register_gapless([*certificates_a, *certificates_b], a.programme)
    # the first programme's three runs issued its 4,000 between them, each run its own
    assert first_a.issued + second_a.issued + at_point.issued == 4000
    assert run_b.issued == 3200
    for run in runs:
        assert Certificate.objects.filter(collation=run).count() == run.issued
        assert run.stage == Collation.Stage.FINISHED
    assert {c.point_id for c in certificates_a if c.collation_id == at_point.pk} <= {points[0].pk}


def test_worker_killed_during_collation_rerun_completes_without_duplicates(
    network, vinh_phuc_organiser, workers
):
    # given a programme of 7,000 people, of whom 5,600 complete: three chunks to issue
    people = new_people(network, 7000, first=0)
    held = held_programme(
        network,
        vinh_phuc_organiser,
        code="cchc-vp-2025",
        points=network.district_points[:4],
        person_ids=people,
    )
    total = len(held.completing)
    assert total == 5600 and total > 2 * ISSUE_CHUNK
    start_from_an_empty_queue()

    # when a worker starts the collation and is killed once the first chunk is issued,
    # while it inserts a later one (its numbers taken, not yet committed)
    (first,) = workers.start_ready(1)
    run = Collation.objects.create(programme=held.programme)
    collate.delay(run.pk)

    def a_chunk_in_and_another_in_flight() -> bool:
        return Collation.objects.get(pk=run.pk).issued >= ISSUE_CHUNK and inserting_certificates()

    deadline = time.monotonic() + 60
    while not a_chunk_in_and_another_in_flight():
        assert time.monotonic() < deadline, workers.logs()
        time.sleep(0.01)
    os.kill(first.pid, signal.SIGKILL)
    first.process.wait(timeout=10)

    # then it left whole chunks and nothing of the one in flight, not even its numbers
    run.refresh_from_db()
    assert (run.status, run.stage, run.to_issue) == (
        Collation.Status.RUNNING,
        Collation.Stage.ISSUING,
        total,
    )
    issued_before = Certificate.objects.filter(programme=held.programme).count()
    assert issued_before % ISSUE_CHUNK == 0 and ISSUE_CHUNK <= issued_before < total
    assert ISSUE_CHUNK <= run.issued <= issued_before
    for key in (
        serial_key(held.programme),
        register_key(held.programme, timezone.localdate().year),
    ):
        assert CertificateCounter.objects.get(key=key).last == issued_before

    # when, the run untouched for longer than the stale limit, a new worker takes beat's sweep
    Collation.objects.filter(pk=run.pk).update(
        updated_at=timezone.now() - timedelta(minutes=settings.CERTIFICATE_STALE_MINUTES + 1)
    )
    second = workers.start()
    sweep_certificates.delay()
    assert wait_for(lambda: collations_finished(run), timeout=90), workers.logs()

    # then the sweep ran the collation again, which issued the rest, once each
    logs = workers.logs()
    assert "'restarted': 1" in second.log(), logs
    assert not workers.failures(), logs
    run.refresh_from_db()
    assert run.status == Collation.Status.DONE, run.error
    assert (run.to_issue, run.issued) == (total - issued_before, total - issued_before)
    certificates = assert_one_certificate_each(held)
    assert_register_gapless(certificates, held.programme)
    assert {c.collation_id for c in certificates} == {run.pk}

    # and the worker goes on to fingerprint them: each drawn again here is the one it hashed
    def rendered():
        return Certificate.objects.exclude(rendered_at=None)

    assert wait_for(lambda: rendered().count() >= RENDER_CHUNK, timeout=60), workers.logs()
    assert_drawn_again_as_fingerprinted(rendered())
