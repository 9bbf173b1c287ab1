"""Check-in fixtures and helpers, imported by the conftest of each app built on check-in: a
session about to start at two of Vĩnh Phúc's district points (as on 03/11/2021, but in
twenty minutes), with a coordinator at Sông Lô and delegates on both rosters; a course;
eager tasks; the seeds' demo province."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from directory.models import Person
from events.models import RosterEntry, Session, SessionPoint
from events.services import PointSelection, add_to_roster, assign_coordinator
from tests import factories
from tests.events.seeds import vinh_phuc_session


@dataclass
class Rush:
    session: Session
    song_lo: SessionPoint
    tam_dao: SessionPoint
    coordinator: object
    tam_dao_coordinator: object
    organiser: object
    people: list[Person]
    entries: list[RosterEntry]
    tam_dao_entry: RosterEntry


@pytest.fixture
def rush(network, vinh_phuc_organiser) -> Rush:
    song_lo_point = next(p for p in network.district_points if p.unit.name.endswith("Sông Lô"))
    tam_dao_point = next(p for p in network.district_points if p.unit.name.endswith("Tam Đảo"))
    starts = timezone.now().replace(microsecond=0) + timedelta(minutes=20)
    session = vinh_phuc_session(
        network,
        vinh_phuc_organiser,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        selection=PointSelection(add=(song_lo_point.pk, tam_dao_point.pk)),
        record_past=False,
    ).session
    coordinator = factories.coordinator(song_lo_point.unit, username="dau-moi-song-lo")
    assign_coordinator(point=song_lo_point, user=coordinator)
    tam_dao_coordinator = factories.coordinator(tam_dao_point.unit, username="dau-moi-tam-dao")
    assign_coordinator(point=tam_dao_point, user=tam_dao_coordinator)
    song_lo = SessionPoint.objects.get(session=session, point=song_lo_point)
    tam_dao = SessionPoint.objects.get(session=session, point=tam_dao_point)
    agency = factories.AgencyFactory(name="UBND huyện Sông Lô", unit=song_lo_point.unit)
    people = [
        factories.PersonFactory(full_name=name, agency=agency)
        for name in ("Nguyễn Văn Mạnh", "Trần Thị Ánh", "Lê Văn Anh", "Đỗ Thị Dung")
    ]
    add_to_roster(actor=coordinator, participation=song_lo, person_ids=[p.pk for p in people])
    tam_dao_person = factories.PersonFactory(
        full_name="Phạm Đức Thắng",
        agency=factories.AgencyFactory(name="UBND huyện Tam Đảo", unit=tam_dao_point.unit),
    )
    add_to_roster(actor=tam_dao_coordinator, participation=tam_dao, person_ids=[tam_dao_person.pk])
    return Rush(
        session=session,
        song_lo=song_lo,
        tam_dao=tam_dao,
        coordinator=coordinator,
        tam_dao_coordinator=tam_dao_coordinator,
        organiser=vinh_phuc_organiser,
        people=people,
        entries=list(RosterEntry.objects.filter(participation=song_lo).order_by("pk")),
        tam_dao_entry=RosterEntry.objects.get(person=tam_dao_person),
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Scan rate counters live in the cache; each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def ticket(entry: RosterEntry) -> str:
    """The QR text on the entry's invitation, as it stands now."""
    from attendance.tickets import ticket_for

    entry.refresh_from_db(fields=["ticket_version"])
    return ticket_for(entry.pk, entry.ticket_version)


def post_scan(client, participation: SessionPoint | int, payload: str = "", **fields: object):
    """What a scanner phone sends: a fresh scan id unless one is given."""
    import uuid

    from django.urls import reverse

    body = {
        "scan_id": str(fields.pop("scan_id", None) or uuid.uuid4()),
        "device_id": "dien-thoai-1",
        "participation_id": getattr(participation, "pk", participation),
        "payload": payload,
        **fields,
    }
    for key in ("scanned_at",):
        if hasattr(body.get(key), "isoformat"):
            body[key] = body[key].isoformat()
    return client.post(reverse("api:scan"), body, content_type="application/json")


