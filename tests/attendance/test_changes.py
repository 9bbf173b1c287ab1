"""Changes made by hand at a point: undoing a check-in, walk-ins at the door, corrected
times and excuses. Each says who, when and why; a closed session refuses them all; nothing
is ever deleted."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from attendance.models import Attendance, AttendanceChange, Method, ScanAttempt
from attendance.services import (
    ScanRequest,
    check_in_walk_in,
    correct_times,
    decide_excuse,
    record_scan,
    request_excuse,
    undo_check_in,
)
from attendance.tickets import ticket_for
from directory.models import Agency, Person
from events.models import RosterChange, RosterEntry
from events.services import PersonDetails, close_session, remove_from_roster
from tests import factories
from tests.checkins import move_start_into_past, ticket

pytestmark = pytest.mark.django_db

TAM_DAO_POINT = "Điểm cầu Huyện Tam Đảo"


def scan(rush, entry, *, actor=None):
    return record_scan(
        actor=actor or rush.coordinator,
        request=ScanRequest(
            participation_id=entry.participation_id,
            payload=ticket(entry),
            scan_id=uuid.uuid4(),
            device_id="dien-thoai-1",
        ),
    )


def everything() -> dict[str, list]:
    """Every row a change could touch, to show a refused change touched none."""
    return {
        "attendance": list(Attendance.objects.order_by("pk").values()),
        "changes": list(AttendanceChange.objects.order_by("pk").values()),
        "roster": list(RosterEntry.objects.order_by("pk").values()),
        "roster_changes": list(RosterChange.objects.order_by("pk").values("pk")),
        "people": list(Person.objects.order_by("pk").values("pk")),
        "agencies": list(Agency.objects.order_by("pk").values("pk")),
    }


def iso(moment: datetime) -> str:
    return moment.isoformat()


# Undoing a check-in


def test_undoing_a_check_in_needs_a_reason(rush):
    entry = rush.entries[0]
    scan(rush, entry)
    before = everything()

    with pytest.raises(ValidationError) as refused:
        undo_check_in(actor=rush.coordinator, entry=entry, reason="   ")

    assert "reason" in refused.value.message_dict
    assert everything() == before


def test_undoing_a_check_in_clears_it_and_records_what_it_was(rush):
    entry = rush.entries[0]
    scan(rush, entry)
    arrived = Attendance.objects.get(entry=entry).checked_in_at

    undo_check_in(actor=rush.coordinator, entry=entry, reason=" Quét nhầm người ")

    attendance = Attendance.objects.get(entry=entry)
    assert (attendance.checked_in_at, attendance.checked_out_at) == (None, None)
    assert attendance.check_in_method == ""
    assert attendance.status == Attendance.Status.ABSENT
    change = AttendanceChange.objects.get(attendance=attendance)
    assert change.kind == AttendanceChange.Kind.UNDONE
    assert (change.actor, change.reason) == (rush.coordinator, "Quét nhầm người")
    assert change.before == {
        "checked_in_at": iso(arrived),
        "checked_out_at": None,
        "method": Method.SCAN,
    }
    assert change.created_at is not None
    assert ScanAttempt.objects.filter(entry=entry, reason="checked_in").count() == 1


def test_after_an_undo_the_person_can_be_scanned_again(rush):
    entry = rush.entries[0]
    scan(rush, entry)
    undo_check_in(actor=rush.coordinator, entry=entry, reason="Quét nhầm người")

    result = scan(rush, entry)

    assert result.code == "checked_in"
    assert Attendance.objects.get(entry=entry).checked_in_at == result.time


def test_undoing_someone_who_has_not_checked_in_is_refused(rush):
    with pytest.raises(ValidationError):
        undo_check_in(actor=rush.coordinator, entry=rush.entries[0], reason="Nhầm")

    assert not AttendanceChange.objects.exists()


def test_undoing_through_the_api(client, rush):
    entry = rush.entries[0]
    scan(rush, entry)
    client.force_login(rush.coordinator)

    response = client.post(
        reverse("api:undo", args=[entry.pk]),
        {"reason": "Quét nhầm người"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["id"] == entry.pk
    assert Attendance.objects.get(entry=entry).checked_in_at is None


def test_undoing_through_the_api_without_a_reason_answers_400_naming_the_field(client, rush):
    entry = rush.entries[0]
    scan(rush, entry)
    client.force_login(rush.coordinator)

    response = client.post(
        reverse("api:undo", args=[entry.pk]), {"reason": ""}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert Attendance.objects.get(entry=entry).checked_in_at is not None


def test_a_coordinator_cannot_undo_a_check_in_at_another_point(client, rush):
    entry = rush.entries[0]
    scan(rush, entry)
    before = everything()
    client.force_login(rush.tam_dao_coordinator)

    response = client.post(
        reverse("api:undo", args=[entry.pk]),
        {"reason": "Phá đám"},
        content_type="application/json",
    )
    with pytest.raises(PermissionDenied):
        undo_check_in(actor=rush.tam_dao_coordinator, entry=entry, reason="Phá đám")

    assert response.status_code == 404
    assert everything() == before


def test_an_organiser_over_the_point_may_undo(rush):
    entry = rush.entries[0]
    scan(rush, entry)

    undo_check_in(actor=rush.organiser, entry=entry, reason="Đầu mối báo quét nhầm")

    assert AttendanceChange.objects.get().actor == rush.organiser


# Walk-ins at the door


def test_someone_new_at_the_door_joins_the_directory_and_is_checked_in(rush):
    unit = rush.song_lo.point.unit

    entry = check_in_walk_in(
        actor=rush.coordinator,
        participation=rush.song_lo,
        details=PersonDetails(
            full_name="  Vũ   Thị Hoa ",
            agency="UBND xã Lãng Công",
            position="Công chức Văn phòng - Thống kê",
            phone="0912 345 678",
        ),
    )

    person = Person.objects.get(phone="0912345678")
    assert person.full_name == "Vũ Thị Hoa"
    assert (person.agency.name, person.agency.unit) == ("UBND xã Lãng Công", unit)
    assert (entry.person, entry.participation, entry.source) == (
        person,
        rush.song_lo,
        RosterEntry.Source.WALK_IN,
    )
    attendance = Attendance.objects.get(entry=entry)
    assert attendance.checked_in_at is not None
    assert (attendance.check_in_method, attendance.checked_in_by) == (
        Method.WALK_IN,
        rush.coordinator,
    )
    change = AttendanceChange.objects.get(attendance=attendance)
    assert (change.kind, change.actor) == (AttendanceChange.Kind.WALK_IN, rush.coordinator)
    assert change.after == {"checked_in_at": iso(attendance.checked_in_at)}
    assert RosterChange.objects.filter(entry=entry, kind=RosterChange.Kind.ADDED).exists()


def test_a_walk_in_joins_an_agency_of_the_points_unit_already_in_the_directory(rush):
    agency = Agency.objects.get(name="UBND huyện Sông Lô")

    entry = check_in_walk_in(
        actor=rush.coordinator,
        participation=rush.song_lo,
        details=PersonDetails(
            full_name="Bùi Văn Quý", agency="UBND huyện Sông Lô", email="Quy.BV@songlo.vn"
        ),
    )

    assert entry.person.agency == agency
    assert entry.person.email == "quy.bv@songlo.vn"


def test_a_walk_in_already_in_the_directory_is_matched_by_phone(rush):
    known = factories.PersonFactory(
        full_name="Lê Thị Hồng",
        agency=rush.people[0].agency,
        phone="0987654321",
    )
    people = Person.objects.count()

    entry = check_in_walk_in(
        actor=rush.coordinator,
        participation=rush.song_lo,
        details=PersonDetails(full_name="Hồng", phone="+84 987 654 321"),
    )

    assert entry.person == known
    assert Person.objects.count() == people
    assert Attendance.objects.get(entry=entry).checked_in_at is not None


def test_a_walk_in_on_another_points_roster_is_refused_naming_that_point(rush):
    thang = rush.tam_dao_entry.person
    thang.phone = "0977111222"
    thang.save()
    before = everything()

    with pytest.raises(ValidationError) as refused:
        check_in_walk_in(
            actor=rush.organiser,
            participation=rush.song_lo,
            details=PersonDetails(full_name="Phạm Đức Thắng", phone="0977111222"),
        )

    assert TAM_DAO_POINT in " ".join(refused.value.messages)
    assert "Phạm Đức Thắng" in " ".join(refused.value.messages)
    assert everything() == before


def test_a_coordinator_cannot_walk_in_someone_from_outside_their_area(rush):
    thang = rush.tam_dao_entry.person
    thang.phone = "0977111222"
    thang.save()
    before = everything()

    with pytest.raises(ValidationError) as refused:
        check_in_walk_in(
            actor=rush.coordinator,
            participation=rush.song_lo,
            details=PersonDetails(full_name="Phạm Đức Thắng", phone="0977111222"),
        )

    assert "phone" in refused.value.message_dict
    assert everything() == before


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (PersonDetails(full_name="Vũ Thị Hoa", agency="UBND xã Lãng Công"), "phone"),
        (PersonDetails(full_name="Vũ Thị Hoa", agency="UBND xã Lãng Công", phone="12345"), "phone"),
        (PersonDetails(full_name="Vũ Thị Hoa", agency="UBND", email="hoa@"), "email"),
        (PersonDetails(full_name=" ", agency="UBND xã Lãng Công", phone="0912345678"), "full_name"),
        (PersonDetails(full_name="Vũ Thị Hoa", phone="0912345678"), "agency"),
    ],
)
def test_a_walk_in_with_missing_or_wrong_details_is_refused_with_a_field_error(
    rush, details, field
):
    before = everything()

    with pytest.raises(ValidationError) as refused:
        check_in_walk_in(actor=rush.coordinator, participation=rush.song_lo, details=details)

    assert field in refused.value.message_dict
    assert everything() == before


def test_a_walk_in_through_the_api(client, rush):
    client.force_login(rush.coordinator)

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
    body = response.json()
    assert (body["name"], body["agency"]) == ("Vũ Thị Hoa", "UBND xã Lãng Công")
    assert body["checked_in_at"] is not None
    assert RosterEntry.objects.get(pk=body["id"]).participation == rush.song_lo


def test_a_walk_in_through_the_api_without_phone_or_email_answers_400(client, rush):
    client.force_login(rush.coordinator)
    before = everything()

    response = client.post(
        reverse("api:walk_in"),
        {"participation_id": rush.song_lo.pk, "full_name": "Vũ Thị Hoa", "agency": "UBND"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "phone" in response.json()["errors"]
    assert everything() == before


def test_a_coordinator_cannot_add_a_walk_in_at_another_point(client, rush):
    client.force_login(rush.tam_dao_coordinator)
    before = everything()

    response = client.post(
        reverse("api:walk_in"),
        {"participation_id": rush.song_lo.pk, "full_name": "Khách", "phone": "0912345678"},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert everything() == before


# Correcting times


def test_a_coordinator_corrects_arrival_and_departure_with_a_reason(rush):
    entry = rush.entries[0]
    scan(rush, entry)
    scanned = Attendance.objects.get(entry=entry).checked_in_at
    starts = rush.session.starts_at

    attendance = correct_times(
        actor=rush.coordinator,
        entry=entry,
        checked_in_at=starts - timedelta(minutes=5),
        checked_out_at=starts + timedelta(hours=1),
        reason="Rời hội nghị lúc 9 giờ theo giấy mời họp khác",
    )

    attendance.refresh_from_db()
    assert attendance.checked_in_at == starts - timedelta(minutes=5)
    assert attendance.checked_out_at == starts + timedelta(hours=1)
    assert (attendance.check_in_method, attendance.checked_in_by) == (
        Method.MANUAL,
        rush.coordinator,
    )
    assert attendance.status == Attendance.Status.LEFT_EARLY
    assert attendance.minutes_present == 60
    change = AttendanceChange.objects.get(attendance=attendance)
    assert change.kind == AttendanceChange.Kind.TIME_CORRECTED
    assert change.before == {"checked_in_at": iso(scanned), "checked_out_at": None}
    assert change.after == {
        "checked_in_at": iso(starts - timedelta(minutes=5)),
        "checked_out_at": iso(starts + timedelta(hours=1)),
    }


def test_times_can_be_set_for_someone_the_scanner_missed(rush):
    entry = rush.entries[1]

    correct_times(
        actor=rush.coordinator,
        entry=entry,
        checked_in_at=rush.session.starts_at,
        checked_out_at=None,
        reason="Máy quét hỏng, điểm danh trên giấy",
    )

    assert Attendance.objects.get(entry=entry).status == Attendance.Status.ON_TIME


@pytest.mark.parametrize(
    ("arrival", "departure", "reason", "field"),
    [
        (timedelta(0), None, " ", "reason"),
        (None, timedelta(hours=1), "Sửa giờ", "checked_out_at"),
        (timedelta(hours=1), timedelta(hours=1), "Sửa giờ", "checked_out_at"),
        (timedelta(hours=2), timedelta(hours=1), "Sửa giờ", "checked_out_at"),
    ],
)
def test_impossible_corrections_are_refused(rush, arrival, departure, reason, field):
    entry = rush.entries[0]
    scan(rush, entry)
    starts = rush.session.starts_at
    before = everything()

    with pytest.raises(ValidationError) as refused:
        correct_times(
            actor=rush.coordinator,
            entry=entry,
            checked_in_at=starts + arrival if arrival is not None else None,
            checked_out_at=starts + departure if departure is not None else None,
            reason=reason,
        )

    assert field in refused.value.message_dict
    assert everything() == before


def test_a_coordinator_cannot_correct_times_at_another_point(rush):
    with pytest.raises(PermissionDenied):
        correct_times(
            actor=rush.tam_dao_coordinator,
            entry=rush.entries[0],
            checked_in_at=rush.session.starts_at,
            checked_out_at=None,
            reason="Sửa giờ",
        )

    assert not Attendance.objects.exists()


# Excuses


def test_a_coordinator_asks_for_an_excuse_and_only_an_organiser_grants_it(rush):
    entry = rush.entries[1]

    requested = request_excuse(
        actor=rush.coordinator, entry=entry, reason="Đi công tác theo Quyết định số 12/QĐ-UBND"
    )

    assert requested.excuse == Attendance.Excuse.REQUESTED
    assert requested.status == Attendance.Status.ABSENT
    with pytest.raises(PermissionDenied):
        decide_excuse(actor=rush.coordinator, entry=entry, approve=True)
    assert Attendance.objects.get(entry=entry).excuse == Attendance.Excuse.REQUESTED

    decided = decide_excuse(actor=rush.organiser, entry=entry, approve=True, note="Đồng ý")

    decided.refresh_from_db()
    assert decided.excuse == Attendance.Excuse.APPROVED
    assert decided.status == Attendance.Status.EXCUSED
    assert decided.excuse_decided_by == rush.organiser
    assert decided.excuse_decided_at is not None
    kinds = list(AttendanceChange.objects.filter(attendance=decided).values_list("kind", "actor"))
    assert kinds == [
        (AttendanceChange.Kind.EXCUSE_REQUESTED, rush.coordinator.pk),
        (AttendanceChange.Kind.EXCUSE_DECIDED, rush.organiser.pk),
    ]


def test_a_refused_excuse_leaves_the_person_absent(rush):
    entry = rush.entries[1]
    request_excuse(actor=rush.coordinator, entry=entry, reason="Bận việc riêng")

    decided = decide_excuse(actor=rush.organiser, entry=entry, approve=False, note="Không đủ lý do")

    assert decided.excuse == Attendance.Excuse.REJECTED
    assert decided.status == Attendance.Status.ABSENT
    change = AttendanceChange.objects.get(kind=AttendanceChange.Kind.EXCUSE_DECIDED)
    assert (change.before, change.after, change.reason) == (
        {"excuse": "requested"},
        {"excuse": "rejected"},
        "Không đủ lý do",
    )


def test_an_organiser_of_another_province_cannot_decide_an_excuse(rush, network):
    entry = rush.entries[1]
    request_excuse(actor=rush.coordinator, entry=entry, reason="Đi công tác")
    ben_tre_organiser = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")

    with pytest.raises(PermissionDenied):
        decide_excuse(actor=ben_tre_organiser, entry=entry, approve=True)

    assert Attendance.objects.get(entry=entry).excuse == Attendance.Excuse.REQUESTED


def test_an_excuse_needs_a_reason_and_someone_absent(rush):
    with pytest.raises(ValidationError) as no_reason:
        request_excuse(actor=rush.coordinator, entry=rush.entries[1], reason="")
    scan(rush, rush.entries[0])
    with pytest.raises(ValidationError):
        request_excuse(actor=rush.coordinator, entry=rush.entries[0], reason="Đi công tác")
    with pytest.raises(ValidationError):
        decide_excuse(actor=rush.organiser, entry=rush.entries[2], approve=True)

    assert "reason" in no_reason.value.message_dict
    assert not AttendanceChange.objects.exists()


# A closed session is frozen


@pytest.fixture
def closed(rush):
    """Mạnh checked in, an excuse waiting for Ánh; then the session ran and was closed."""
    scan(rush, rush.entries[0])
    request_excuse(actor=rush.coordinator, entry=rush.entries[1], reason="Đi công tác")
    move_start_into_past(rush.session, ago=timedelta(hours=4), length=timedelta(hours=3))
    close_session(actor=rush.organiser, session=rush.session)
    for entry in rush.entries:
        entry.session.refresh_from_db()
    rush.song_lo.session.refresh_from_db()
    return rush


CHANGES_AFTER_CLOSING = {
    "undo": lambda r: undo_check_in(actor=r.coordinator, entry=r.entries[0], reason="Nhầm"),
    "correct_times": lambda r: correct_times(
        actor=r.coordinator,
        entry=r.entries[0],
        checked_in_at=r.session.starts_at,
        checked_out_at=r.session.ends_at,
        reason="Sửa giờ",
    ),
    "request_excuse": lambda r: request_excuse(
        actor=r.coordinator, entry=r.entries[2], reason="Ốm"
    ),
    "decide_excuse": lambda r: decide_excuse(actor=r.organiser, entry=r.entries[1], approve=True),
    "walk_in": lambda r: check_in_walk_in(
        actor=r.coordinator,
        participation=r.song_lo,
        details=PersonDetails(full_name="Vũ Thị Hoa", agency="UBND xã", phone="0912345678"),
    ),
    "remove_from_roster": lambda r: remove_from_roster(
        actor=r.coordinator, entry=r.entries[3], reason="Không dự"
    ),
}


@pytest.mark.parametrize("change", CHANGES_AFTER_CLOSING)
def test_after_the_session_is_closed_every_change_is_refused(closed, change):
    before = everything()

    with pytest.raises(ValidationError):
        CHANGES_AFTER_CLOSING[change](closed)

    assert everything() == before


def test_after_the_session_is_closed_even_an_organiser_cannot_change_attendance(closed):
    before = everything()

    with pytest.raises(ValidationError):
        undo_check_in(actor=closed.organiser, entry=closed.entries[0], reason="Nhầm")

    assert everything() == before


# Nothing is deleted


def test_taking_someone_off_the_roster_keeps_their_row_their_check_in_and_their_scans(rush):
    entry = rush.entries[0]
    scan(rush, entry)

    remove_from_roster(actor=rush.coordinator, entry=entry, reason="Cử người khác đi thay")

    entry.refresh_from_db()
    assert entry.removed_at is not None
    assert (entry.removed_by, entry.removal_reason) == (rush.coordinator, "Cử người khác đi thay")
    assert Attendance.objects.filter(entry=entry).exists()
    assert ScanAttempt.objects.filter(entry=entry).count() == 1
    assert RosterChange.objects.filter(entry=entry, kind=RosterChange.Kind.REMOVED).exists()


def test_an_entry_with_attendance_cannot_be_deleted(rush):
    entry = rush.entries[0]
    scan(rush, entry)

    with pytest.raises(ProtectedError):
        RosterEntry.objects.filter(pk=entry.pk).delete()

    assert RosterEntry.objects.filter(pk=entry.pk).exists()


def test_an_undone_check_in_keeps_its_attendance_row_and_its_scan(rush):
    entry = rush.entries[0]
    scan(rush, entry)

    undo_check_in(actor=rush.coordinator, entry=entry, reason="Quét nhầm")
    scan(rush, entry)
    undo_check_in(actor=rush.coordinator, entry=entry, reason="Lại quét nhầm")

    assert Attendance.objects.filter(entry=entry).count() == 1
    assert ScanAttempt.objects.filter(entry=entry, reason="checked_in").count() == 2
    assert list(
        AttendanceChange.objects.filter(attendance_id=entry.pk).values_list("reason", flat=True)
    ) == ["Quét nhầm", "Lại quét nhầm"]


def test_a_revoked_ticket_leaves_the_old_scans_pointing_at_the_entry(rush):
    from events.services import revoke_ticket

    entry = rush.entries[0]
    old = ticket_for(entry.pk, entry.ticket_version)
    scan(rush, entry)

    revoke_ticket(actor=rush.coordinator, entry=entry, reason="Mất điện thoại")

    assert ticket(entry) != old
    assert ScanAttempt.objects.get(entry=entry).payload == old[:120]
    assert Attendance.objects.get(entry=entry).checked_in_at is not None
