"""A session three days ahead at two of Vĩnh Phúc's district points, with coordinators
who have e-mail addresses and delegates on both rosters: one reads English, one has only
a phone number."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from directory.models import Person
from events.models import RosterEntry, Session, SessionPoint
from events.services import PointSelection, add_to_roster, assign_coordinator
from events.signals import session_closed
from tests import factories
from tests.events.seeds import vinh_phuc_session


@dataclass
class Upcoming:
    session: Session
    song_lo: SessionPoint
    tam_dao: SessionPoint
    organiser: object
    coordinator: object
    tam_dao_coordinator: object
    manh: Person
    anh: Person
    dung: Person
    thang: Person

    def entry(self, person: Person) -> RosterEntry:
        return RosterEntry.objects.get(session=self.session, person=person)


@pytest.fixture
def upcoming(network, vinh_phuc_organiser) -> Upcoming:
    song_lo_point = next(p for p in network.district_points if p.unit.name.endswith("Sông Lô"))
    tam_dao_point = next(p for p in network.district_points if p.unit.name.endswith("Tam Đảo"))
    starts = (timezone.localtime() + timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    session = vinh_phuc_session(
        network,
        vinh_phuc_organiser,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        selection=PointSelection(add=(song_lo_point.pk, tam_dao_point.pk)),
        meeting_url="https://hop.vinhphuc.gov.vn/cchc",
        record_past=False,
    ).session
    coordinator = factories.coordinator(song_lo_point.unit, username="dau-moi-song-lo")
    coordinator.email = "daumoi.songlo@vinhphuc.gov.vn"
    coordinator.save()
    assign_coordinator(point=song_lo_point, user=coordinator)
    tam_dao_coordinator = factories.coordinator(tam_dao_point.unit, username="dau-moi-tam-dao")
    tam_dao_coordinator.email = "daumoi.tamdao@vinhphuc.gov.vn"
    tam_dao_coordinator.save()
    assign_coordinator(point=tam_dao_point, user=tam_dao_coordinator)
    song_lo = SessionPoint.objects.get(session=session, point=song_lo_point)
    tam_dao = SessionPoint.objects.get(session=session, point=tam_dao_point)
    agency = factories.AgencyFactory(name="UBND huyện Sông Lô", unit=song_lo_point.unit)
    manh = factories.PersonFactory(
        full_name="Vũ Văn Mạnh", agency=agency, email="manh.vv@songlo.vinhphuc.gov.vn"
    )
    anh = factories.PersonFactory(
        full_name="Trần Thị Ánh",
        agency=agency,
        email="anh.tt@songlo.vinhphuc.gov.vn",
        language="en",
    )
    dung = factories.PersonFactory(
        full_name="Đỗ Thị Dung", agency=agency, email="", phone="0912345678"
    )
    add_to_roster(actor=coordinator, participation=song_lo, person_ids=[manh.pk, anh.pk, dung.pk])
    thang = factories.PersonFactory(
        full_name="Phạm Đức Thắng",
        agency=factories.AgencyFactory(name="UBND huyện Tam Đảo", unit=tam_dao_point.unit),
        email="thang.pd@tamdao.vinhphuc.gov.vn",
    )
    add_to_roster(actor=tam_dao_coordinator, participation=tam_dao, person_ids=[thang.pk])
    return Upcoming(
        session=session,
        song_lo=song_lo,
        tam_dao=tam_dao,
        organiser=vinh_phuc_organiser,
        coordinator=coordinator,
        tam_dao_coordinator=tam_dao_coordinator,
        manh=manh,
        anh=anh,
        dung=dung,
        thang=thang,
    )


@pytest.fixture
def song_lo(network):
    return next(p for p in network.district_points if p.unit.name.endswith("Sông Lô"))


@pytest.fixture
def past(network, vinh_phuc_organiser, song_lo):
    """Make a session at Sông Lô that ended `days` ago, scheduled by Vĩnh Phúc's organiser."""
    vinh_phuc_organiser.email = "sonoivu@vinhphuc.gov.vn"
    vinh_phuc_organiser.save()

    def make(days: float, title: str = "Hội nghị triển khai CCHC") -> Session:
        ends = timezone.now() - timedelta(days=days)
        return vinh_phuc_session(
            network,
            vinh_phuc_organiser,
            title=title,
            starts_at=ends - timedelta(hours=3),
            ends_at=ends,
            selection=PointSelection(add=(network.vinh_phuc_point.pk, song_lo.pk)),
        ).session

    return make


@pytest.fixture
def closings():
    """Every `session_closed` signal sent, as (session id, actor)."""
    seen: list[tuple[int, object]] = []

    def receiver(sender, session, actor, **kwargs):
        seen.append((session.pk, actor))

    session_closed.connect(receiver, dispatch_uid="tests.closings")
    yield seen
    session_closed.disconnect(dispatch_uid="tests.closings")


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The send-rate counter and the heartbeat reading live in the cache."""
    cache.clear()
    yield
    cache.clear()
