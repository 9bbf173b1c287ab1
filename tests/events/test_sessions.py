"""Scheduling sessions through the service layer, rebuilding the 2021 seeds."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.selectors import scope_for
from events.models import Session, SessionChange, SessionPoint
from events.services import (
    PointSelection,
    UnitRule,
    cancel_session,
    change_session_points,
    reschedule_session,
)
from tests import factories
from tests.events.seeds import HCM, at, ministry_training, vinh_phuc_session


def test_ministry_training_reaches_the_ben_tre_point(network, ministry_organiser):
    scheduled = ministry_training(network, ministry_organiser)

    session = scheduled.session
    points = set(session.points.values_list("name", flat=True))
    assert "Điểm cầu tỉnh Bến Tre" in points
    assert points == {
        "Điểm cầu tỉnh Bến Tre",
        "Điểm cầu tỉnh Vĩnh Phúc",
        "Điểm cầu chính Bộ Nội vụ",
    }
    assert session.starts_at == at("2021-11-23", "08:00")
    assert [item.speaker for item in session.agenda_items.all()] == [
        "Lãnh đạo Vụ Cải cách hành chính"
    ] * 2
    assert session.programme.reform_areas.count() == 6
    assert session.changes.get().kind == SessionChange.Kind.SCHEDULED


def test_vinh_phuc_session_reaches_its_nine_district_points(network, vinh_phuc_organiser):
    session = vinh_phuc_session(network, vinh_phuc_organiser).session

    assert session.participations.count() == 9
    assert set(session.points.values_list("unit__name", flat=True)) == {
        unit.name for unit in network.districts
    }


def test_each_point_brings_its_default_chair(network, vinh_phuc_organiser):
    song_lo = network.district_points[-1]
    chair = factories.PersonFactory(full_name="Triệu Văn Chúc")
    song_lo.default_chair = chair
    song_lo.save()

    session = vinh_phuc_session(network, vinh_phuc_organiser).session

    assert SessionPoint.objects.get(session=session, point=song_lo).chair == chair


def test_a_past_start_needs_the_organiser_to_confirm_recording_it(network, ministry_organiser):
    with pytest.raises(ValidationError) as error:
        ministry_training(network, ministry_organiser, record_past=False)

    assert "starts_at" in error.value.message_dict
    assert not Session.objects.exists()


def test_end_before_start_is_refused_on_the_end_field(network, ministry_organiser):
    with pytest.raises(ValidationError) as error:
        ministry_training(network, ministry_organiser, ends_at=at("2021-11-23", "07:00"))

    assert "ends_at" in error.value.message_dict
    assert not Session.objects.exists()


@pytest.mark.parametrize("link", ["ftp://hop.example.vn/x", "javascript:alert(1)", "hop.vn"])
def test_a_meeting_link_must_be_http(network, ministry_organiser, link):
    with pytest.raises(ValidationError) as error:
        ministry_training(network, ministry_organiser, meeting_url=link)

    assert "meeting_url" in error.value.message_dict
    assert not Session.objects.exists()


def test_a_point_outside_the_scope_is_named_and_nothing_is_saved(network, vinh_phuc_organiser):
    selection = PointSelection(add=(network.district_points[0].pk, network.ben_tre_point.pk))

    with pytest.raises(ValidationError) as error:
        vinh_phuc_session(network, vinh_phuc_organiser, selection=selection)

    assert "Điểm cầu tỉnh Bến Tre" in error.value.message_dict["points"][0]
    assert not Session.objects.exists()


def test_a_unit_rule_outside_the_scope_is_refused(network, vinh_phuc_organiser):
    selection = PointSelection(rules=(UnitRule(unit_id=network.ben_tre.pk),))

    with pytest.raises(ValidationError):
        vinh_phuc_session(network, vinh_phuc_organiser, selection=selection)

    assert not Session.objects.exists()


def test_a_host_point_outside_the_scope_is_refused(network, vinh_phuc_organiser):
    with pytest.raises(ValidationError) as error:
        vinh_phuc_session(network, vinh_phuc_organiser, host_point=network.host)

    assert "host_point" in error.value.message_dict


def test_coordinators_cannot_schedule(network):
    coordinator = factories.coordinator(network.districts[0])

    with pytest.raises(PermissionDenied):
        vinh_phuc_session(network, coordinator)


def test_an_empty_choice_of_points_is_refused(network, vinh_phuc_organiser):
    with pytest.raises(ValidationError) as error:
        vinh_phuc_session(network, vinh_phuc_organiser, selection=PointSelection())

    assert "points" in error.value.message_dict


def test_every_province_means_the_provinces_of_the_sessions_day(network, ministry_organiser):
    today_province = factories.province("Tỉnh Vĩnh Long", "86", valid_from=date(2025, 7, 1))
    today_point = factories.BridgePointFactory(name="Điểm cầu tỉnh Vĩnh Long", unit=today_province)

    in_2021 = ministry_training(network, ministry_organiser).session
    next_year = datetime.now(HCM).replace(microsecond=0) + timedelta(days=365)
    in_future = ministry_training(
        network,
        ministry_organiser,
        starts_at=next_year,
        ends_at=next_year + timedelta(hours=3),
        agenda=(),
    ).session

    assert today_point not in in_2021.points.all()
    assert list(in_future.points.all()) == [today_point]


def test_individual_additions_and_removals_refine_a_rule(network, vinh_phuc_organiser):
    selection = PointSelection(
        rules=(UnitRule(unit_id=network.vinh_phuc.pk, level="district"),),
        add=(network.vinh_phuc_point.pk,),
        remove=(network.district_points[0].pk,),
    )

    session = vinh_phuc_session(network, vinh_phuc_organiser, selection=selection).session

    points = set(session.points.all())
    assert network.vinh_phuc_point in points
    assert network.district_points[0] not in points
    assert len(points) == 9


def test_scheduling_takes_the_same_queries_for_9_points_as_for_60(network, ministry_organiser):
    # given 51 more commune points under Sông Lô
    song_lo = network.districts[-1]
    for number in range(51):
        commune = factories.UnitFactory(
            name=f"Xã {number}", parent=song_lo, valid_until=song_lo.valid_until
        )
        factories.BridgePointFactory(unit=commune)
    programme = factories.ProgrammeFactory(created_by=ministry_organiser)
    nine = PointSelection(rules=(UnitRule(unit_id=network.vinh_phuc.pk, level="district"),))
    sixty = PointSelection(rules=(UnitRule(unit_id=network.vinh_phuc.pk),))
    scope_for(ministry_organiser)  # read once per request in real use; keep it out of both

    # when
    with CaptureQueriesContext(connection) as small:
        small_session = ministry_training(
            network, ministry_organiser, programme=programme, selection=nine
        ).session
    with CaptureQueriesContext(connection) as large:
        large_session = ministry_training(
            network, ministry_organiser, programme=programme, selection=sixty
        ).session

    # then
    assert small_session.participations.count() == 9
    assert large_session.participations.count() == 61
    assert len(large) == len(small)


def test_rescheduling_moves_the_agenda_grows_the_sequence_and_is_recorded(
    network, ministry_organiser
):
    session = ministry_training(network, ministry_organiser).session

    reschedule_session(
        actor=ministry_organiser,
        session=session,
        starts_at=at("2021-11-24", "14:00"),
        ends_at=at("2021-11-24", "17:30"),
        record_past=True,
    )

    session.refresh_from_db()
    assert session.sequence == 1
    assert session.agenda_items.first().starts_at == at("2021-11-24", "14:00")
    change = session.changes.get(kind=SessionChange.Kind.RESCHEDULED)
    assert change.actor == ministry_organiser
    assert datetime.fromisoformat(change.details["before"]["starts_at"]) == at(
        "2021-11-23", "08:00"
    )


def test_changing_points_is_recorded_with_what_changed(network, vinh_phuc_organiser):
    session = vinh_phuc_session(network, vinh_phuc_organiser).session
    song_lo = network.district_points[-1]

    change_session_points(
        actor=vinh_phuc_organiser,
        session=session,
        add=PointSelection(add=(network.vinh_phuc_point.pk,)),
        remove=(song_lo.pk,),
    )

    session.refresh_from_db()
    assert network.vinh_phuc_point in session.points.all()
    assert song_lo not in session.points.all()
    change = session.changes.get(kind=SessionChange.Kind.POINTS_CHANGED)
    assert change.details["added"] == 1
    assert change.details["removed_names"] == ["Điểm cầu Huyện Sông Lô"]
    assert session.sequence == 1


def test_removing_every_point_is_refused(network, vinh_phuc_organiser):
    session = vinh_phuc_session(network, vinh_phuc_organiser).session

    with pytest.raises(ValidationError):
        change_session_points(
            actor=vinh_phuc_organiser,
            session=session,
            remove=tuple(point.pk for point in network.district_points),
        )

    assert session.participations.count() == 9


def test_a_cancelled_session_keeps_its_reason_and_can_no_longer_change(
    network, vinh_phuc_organiser
):
    session = vinh_phuc_session(network, vinh_phuc_organiser).session

    cancel_session(actor=vinh_phuc_organiser, session=session, reason="Hoãn do mưa bão")

    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.changes.get(kind="cancelled").details == {"reason": "Hoãn do mưa bão"}
    with pytest.raises(ValidationError):
        cancel_session(actor=vinh_phuc_organiser, session=session, reason="lần nữa")


def test_cancelling_needs_a_reason(network, vinh_phuc_organiser):
    session = vinh_phuc_session(network, vinh_phuc_organiser).session

    with pytest.raises(ValidationError):
        cancel_session(actor=vinh_phuc_organiser, session=session, reason="  ")


def test_an_overlapping_booking_of_a_room_is_named(
    network, vinh_phuc_organiser, ministry_organiser
):
    # given the Vĩnh Phúc point booked on the morning of 23/11/2021
    first = vinh_phuc_session(
        network,
        vinh_phuc_organiser,
        title="Họp giao ban",
        starts_at=at("2021-11-23", "09:00"),
        ends_at=at("2021-11-23", "10:00"),
        selection=PointSelection(add=(network.vinh_phuc_point.pk,)),
    ).session

    # when the Ministry schedules its training over it
    conflicts = ministry_training(network, ministry_organiser).conflicts

    # then the organiser is told which session holds the room
    assert [(c.kind, c.point_name, c.other_title) for c in conflicts] == [
        ("room", "Điểm cầu tỉnh Vĩnh Phúc", "Họp giao ban")
    ]
    assert conflicts[0].other_session_id == first.pk


def test_a_coordinator_booked_elsewhere_is_named(network, vinh_phuc_organiser):
    coordinator = factories.UserFactory(username="dau-moi-song-lo")
    network.district_points[-1].coordinators.add(coordinator)
    network.district_points[-2].coordinators.add(coordinator)
    vinh_phuc_session(
        network,
        vinh_phuc_organiser,
        title="Họp tại Vĩnh Tường",
        selection=PointSelection(add=(network.district_points[-2].pk,)),
    )

    conflicts = vinh_phuc_session(
        network,
        vinh_phuc_organiser,
        selection=PointSelection(add=(network.district_points[-1].pk,)),
    ).conflicts

    assert [(c.kind, c.coordinator, c.other_title) for c in conflicts] == [
        ("coordinator", "dau-moi-song-lo", "Họp tại Vĩnh Tường")
    ]


def test_a_cancelled_session_holds_no_room(network, vinh_phuc_organiser, ministry_organiser):
    first = vinh_phuc_session(
        network,
        vinh_phuc_organiser,
        starts_at=at("2021-11-23", "09:00"),
        ends_at=at("2021-11-23", "10:00"),
        selection=PointSelection(add=(network.vinh_phuc_point.pk,)),
    ).session
    cancel_session(actor=vinh_phuc_organiser, session=first, reason="Hoãn")

    assert ministry_training(network, ministry_organiser).conflicts == []


def test_a_national_organiser_may_add_any_single_point(network, ministry_organiser):
    selection = PointSelection(add=(network.ben_tre_point.pk, network.district_points[0].pk))

    session = ministry_training(network, ministry_organiser, selection=selection).session

    assert set(session.points.all()) == {network.ben_tre_point, network.district_points[0]}


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        # the "every district of Vĩnh Phúc" for next month: the province has gone
        ("former_province", "Tỉnh Vĩnh Phúc không còn tồn tại vào ngày"),
        # every district of the country, after the districts were abolished
        ("districts", "Không còn cấp huyện sau ngày 30/06/2025"),
        # today's province, before anyone made its points
        ("empty_province", "chưa có điểm cầu nào đang hoạt động"),
    ],
)
def test_a_choice_with_no_point_says_why(network, ministry_organiser, rule, reason):
    today = factories.province("Tỉnh Phú Thọ", "25")
    rules = {
        "former_province": UnitRule(unit_id=network.vinh_phuc.pk, level="district"),
        "districts": UnitRule(level="district"),
        "empty_province": UnitRule(unit_id=today.pk, level="commune"),
    }
    starts = datetime.now().astimezone() + timedelta(days=30)

    with pytest.raises(ValidationError) as refused:
        vinh_phuc_session(
            network,
            ministry_organiser,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            host_point=network.host,
            selection=PointSelection(rules=(rules[rule],)),
            record_past=False,
        )

    messages = refused.value.message_dict["points"]
    assert messages[0] == "Lựa chọn không có điểm cầu nào đang hoạt động."
    assert reason in messages[1]
    assert not Session.objects.filter(starts_at=starts).exists()
