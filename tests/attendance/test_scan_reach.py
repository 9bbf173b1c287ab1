"""What a check-in answer may tell, and to whom.

A refusal names a person (their name, agency, point, session) only to someone who keeps
that person's roster: the coordinator of their point or an organiser over it. A roster
entry, a ticket or a point outside the caller's reach is answered exactly as one that does
not exist, so walking ids reveals nothing; an earlier answer is given again only to the
caller and point that asked first; and the rate limits count who is asking, at which
point, whatever device id the client makes up.
"""

import uuid
from datetime import timedelta

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, ScanAttempt
from attendance.tickets import ticket_for
from events.models import RosterEntry, SessionPoint
from events.services import PointSelection, add_to_roster, assign_coordinator
from tests import factories
from tests.checkins import attendee_of, post_scan, ticket
from tests.events.seeds import ministry_training, vinh_phuc_session

pytestmark = pytest.mark.django_db

NOBODY = 987654
THANG = "Phạm Đức Thắng"
TAM_DAO = "Tam Đảo"
PERSONAL = ("entry_id", "name", "agency", "point")


def answer(response) -> tuple[int, dict]:
    """Status and body without the scan id, which the caller chose."""
    body = dict(response.json())
    body.pop("scan_id", None)
    return response.status_code, body


def names_nobody(response, *words: str) -> None:
    body = response.json()
    assert all(not body[key] for key in PERSONAL), body
    text = response.content.decode()
    for word in words:
        assert word not in text


def scan_as(client, user, participation, payload="", **fields):
    client.force_login(user)
    return post_scan(client, participation, payload, **fields)


@pytest.fixture
def next_week_at_tam_dao(rush, network, vinh_phuc_organiser) -> RosterEntry:
    """Thắng on Tam Đảo's roster of another session."""
    starts = rush.session.starts_at + timedelta(days=7)
    session = vinh_phuc_session(
        network,
        vinh_phuc_organiser,
        title="Hội nghị sơ kết CCHC quý IV",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        selection=PointSelection(add=(rush.tam_dao.point_id,)),
        record_past=False,
    ).session
    participation = SessionPoint.objects.get(session=session, point_id=rush.tam_dao.point_id)
    add_to_roster(
        actor=rush.tam_dao_coordinator,
        participation=participation,
        person_ids=[rush.tam_dao_entry.person_id],
    )
    return RosterEntry.objects.get(participation=participation)


@pytest.fixture
def ben_tre(rush, network, ministry_organiser):
    """The Ministry's training received at Bến Tre, and Bến Tre's organiser."""
    starts = timezone.now().replace(microsecond=0) + timedelta(minutes=30)
    session = ministry_training(
        network,
        ministry_organiser,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        selection=PointSelection(add=(network.ben_tre_point.pk,)),
        record_past=False,
    ).session
    participation = SessionPoint.objects.get(session=session, point=network.ben_tre_point)
    organiser = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")
    return participation, organiser


# Someone else's roster entry is the same 404 as no entry at all


@pytest.mark.parametrize("found_by", ["name", "ticket"])
def test_a_coordinator_hears_nothing_about_someone_at_another_point(client, rush, found_by):
    thang = rush.tam_dao_entry
    fields = (
        {"entry_id": thang.pk} if found_by == "name" else {"payload": ticket(thang)},
        {"entry_id": NOBODY} if found_by == "name" else {"payload": ticket_for(NOBODY, 1)},
    )

    response = scan_as(client, rush.coordinator, rush.song_lo, **fields[0])
    nobody = scan_as(client, rush.coordinator, rush.song_lo, **fields[1])

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_person"
    assert answer(response) == answer(nobody)
    names_nobody(response, THANG, TAM_DAO, "UBND huyện Tam Đảo")
    assert not Attendance.objects.exists()


def test_a_coordinator_hears_nothing_about_someone_at_another_point_of_another_session(
    client, rush, next_week_at_tam_dao
):
    response = scan_as(client, rush.coordinator, rush.song_lo, entry_id=next_week_at_tam_dao.pk)
    nobody = scan_as(client, rush.coordinator, rush.song_lo, entry_id=NOBODY)

    assert answer(response) == answer(nobody)
    names_nobody(response, THANG, TAM_DAO, "Hội nghị sơ kết")


def test_an_organiser_hears_nothing_about_someone_of_another_province(client, rush, ben_tre):
    participation, organiser = ben_tre
    manh = rush.entries[0]

    response = scan_as(client, organiser, participation, entry_id=manh.pk)
    nobody = scan_as(client, organiser, participation, entry_id=NOBODY)
    by_ticket = scan_as(client, organiser, participation, ticket(manh))

    assert answer(response) == answer(nobody)
    assert by_ticket.status_code == 404
    for refused in (response, by_ticket):
        names_nobody(refused, "Nguyễn Văn Mạnh", "Sông Lô", rush.session.title)


