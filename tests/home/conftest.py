"""Two of today's provinces, each with its organiser, communes and points, and sessions in
every state the organiser's home cares about: to be held, ended but not closed, closed;
excuse requests, failed notices and surveys still open after their session."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from attendance.models import Attendance
from directory.models import AdministrativeUnit, Person
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.notices.models import Notice
from surveys.models import Survey
from tests import factories


@dataclass
class Province:
    unit: AdministrativeUnit
    organiser: object
    points: list[BridgePoint]
    upcoming: list[Session] = field(default_factory=list)
    overdue: list[Session] = field(default_factory=list)
    closed: Session | None = None
    excuses: list[Attendance] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    coordinator: object = None
    programme: object = None
    agency: object = None


def _session(province: Province, title: str, *, starts_in: timedelta, points: int, **fields):
    starts = timezone.now() + starts_in
    session = Session.objects.create(
        programme=province.programme,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        host_point=province.points[0],
        created_by=province.organiser,
        **fields,
    )
    SessionPoint.objects.bulk_create(
        SessionPoint(session=session, point=point) for point in province.points[:points]
    )
    return session


def _request_excuses(province: Province, session: Session, count: int) -> list[Attendance]:
    participations = list(SessionPoint.objects.filter(session=session).order_by("pk"))
    attendances = []
    for index in range(count):
        person = factories.PersonFactory(
            full_name=f"Đại biểu {province.unit.code}-{session.pk}-{index:02d}",
            agency=province.agency,
        )
        participation = participations[index % len(participations)]
        entry = RosterEntry.objects.create(
            session=session, participation=participation, person=person, source="directory"
        )
        attendances.append(
            Attendance.objects.create(
                entry=entry,
                session=session,
                participation=participation,
                excuse=Attendance.Excuse.REQUESTED,
                excuse_reason="Đi công tác theo lịch của UBND",
            )
        )
    return attendances


def build_province(
    name: str,
    code: str,
    *,
    points: int = 4,
    upcoming: int = 2,
    overdue: int = 2,
    excuses: int = 5,
    failed: int = 3,
) -> Province:
    """A province of today with `points` commune points (the first one kept by a
    coordinator), its organiser, and sessions, excuses, failed notices and a survey."""
    unit = factories.province(name, code)
    communes = [
        factories.UnitFactory(name=f"Xã {name[5:]} {index}", code=f"{code}{index:03d}", parent=unit)
        for index in range(points)
    ]
    organiser = factories.organiser(unit, username=f"to-chuc-{code}")
    point_rows = [
        factories.BridgePointFactory(name=f"Điểm cầu {commune.name}", unit=commune)
        for commune in communes
    ]
    coordinator = factories.coordinator(communes[0], username=f"dau-moi-{code}")
    point_rows[0].coordinators.add(coordinator)
    province = Province(unit=unit, organiser=organiser, points=point_rows, coordinator=coordinator)
    province.programme = factories.ProgrammeFactory(
        title=f"Tập huấn CCHC {name}", unit=unit, created_by=organiser, reform_areas=[]
    )
    province.agency = factories.AgencyFactory(name=f"UBND {name}", unit=unit)
    province.upcoming = [
        _session(
            province, f"Sắp tới {name} {index}", starts_in=timedelta(days=index + 1), points=points
        )
        for index in range(upcoming)
    ]
    province.overdue = [
        _session(
            province,
            f"Chưa đóng {name} {index}",
            starts_in=-timedelta(days=index + 2),
            points=points,
        )
        for index in range(overdue)
    ]
    province.closed = _session(
        province,
        f"Đã đóng {name}",
        starts_in=-timedelta(days=30),
        points=1,
        status=Session.Status.CLOSED,
    )
    target = province.overdue[0] if province.overdue else province.upcoming[0]
    province.excuses = _request_excuses(province, target, excuses)
    # A request left on a closed session can no longer be decided: the home leaves it out.
    _request_excuses(province, province.closed, 1)
    participation = SessionPoint.objects.filter(session=province.upcoming[0]).first()
    Notice.objects.bulk_create(
        Notice(
            session=province.upcoming[0],
            kind=Notice.Kind.REMINDER,
            planned_for=timezone.now() - timedelta(minutes=index),
            person=factories.PersonFactory(agency=province.agency),
            participation=participation,
            status=Notice.Status.FAILED,
            problem=Notice.Problem.REFUSED,
            due_at=timezone.now(),
        )
        for index in range(failed)
    )
    if province.overdue:
        Survey.objects.create(
            session=province.overdue[0],
            title=f"Khảo sát {name}",
            opens_at=province.overdue[0].ends_at,
            closes_at=province.overdue[0].ends_at + timedelta(days=7),
        )
    return province


@pytest.fixture
def phu_tho(db) -> Province:
    return build_province("Tỉnh Phú Thọ", "25")


@pytest.fixture
def vinh_long(db) -> Province:
    return build_province("Tỉnh Vĩnh Long", "86")