def attendee_of(entry: RosterEntry, username: str | None = None):
    """Give the entry's person an account, as the sign-in link does; returns the user."""
    user = factories.UserFactory(username=username) if username else factories.UserFactory()
    entry.person.user = user
    entry.person.save()
    return user


def move_start_into_past(session: Session, *, ago: timedelta, length: timedelta) -> Session:
    """The session started `ago` (straight in the database, as scheduling forbids it)."""
    starts = timezone.now().replace(microsecond=0) - ago
    Session.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + length)
    session.refresh_from_db()
    return session


@dataclass
class Course:
    """Vĩnh Phúc's programme with two sessions held at Sông Lô and Tam Đảo, both over:
    Mạnh and Dung attended both, Ánh the first and 35 minutes of the second, Anh neither,
    Thắng (Tam Đảo) both, arriving late to the second."""

    programme: object
    first: Session
    second: Session
    rush: Rush
    people: dict[str, Person]


def attend(entry: RosterEntry, arrived, left=None) -> None:
    from attendance.models import Attendance

    Attendance.objects.create(
        entry=entry,
        session_id=entry.session_id,
        participation_id=entry.participation_id,
        checked_in_at=arrived,
        checked_out_at=left,
    )


@pytest.fixture
def course(rush, network) -> Course:
    from training.services import set_completion_rule

    first = move_start_into_past(rush.session, ago=timedelta(days=2), length=timedelta(hours=3))
    programme = first.programme
    programme.code = "cchc-vp-2021"
    programme.signer_name = "Nguyễn Văn Khước"
    programme.signer_title = "GIÁM ĐỐC"
    programme.signing_place = "Vĩnh Phúc"
    programme.save()
    starts = timezone.now().replace(microsecond=0) - timedelta(hours=5)
    second = vinh_phuc_session(
        network,
        rush.organiser,
        programme=programme,
        title="Tập huấn nghiệp vụ CCHC, buổi 2",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        selection=PointSelection(add=(rush.song_lo.point_id, rush.tam_dao.point_id)),
        record_past=True,
    ).session
    second_song_lo = SessionPoint.objects.get(session=second, point_id=rush.song_lo.point_id)
    second_tam_dao = SessionPoint.objects.get(session=second, point_id=rush.tam_dao.point_id)
    manh, anh_t, anh, dung = rush.people
    thang = rush.tam_dao_entry.person
    add_to_roster(
        actor=rush.coordinator, participation=second_song_lo, person_ids=[p.pk for p in rush.people]
    )
    add_to_roster(
        actor=rush.tam_dao_coordinator, participation=second_tam_dao, person_ids=[thang.pk]
    )
    entries = {
        (entry.session_id, entry.person_id): entry
        for entry in RosterEntry.objects.filter(session__in=[first, second])
    }
    for person in (manh, dung, thang, anh_t):
        attend(entries[first.pk, person.pk], first.starts_at - timedelta(minutes=10))
    for person in (manh, dung):
        attend(entries[second.pk, person.pk], second.starts_at)
    attend(
        entries[second.pk, anh_t.pk],
        second.starts_at + timedelta(minutes=5),
        second.starts_at + timedelta(minutes=40),
    )
    attend(entries[second.pk, thang.pk], second.starts_at + timedelta(minutes=25))
    set_completion_rule(
        actor=rush.organiser,
        programme=programme,
        required_sessions=None,
        min_minutes_present=60,
        require_on_time=False,
        require_survey=False,
    )
    programme.refresh_from_db()
    return Course(
        programme=programme,
        first=first,
        second=second,
        rush=rush,
        people={"manh": manh, "anh_t": anh_t, "anh": anh, "dung": dung, "thang": thang},
    )


@pytest.fixture
def eager_tasks():
    """Tasks sent on commit run in this process (what a worker would do), then back."""
    from celery import current_app

    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


@pytest.fixture
def demo(db):
    """The seeds' demo province (tests/reports/test_reports.py)."""
    from tests.reports.test_reports import build_demo_province

    return build_demo_province()
