"""The buttons on a roster row, each with its own address: what each does, what it says, what
it refuses and to whom; and the rows' old single address, which still answers old pages."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from attendance.models import Attendance, AttendanceChange
from attendance.services import request_excuse
from events.models import RosterChange, RosterEntry
from tests import factories
from tests.checkins import attendee_of

pytestmark = pytest.mark.django_db

ENTRY_URLS = [
    "entry_check_in",
    "entry_check_out",
    "entry_undo",
    "entry_excuse",
    "entry_approve",
    "entry_reject",
    "entry_revoke_ticket",
    "entry_remove",
]


def url(name: str, entry: RosterEntry) -> str:
    return reverse(f"attendance:{name}", args=[entry.pk])


def press(client, name: str, entry: RosterEntry, data: dict | None = None):
    """Post as the button does and follow to the page, which shows (so clears) the messages."""
    return client.post(url(name, entry), data or {}, follow=True)


def landed(response) -> tuple[str, int]:
    return response.redirect_chain[0]


def said(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


def vi(text: str, **values: object) -> str:
    with translation.override("vi"):
        return gettext(text) % values if values else gettext(text)


def roster_of(entry: RosterEntry) -> str:
    return reverse("attendance:roster", args=[entry.participation_id])


def attendance_of(entry: RosterEntry) -> Attendance | None:
    return Attendance.objects.filter(entry=entry).first()


# --- Check-in and check-out by hand ------------------------------------------------------------


def test_checking_in_by_hand_records_the_arrival_and_says_who(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[0]

    answer = press(client, "entry_check_in", entry)

    assert landed(answer) == (roster_of(entry), 302)
    assert attendance_of(entry).checked_in_at is not None
    assert said(answer) == [("success", vi("%(name)s checked in.", name="Nguyễn Văn Mạnh"))]


def test_a_second_check_in_by_hand_is_refused_in_the_scanners_words(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[0]
    press(client, "entry_check_in", entry)
    first = attendance_of(entry).checked_in_at

    answer = press(client, "entry_check_in", entry)

    assert landed(answer) == (roster_of(entry), 302)
    assert [level for level, _text in said(answer)] == ["error"]
    assert "Nguyễn Văn Mạnh" in said(answer)[0][1]
    assert attendance_of(entry).checked_in_at == first


def test_checking_out_by_hand_after_a_check_in(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[0]
    press(client, "entry_check_in", entry)

    answer = press(client, "entry_check_out", entry)

    assert landed(answer) == (roster_of(entry), 302)
    assert attendance_of(entry).checked_out_at is not None
    assert said(answer) == [("success", vi("%(name)s checked out.", name="Nguyễn Văn Mạnh"))]


def test_checking_out_someone_who_never_came_is_refused(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[1]

    answer = press(client, "entry_check_out", entry)

    assert landed(answer) == (roster_of(entry), 302)
    assert said(answer) == [("error", vi("%(name)s has not checked in yet.", name="Trần Thị Ánh"))]
    assert attendance_of(entry) is None or attendance_of(entry).checked_out_at is None


# --- Changes that need a reason ------------------------------------------------------------


def test_undoing_a_check_in_needs_a_reason_and_then_takes_it_back(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[0]
    press(client, "entry_check_in", entry)

    refused = press(client, "entry_undo", entry, {"reason": "  "})
    assert [level for level, _text in said(refused)] == ["error"]
    assert attendance_of(entry).checked_in_at is not None

    done = press(client, "entry_undo", entry, {"reason": "Quét nhầm người"})

    assert landed(done) == (roster_of(entry), 302)
    assert said(done) == [
        ("success", vi("%(name)s's check-in was undone.", name="Nguyễn Văn Mạnh"))
    ]
    assert attendance_of(entry).checked_in_at is None
    assert AttendanceChange.objects.filter(kind=AttendanceChange.Kind.UNDONE).count() == 1


def test_asking_to_excuse_needs_a_reason(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[1]

    refused = press(client, "entry_excuse", entry, {"reason": ""})
    assert [level for level, _text in said(refused)] == ["error"]
    assert attendance_of(entry) is None

    done = press(client, "entry_excuse", entry, {"reason": "Đi công tác"})

    assert landed(done) == (roster_of(entry), 302)
    assert said(done) == [
        (
            "success",
            vi("An excuse for %(name)s awaits the organiser's decision.", name="Trần Thị Ánh"),
        )
    ]
    assert attendance_of(entry).excuse == Attendance.Excuse.REQUESTED


@pytest.mark.parametrize(
    ("name", "decision"),
    [("entry_approve", Attendance.Excuse.APPROVED), ("entry_reject", Attendance.Excuse.REJECTED)],
)
def test_the_organiser_decides_a_waiting_excuse(client, rush, name, decision):
    entry = rush.entries[1]
    client.force_login(rush.organiser)

    nothing_waiting = press(client, name, entry, {"reason": "Đồng ý"})
    assert said(nothing_waiting) == [("error", vi("No excuse is waiting for a decision."))]

    request_excuse(actor=rush.coordinator, entry=entry, reason="Đi công tác")
    done = press(client, name, entry, {"reason": "Đồng ý"})

    assert landed(done) == (roster_of(entry), 302)
    assert said(done) == [
        ("success", vi("The excuse for %(name)s was decided.", name="Trần Thị Ánh"))
    ]
    decided = attendance_of(entry)
    assert decided.excuse == decision and decided.excuse_decided_by == rush.organiser


@pytest.mark.parametrize("name", ["entry_approve", "entry_reject"])
def test_a_coordinator_cannot_decide_an_excuse(client, rush, name):
    entry = rush.entries[1]
    request_excuse(actor=rush.coordinator, entry=entry, reason="Đi công tác")
    client.force_login(rush.coordinator)

    answer = press(client, name, entry, {"reason": "Đồng ý"})

    assert answer.status_code == 403
    assert attendance_of(entry).excuse == Attendance.Excuse.REQUESTED


def test_revoking_a_qr_code_needs_a_reason_and_raises_its_version(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[2]

    refused = press(client, "entry_revoke_ticket", entry, {"reason": ""})
    assert [level for level, _text in said(refused)] == ["error"]

    done = press(client, "entry_revoke_ticket", entry, {"reason": "Lộ ảnh chụp mã"})

    entry.refresh_from_db()
    assert landed(done) == (roster_of(entry), 302) and entry.ticket_version == 2
    assert said(done) == [
        (
            "success",
            vi("%(name)s's QR code was revoked; print or send the new one.", name="Lê Văn Anh"),
        )
    ]


def test_taking_someone_off_needs_a_reason(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[3]

    refused = press(client, "entry_remove", entry, {"reason": ""})
    entry.refresh_from_db()
    assert landed(refused) == (roster_of(entry), 302) and entry.removed_at is None
    assert said(refused) == [("error", vi("Say why this person is taken off the roster."))]

    done = press(client, "entry_remove", entry, {"reason": "Đi công tác"})

    entry.refresh_from_db()
    assert entry.removed_at is not None
    assert said(done) == [("success", vi("%(name)s was taken off the roster.", name="Đỗ Thị Dung"))]


def test_a_button_goes_back_to_the_page_it_was_on_but_never_off_the_site(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[0]
    here = roster_of(entry) + "?q=Manh&page=1"

    back = client.post(url("entry_check_in", entry), {"next": here})
    away = client.post(url("entry_check_out", entry), {"next": "//evil.example/"})

    assert back.url == here
    assert away.url == roster_of(entry)


# --- Who may press them ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ENTRY_URLS)
def test_another_points_coordinator_finds_no_such_entry(client, rush, name):
    client.force_login(rush.coordinator)
    before = list(RosterEntry.objects.order_by("pk").values())

    answer = client.post(url(name, rush.tam_dao_entry), {"reason": "Phá đám"})

    assert answer.status_code == 404
    assert "Phạm Đức Thắng" not in answer.content.decode()
    assert list(RosterEntry.objects.order_by("pk").values()) == before
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("name", ENTRY_URLS)
def test_an_attendee_is_refused_and_a_stranger_is_sent_to_sign_in(client, rush, name):
    attendee = attendee_of(rush.entries[0])

    client.force_login(attendee)
    refused = client.post(url(name, rush.entries[0]), {"reason": "x"})
    client.logout()
    anonymous = client.post(url(name, rush.entries[0]), {"reason": "x"})

    assert refused.status_code == 403
    assert anonymous.status_code == 302 and "login" in anonymous.url
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("name", ENTRY_URLS)
def test_the_buttons_answer_post_only(client, rush, name):
    client.force_login(rush.coordinator)

    assert client.get(url(name, rush.entries[0])).status_code == 405


# --- The page and the old address --------------------------------------------------------------


def test_the_roster_page_posts_each_button_to_its_own_address(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[0]

    page = client.get(roster_of(entry)).content.decode()

    for name in ("entry_check_in", "entry_excuse", "entry_revoke_ticket", "entry_remove"):
        assert url(name, entry) in page
    assert url("entry_action", entry) not in page


@pytest.mark.parametrize(
    ("action", "fields", "then"),
    [
        ("check_in", {}, lambda e: attendance_of(e).checked_in_at is not None),
        ("excuse", {"reason": "Ốm"}, lambda e: attendance_of(e).excuse == "requested"),
        ("revoke", {"reason": "Lộ mã"}, lambda e: e.ticket_version == 2),
        ("remove", {"reason": "Đi công tác"}, lambda e: e.removed_at is not None),
    ],
)
def test_the_old_address_still_does_what_its_action_says(client, rush, action, fields, then):
    client.force_login(rush.coordinator)
    entry = rush.entries[1]

    answer = client.post(url("entry_action", entry), {"action": action, **fields}, follow=True)

    entry.refresh_from_db()
    assert landed(answer) == (roster_of(entry), 302)
    assert [level for level, _text in said(answer)] == ["success"]
    assert then(entry)


def test_the_old_address_decides_excuses_and_checks_out(client, rush):
    entry = rush.entries[1]
    request_excuse(actor=rush.coordinator, entry=entry, reason="Ốm")
    client.force_login(rush.organiser)

    client.post(url("entry_action", entry), {"action": "reject", "reason": "Không đủ lý do"})
    assert attendance_of(entry).excuse == Attendance.Excuse.REJECTED

    other = rush.entries[0]
    client.post(url("entry_action", other), {"action": "check_in"})
    client.post(url("entry_action", other), {"action": "undo", "reason": "Nhầm"})
    assert attendance_of(other).checked_in_at is None
    client.post(url("entry_action", other), {"action": "check_in"})
    client.post(url("entry_action", other), {"action": "check_out"})
    assert attendance_of(other).checked_out_at is not None


def test_the_old_address_refuses_an_unknown_action_as_before(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[0]

    unknown = client.post(url("entry_action", entry), {"action": "delete", "next": "/x/"})
    elsewhere = client.post(url("entry_action", rush.tam_dao_entry), {"action": "delete"})
    client.force_login(attendee_of(rush.entries[2]))
    attendee = client.post(url("entry_action", entry), {"action": "remove", "reason": "x"})

    assert unknown.status_code == 302 and unknown.url == "/x/"
    assert said(unknown) == [("error", vi("Unknown action."))]
    assert elsewhere.status_code == 404
    assert attendee.status_code == 403
    assert not RosterChange.objects.filter(kind="removed").exists()


@pytest.mark.parametrize(
    ("action", "name", "fields"),
    [
        ("check_in", "entry_check_in", {}),
        ("remove", "entry_remove", {"reason": "Đi công tác"}),
    ],
)
def test_a_button_costs_the_same_queries_at_its_own_address_as_at_the_old_one(
    client, rush, action, name, fields
):
    client.force_login(rush.coordinator)
    client.get(roster_of(rush.entries[0]))  # the session and the scope, as a real page has

    with CaptureQueriesContext(connection) as old:
        client.post(url("entry_action", rush.entries[0]), {"action": action, **fields})
    with CaptureQueriesContext(connection) as new:
        client.post(url(name, rush.entries[1]), fields)

    assert len(new.captured_queries) == len(old.captured_queries)


def test_an_organiser_of_another_province_finds_no_such_entry(client, rush, network):
    client.force_login(factories.organiser(network.ben_tre, username="ben-tre"))

    answer = client.post(url("entry_remove", rush.entries[0]), {"reason": "x"})

    assert answer.status_code == 404
    assert "Nguyễn Văn Mạnh" not in answer.content.decode()
