"""The personal QR ticket: signed, anonymous, revocable, and never sent to a scanner."""

import base64
import hashlib
import re

import pytest
from django.urls import reverse

from attendance import tickets
from attendance.tickets import TicketError, read_ticket, ticket_digest, ticket_for
from tests.checkins import ticket

pytestmark = pytest.mark.django_db

TICKET_SHAPE = re.compile(r"^DC1\.[0-9]+\.[0-9]+\.[A-Za-z0-9_-]{22}$")


def test_a_ticket_reads_back_as_its_roster_entry_and_version():
    payload = ticket_for(4711, 3)

    read = read_ticket(payload)

    assert (read.entry_id, read.version) == (4711, 3)


def test_a_ticket_scanned_with_spaces_or_a_newline_around_it_still_reads():
    assert read_ticket(f"  {ticket_for(12, 1)}\n").entry_id == 12


def test_a_ticket_carries_no_personal_data_only_numbers_and_the_tag(rush):
    entry = rush.entries[0]

    payload = ticket(entry)

    assert TICKET_SHAPE.match(payload)
    prefix, entry_id, version, _tag = payload.split(".")
    assert (prefix, entry_id, version) == ("DC1", str(entry.pk), "1")
    for word in [*entry.person.full_name.split(), entry.person.email, entry.person.agency.name]:
        assert word not in payload


def test_the_tag_is_128_bits_of_hmac():
    tag = ticket_for(1, 1).rsplit(".", 1)[1]

    assert len(base64.urlsafe_b64decode(tag + "==")) == 16


def test_the_same_entry_and_version_always_give_the_same_ticket_and_others_differ():
    assert ticket_for(5, 1) == ticket_for(5, 1)
    assert len({ticket_for(5, 1), ticket_for(5, 2), ticket_for(6, 1)}) == 3


@pytest.mark.parametrize("position", [4, 6, 8, -22, -11, -1])
def test_changing_any_one_character_makes_a_ticket_forged(position):
    payload = ticket_for(123, 1)
    index = position % len(payload)
    alphabet = "123456789" if payload[index].isdigit() and index < 10 else "AbZ9_-"
    replacement = next(c for c in alphabet if c != payload[index])
    altered = payload[:index] + replacement + payload[index + 1 :]

    with pytest.raises(TicketError) as refused:
        read_ticket(altered)

    assert len(altered) == len(payload)
    assert refused.value.code == "forged"


def test_a_ticket_signed_with_another_servers_secret_is_forged(settings):
    settings.TICKET_SECRET = "khóa của một máy chủ khác"
    foreign = ticket_for(123, 1)
    settings.TICKET_SECRET = "khóa của máy chủ này"

    with pytest.raises(TicketError) as refused:
        read_ticket(foreign)

    assert refused.value.code == "forged"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("x" * 101, "too_long"),
        ("https://zalo.me/g/abcdef", "not_a_ticket"),
        ("DCP.1.2.AAAAAAAAAAAAAAAAAAAAAA", "not_a_ticket"),
        ("", "not_a_ticket"),
        ("DC1.123.1.AAAAAAAAAA", "malformed"),
        ("DC1.0123.1.AAAAAAAAAAAAAAAAAAAAAA", "malformed"),
        ("DC1.123.1.AAAAAAAAAAAAAAAAAAAAA!", "malformed"),
    ],
)
def test_a_payload_that_is_not_a_whole_ticket_is_refused_with_its_reason(payload, code):
    with pytest.raises(TicketError) as refused:
        read_ticket(payload)

    assert refused.value.code == code


def test_a_ticket_cut_short_by_a_bad_scan_is_malformed_not_forged():
    payload = ticket_for(123, 1)

    with pytest.raises(TicketError) as refused:
        read_ticket(payload[:-3])

    assert refused.value.code == "malformed"


def test_a_point_code_is_not_accepted_as_a_ticket_nor_a_ticket_as_a_point_code():
    point_code = tickets.point_code_for(7, tickets.current_step())

    with pytest.raises(TicketError) as as_ticket:
        read_ticket(point_code)
    with pytest.raises(TicketError) as as_point_code:
        tickets.read_point_code(ticket_for(7, 1))

    assert as_ticket.value.code == "not_a_ticket"
    assert as_point_code.value.code == "not_a_ticket"


def test_the_scanner_roster_holds_sha256_digests_never_the_tickets(client, rush):
    client.force_login(rush.coordinator)

    response = client.get(reverse("api:scanner_roster", args=[rush.song_lo.pk]))

    assert response.status_code == 200
    people = response.json()["people"]
    assert sorted(p["id"] for p in people) == sorted(e.pk for e in rush.entries)
    for person in people:
        entry = next(e for e in rush.entries if e.pk == person["id"])
        assert person["digest"] == hashlib.sha256(ticket(entry).encode()).hexdigest()
        assert person["digest"] == ticket_digest(ticket(entry))
        assert re.fullmatch(r"[0-9a-f]{64}", person["digest"])
    content = response.content.decode()
    assert "DC1." not in content
    for entry in rush.entries:
        assert ticket(entry) not in content
        assert ticket(entry).rsplit(".", 1)[1] not in content


def test_the_scanner_roster_follows_a_revoked_ticket_to_its_new_digest(client, rush):
    from events.services import revoke_ticket

    entry = rush.entries[0]
    old = ticket(entry)
    revoke_ticket(actor=rush.coordinator, entry=entry, reason="Mất điện thoại")
    client.force_login(rush.coordinator)

    people = client.get(reverse("api:scanner_roster", args=[rush.song_lo.pk])).json()["people"]

    digest = next(p["digest"] for p in people if p["id"] == entry.pk)
    assert digest == ticket_digest(ticket(entry))
    assert digest != ticket_digest(old)