def test_a_revoked_ticket_of_someone_elsewhere_says_nothing_about_them(client, rush):
    from events.services import revoke_ticket

    old = ticket(rush.tam_dao_entry)
    revoke_ticket(actor=rush.tam_dao_coordinator, entry=rush.tam_dao_entry, reason="Lộ mã")

    response = scan_as(client, rush.coordinator, rush.song_lo, old)

    assert response.status_code == 404
    names_nobody(response, THANG)


def test_a_refusal_about_someone_elsewhere_is_logged_without_them(client, rush):
    response = scan_as(client, rush.coordinator, rush.song_lo, entry_id=rush.tam_dao_entry.pk)

    attempt = ScanAttempt.objects.get(scan_id=response.json()["scan_id"])
    assert (attempt.reason, attempt.entry) == ("unknown_person", None)
    assert attempt.participation == rush.song_lo


# Inside the caller's reach the refusals still help


def test_an_organiser_over_both_points_is_told_where_the_person_belongs(client, rush):
    response = scan_as(client, rush.organiser, rush.song_lo, ticket(rush.tam_dao_entry))

    assert (response.status_code, response.json()["code"]) == (409, "wrong_point")
    assert THANG in response.json()["message"]
    assert response.json()["point"] == "Điểm cầu Huyện Tam Đảo"


def test_a_coordinator_keeping_both_points_is_told_where_the_person_belongs(client, rush):
    assign_coordinator(point=rush.tam_dao.point, user=rush.coordinator)

    response = scan_as(client, rush.coordinator, rush.song_lo, entry_id=rush.tam_dao_entry.pk)

    assert (response.status_code, response.json()["code"]) == (409, "wrong_point")
    assert THANG in response.json()["message"]


