"""A paired phone scans with no network and syncs its scans in one batch when it returns.

The Sông Lô coordinator pairs a phone; on it, signed in as nobody, the pairing page opens
the scanner, which keeps its roster. The network drops, and meanwhile the organisers revoke
one delegate's ticket. The phone reloads the scanner with no network at all (its service
worker serves it) and reads twenty tickets: each answered at once from the roster it kept.
When the network returns the queue lands once, and the revoked ticket the phone let through
is corrected. Revoked from the coordinator's side, the phone is refused at once."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import CHROMIUM, PHONE

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

from attendance.models import Attendance, AttendanceChange, ScanAttempt, ScannerDevice
from attendance.services.devices import revoke_device, start_pairing
from events.models import RosterEntry, Session
from events.services import add_to_roster
from events.services.rosters.entries import revoke_ticket
from tests import factories
from tests.checkins import ticket

pytestmark = pytest.mark.e2e
SCANS = 20


def twenty_at_song_lo(rush) -> list[RosterEntry]:
    """The four delegates of Sông Lô and sixteen more, in the order of their tickets."""
    agency = rush.people[0].agency
    more = [
        factories.PersonFactory(full_name=f"Đại biểu số {n:02d}", agency=agency)
        for n in range(5, SCANS + 1)
    ]
    add_to_roster(
        actor=rush.coordinator, participation=rush.song_lo, person_ids=[p.pk for p in more]
    )
    return list(RosterEntry.objects.filter(participation=rush.song_lo).order_by("pk"))


def paired_phone(rush, phone, live_server):
    """The phone, signed in as nobody, paired on the pairing page; its scanner opened."""
    pairing = start_pairing(actor=rush.coordinator, participation=rush.song_lo, name="Cửa Đông")
    phone.context.clear_cookies()
    page = phone.page
    page.goto(live_server.url + "/attendance/pair/")
    page.get_by_label("Mã ghép").fill(pairing.shown_code)
    page.get_by_role("button", name="Ghép").click()
    page.get_by_role("link", name="Mở máy quét").click()
    expect(page.locator("#phone")).to_have_attribute("data-roster", "loaded")
    return phone


def test_a_paired_phone_scans_twenty_offline_and_the_batch_lands_once(
    transactional_db, rush, browser_for, live_server, tmp_path
):
    entries = twenty_at_song_lo(rush)
    assert len(entries) == SCANS
    tickets = [ticket(entry) for entry in entries]
    revoked = entries[7]
    # given a phone paired to Sông Lô from the code the coordinator was shown
    phone = paired_phone(rush, browser_for(rush.coordinator, tickets), live_server)
    page = phone.page
    expect(page.locator("#phone-point")).to_have_text(rush.song_lo.point.name)
    expect(page.locator("#counts")).to_have_text(f"0 / {SCANS}")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    # when the network drops, one ticket is revoked meanwhile, and the scanner is reloaded
    phone.context.set_offline(True)
    revoke_ticket(actor=rush.organiser, entry=revoked, reason="Vé bị lộ")
    page.reload()
    expect(page.locator("#connection")).to_have_attribute("data-online", "false")
    expect(page.locator("#phone-point")).to_have_text(rush.song_lo.point.name)

    # and the camera reads the twenty tickets
    page.click("#camera-start")

    # then each is answered at once from the roster the phone kept: green, with the name
    log = page.locator("#scan-log li.is-ok")
    for entry in entries:
        expect(log.filter(has_text=entry.person.full_name).first).to_be_visible(timeout=30_000)
    page.click("#camera-stop")
    waiting = int(page.locator("#pending-count").inner_text())
    assert waiting >= SCANS
    expect(page.locator("#counts")).to_have_text(f"{SCANS} / {SCANS}")
    page.screenshot(path=tmp_path / "phone-offline.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not ScanAttempt.objects.exists()

    # when the network returns
    phone.context.set_offline(False)

    # then the queue lands, every scan once, and the server's counts come back
    expect(page.locator("#pending-count")).to_have_text("0", timeout=20_000)
    assert ScanAttempt.objects.count() == waiting
    assert ScanAttempt.objects.filter(outcome=ScanAttempt.Outcome.ACCEPTED).count() == SCANS - 1
    arrived = Attendance.objects.filter(checked_in_at__isnull=False)
    assert sorted(arrived.values_list("pk", flat=True)) == sorted(
        e.pk for e in entries if e != revoked
    )
    # and the ticket revoked while the phone was offline is corrected on its screen
    correction = page.locator("#scan-log li.is-refused").filter(has_text=revoked.person.full_name)
    expect(correction.first).to_contain_text("Máy chủ sửa lại")
    expect(page.locator("#counts")).to_have_text(f"{SCANS - 1} / {SCANS}")
    # and the phone's roster now holds the revoked delegate's new ticket, not the old one
    kept = json.loads(
        page.evaluate(f"localStorage.getItem('diemcau.phone.{rush.song_lo.pk}.roster')")
    )
    digests = {person["id"]: person["digest"] for person in kept["people"]}
    old = page.evaluate(
        """async (text) => Array.from(new Uint8Array(await crypto.subtle.digest(
             "SHA-256", new TextEncoder().encode(text))),
             (b) => b.toString(16).padStart(2, "0")).join("")""",
        tickets[7],
    )
    assert digests[revoked.pk] != old

    # when the phone syncs again, nothing is written twice
    page.reload()
    expect(page.locator("#phone")).to_have_attribute("data-roster", "loaded")
    assert ScanAttempt.objects.count() == waiting

    # when the coordinator revokes the phone
    revoke_device(actor=rush.coordinator, device=ScannerDevice.objects.get())
    page.reload()

    # then it is refused at once and says so
    expect(page.locator("#phone-revoked")).to_be_visible()
    expect(page.locator("#phone")).to_have_attribute("data-state", "revoked")
    assert phone.errors == []


def test_a_walk_in_and_an_undo_made_offline_land_with_the_next_batch(
    transactional_db, rush, browser_for, live_server
):
    # given a paired phone whose network dropped
    manh = rush.entries[0]
    phone = paired_phone(rush, browser_for(rush.coordinator, ""), live_server)
    page = phone.page
    phone.context.set_offline(True)

    # when the coordinator checks Mạnh in by name, then takes it back
    page.get_by_placeholder("Tên hoặc cơ quan").fill("manh")
    page.locator("#search-results button").filter(has_text="Nguyễn Văn Mạnh").click()
    expect(page.locator("#scan-result")).to_have_attribute("data-state", "ok")
    expect(page.locator("#counts")).to_have_text("1 / 4")
    page.get_by_role("button", name="Hủy lượt vừa quét").click()
    page.locator("#undo-confirm").click()
    expect(page.locator("#undo-error")).not_to_be_empty()
    page.locator("#undo-reason").fill("Quét nhầm người")
    page.locator("#undo-confirm").click()
    expect(page.locator("#scan-result")).to_have_attribute("data-code", "undone")
    expect(page.locator("#counts")).to_have_text("0 / 4")

    # and adds someone at the door who is not on the roster
    page.get_by_role("button", name="Đến trực tiếp").click()
    page.locator("#walk-in-full_name").fill("Hoàng Văn Khách")
    page.locator("#walk-in-submit").click()
    expect(page.locator("#walk-in-form [data-error-for=phone]")).not_to_be_empty()
    page.locator("#walk-in-agency").fill("UBND xã Sông Lô")
    page.locator("#walk-in-phone").fill("0912345678")
    page.locator("#walk-in-submit").click()
    expect(page.locator("#scan-result")).to_have_attribute("data-code", "walk_in")
    expect(page.locator("#counts")).to_have_text("1 / 5")
    expect(page.locator("#pending-count")).to_have_text("3")
    assert not ScanAttempt.objects.exists()

    # when the network returns
    phone.context.set_offline(False)

    # then the check-in, its undo and the walk-in reach the server in that order
    expect(page.locator("#pending-count")).to_have_text("0", timeout=30_000)
    assert Attendance.objects.get(pk=manh.pk).checked_in_at is None
    undone = AttendanceChange.objects.get(attendance_id=manh.pk, kind="undone")
    assert (undone.actor, undone.reason) == (rush.coordinator, "Quét nhầm người")
    guest = RosterEntry.objects.get(person__full_name="Hoàng Văn Khách")
    assert guest.participation == rush.song_lo
    assert Attendance.objects.get(pk=guest.pk).checked_in_at is not None
    expect(page.locator("#counts")).to_have_text("1 / 5")
    # and the new delegate is on the phone's roster, to be found by name
    page.get_by_placeholder("Tên hoặc cơ quan").fill("khach")
    expect(page.locator("#search-results")).to_contain_text("Hoàng Văn Khách")
    assert phone.errors == []


def test_before_check_in_opens_the_phone_refuses_at_once_and_the_server_agrees(
    transactional_db, rush, browser_for, live_server
):
    # given a paired phone at Sông Lô, for a session moved to tomorrow
    phone = paired_phone(rush, browser_for(rush.coordinator, ""), live_server)
    page = phone.page
    tomorrow = timezone.now() + timedelta(days=1)
    Session.objects.filter(pk=rush.session.pk).update(
        starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=3)
    )
    page.reload()
    expect(page.locator("#checkin-window")).to_contain_text("Mở điểm danh lúc")

    # when the coordinator checks Mạnh in by name
    page.get_by_placeholder("Tên hoặc cơ quan").fill("manh")
    page.locator("#search-results button").filter(has_text="Nguyễn Văn Mạnh").click()

    # then the phone refuses at once, saying when check-in opens
    result = page.locator("#scan-result")
    expect(result).to_have_attribute("data-state", "refused")
    expect(result).to_have_attribute("data-code", "not_open_yet_offline")
    expect(page.locator("#scan-result-message")).to_contain_text("Mở điểm danh lúc")
    expect(page.locator("#counts")).to_have_text("0 / 4")
    # and the server, once the scan is sent, refuses it too and keeps the attempt
    expect(page.locator("#pending-count")).to_have_text("0", timeout=20_000)
    assert ScanAttempt.objects.get().reason == "not_open_yet"
    expect(result).not_to_have_attribute("data-corrected", "true")
    assert not Attendance.objects.exists()
    assert phone.errors == []
