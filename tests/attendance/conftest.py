"""A session about to start at two of Vĩnh Phúc's district points (as on 03/11/2021, but
in twenty minutes), with a coordinator at Sông Lô and delegates on both rosters."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from directory.models import Person
from events.models import RosterEntry, Session, SessionPoint
from events.services import PointSelection, add_to_roster, assign_coordinator
from tests import factories
from tests.events.conftest import ministry_organiser, network, vinh_phuc_organiser  # noqa: F401
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