def test_the_points_log_names_only_people_of_this_point(client, rush):
    scan_as(client, rush.organiser, rush.song_lo, ticket(rush.tam_dao_entry))
    scan_as(client, rush.organiser, rush.song_lo, ticket(rush.entries[0]))
    client.force_login(rush.coordinator)

    page = client.get(reverse("attendance:roster", args=[rush.song_lo.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "wrong_point" in text
    assert "Nguyễn Văn Mạnh · checked_in" in text
    assert THANG not in text


# Someone else's point is the same 404 as no point at all


@pytest.mark.parametrize("who", ["tam_dao_coordinator", "attendee", "other_province"])
def test_a_point_out_of_reach_is_answered_as_one_that_does_not_exist(client, rush, network, who):
    users = {
        "tam_dao_coordinator": lambda: rush.tam_dao_coordinator,
        "attendee": lambda: attendee_of(rush.entries[1]),
        "other_province": lambda: factories.organiser(network.ben_tre),
    }
    user = users[who]()

    response = scan_as(client, user, rush.song_lo, ticket(rush.entries[0]))
    nobody = scan_as(client, user, NOBODY, ticket(rush.entries[0]))

    assert response.status_code == 404
    assert answer(response) == answer(nobody)
    names_nobody(response, "Nguyễn Văn Mạnh")
    assert not Attendance.objects.exists()


# The same scan id, sent again


def test_a_scan_id_replayed_by_an_attendee_reveals_nothing(client, rush):
    scan_id = uuid.uuid4()
    manh = ticket(rush.entries[0])
    first = scan_as(client, rush.coordinator, rush.song_lo, manh, scan_id=scan_id)
    assert first.json()["name"] == "Nguyễn Văn Mạnh"

    replay = scan_as(client, attendee_of(rush.entries[1]), rush.song_lo, scan_id=scan_id)

    assert replay.status_code == 404
    assert replay.json()["repeated"] is False
    names_nobody(replay, "Nguyễn Văn Mạnh")


def test_a_scan_id_replayed_by_another_coordinator_at_their_own_point_reveals_nothing(client, rush):
    scan_id = uuid.uuid4()
    scan_as(client, rush.coordinator, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id)

    replay = scan_as(client, rush.tam_dao_coordinator, rush.tam_dao, scan_id=scan_id)
    fresh = scan_as(client, rush.tam_dao_coordinator, rush.tam_dao)

    assert answer(replay) == answer(fresh)
    assert replay.json()["code"] == "not_a_ticket"
    names_nobody(replay, "Nguyễn Văn Mạnh")


def test_a_scan_id_used_elsewhere_does_not_stop_a_real_check_in(client, rush):
    scan_id = uuid.uuid4()
    scan_as(client, rush.coordinator, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id)

    response = scan_as(
        client, rush.tam_dao_coordinator, rush.tam_dao, ticket(rush.tam_dao_entry), scan_id=scan_id
    )

    assert (response.json()["code"], response.json()["name"]) == ("checked_in", THANG)
    assert Attendance.objects.filter(entry=rush.tam_dao_entry).exists()
    assert ScanAttempt.objects.filter(entry=rush.tam_dao_entry, reason="checked_in").count() == 1


def test_the_same_scan_id_at_another_of_the_callers_points_is_a_new_scan(client, rush):
    assign_coordinator(point=rush.tam_dao.point, user=rush.coordinator)
    scan_id = uuid.uuid4()
    scan_as(client, rush.coordinator, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id)

    again = scan_as(
        client, rush.coordinator, rush.tam_dao, ticket(rush.tam_dao_entry), scan_id=scan_id
    )

    assert (again.json()["code"], again.json()["repeated"]) == ("checked_in", False)


# Rate limits count who asks, not what the client says


def test_a_new_device_id_on_every_scan_is_still_limited(client, rush):
    client.force_login(rush.coordinator)
    with override_settings(SCAN_RATE_PER_MINUTE=3):
        codes = [
            post_scan(client, rush.song_lo, ticket(entry), device_id=f"may-{n}").status_code
            for n, entry in enumerate(rush.entries)
        ]

    assert codes == [200, 200, 200, 429]
    assert Attendance.objects.count() == 3


def test_each_caller_and_point_has_a_budget_of_its_own(client, rush):
    assign_coordinator(point=rush.tam_dao.point, user=rush.coordinator)
    with override_settings(SCAN_RATE_PER_MINUTE=2):
        mine = [
            scan_as(client, rush.coordinator, rush.song_lo, ticket(entry))
            for entry in rush.entries[:3]
        ]
        there = scan_as(client, rush.coordinator, rush.tam_dao, ticket(rush.tam_dao_entry))
        organiser = scan_as(client, rush.organiser, rush.song_lo, ticket(rush.entries[3]))

    assert [r.status_code for r in mine] == [200, 200, 429]
    assert there.status_code == 200
    assert organiser.status_code == 200


def test_walking_entry_ids_is_slowed_after_a_few_misses(client, rush):
    client.force_login(rush.coordinator)
    with override_settings(SCAN_MISSES_PER_MINUTE=3):
        walked = [
            post_scan(client, rush.song_lo, entry_id=entry_id).status_code
            for entry_id in (rush.tam_dao_entry.pk, NOBODY, NOBODY + 1, NOBODY + 2, NOBODY + 3)
        ]
        own = post_scan(client, rush.song_lo, ticket(rush.entries[0]))

    assert walked == [404, 404, 404, 429, 429]
    assert own.status_code == 200


def test_walking_point_ids_is_slowed_after_a_few_misses(client, rush):
    client.force_login(rush.coordinator)
    with override_settings(SCAN_MISSES_PER_MINUTE=3):
        walked = [
            post_scan(client, participation_id).status_code
            for participation_id in (rush.tam_dao.pk, NOBODY, NOBODY + 1, NOBODY + 2)
        ]

    assert walked == [404, 404, 404, 429]


# Self check-in and walk-ins


def test_a_self_check_in_refusal_names_only_the_caller(client, rush, settings):
    from attendance.tickets import current_step, point_code_for

    thang = attendee_of(rush.tam_dao_entry)
    client.force_login(thang)

    response = client.post(
        reverse("api:self_check_in"),
        {"code": point_code_for(rush.song_lo.pk, current_step())},
        content_type="application/json",
    )

    body = response.json()
    assert (response.status_code, body["code"]) == (409, "wrong_point")
    assert body["name"] == THANG
    for person in rush.people:
        assert person.full_name not in response.content.decode()


def walk_in(client, user, participation_id, **details):
    client.force_login(user)
    return client.post(
        reverse("api:walk_in"),
        {"participation_id": participation_id, "full_name": "Khách", **details},
        content_type="application/json",
    )


def test_a_walk_in_at_a_point_out_of_reach_is_the_same_404_as_no_point(client, rush):
    response = walk_in(client, rush.tam_dao_coordinator, rush.song_lo.pk, phone="0912345678")
    nobody = walk_in(client, rush.tam_dao_coordinator, NOBODY, phone="0912345678")

    assert response.status_code == nobody.status_code == 404
    assert response.content == nobody.content
    assert not RosterEntry.objects.filter(person__full_name="Khách").exists()


def test_a_walk_in_matching_someone_out_of_reach_does_not_name_them(client, rush):
    thang = rush.tam_dao_entry.person
    thang.phone = "0977111222"
    thang.save()

    response = walk_in(client, rush.coordinator, rush.song_lo.pk, phone="0977111222")

    assert response.status_code == 400
    text = response.content.decode()
    for word in (THANG, TAM_DAO, "UBND huyện Tam Đảo"):
        assert word not in text
    assert not Attendance.objects.exists()
