"""The coordinator's scanner page in a real browser whose camera shows a real ticket."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, AttendanceChange, Method, ScanAttempt
from attendance.services import upsert_arrival
from attendance.tickets import ticket_for
from events.models import RosterEntry

from .conftest import CHROMIUM, PHONE

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def scanner_url(live_server, participation) -> str:
    return live_server.url + reverse("attendance:scanner", args=[participation.pk])


def ticket(entry) -> str:
    return ticket_for(entry.pk, entry.ticket_version)


def test_a_scanned_ticket_turns_green_and_checks_the_person_in(
    transactional_db, rush, browser_for, live_server, tmp_path
):
    # given the coordinator's phone at Sông Lô, its camera on the first delegate's ticket
    entry = rush.entries[0]
    phone = browser_for(rush.coordinator, ticket(entry))
    page = phone.page
    page.goto(scanner_url(live_server, rush.song_lo))
    expect(page.locator("#counts")).to_have_text("0 / 4")

    # when the coordinator starts the camera
    page.click("#camera-start")

    # then the page turns green with the delegate's name and agency, and counts them
    result = page.locator("#scan-result")
    expect(result).to_have_attribute("data-state", "ok")
    expect(result).to_have_attribute("data-code", "checked_in")
    expect(page.locator("#scan-result-title")).to_have_text(entry.person.full_name)
    expect(page.locator("#scan-result-detail")).to_have_text("UBND huyện Sông Lô")
    expect(page.locator("#counts")).to_have_text("1 / 4")
    expect(page.locator("#pending-count")).to_have_text("0")
    expect(page.locator("#undo-button")).to_be_enabled()
    page.screenshot(path=tmp_path / "scanner-checked-in.png")
    # seen on a phone without scrolling
    box = result.bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= PHONE["height"]

    # and the server recorded the arrival and the accepted scan
    assert Attendance.objects.get(pk=entry.pk).checked_in_at is not None
    attempt = ScanAttempt.objects.get()
    assert attempt.entry_id == entry.pk
    assert attempt.outcome == ScanAttempt.Outcome.ACCEPTED
    assert attempt.method == Method.SCAN
    assert attempt.payload == ticket(entry)
    assert attempt.device_time is not None
    assert phone.errors == []


def test_offline_scans_wait_on_the_phone_and_count_at_the_time_of_the_scan(
    transactional_db, rush, browser_for, live_server, tmp_path
):
    # given the page loaded online, so the roster is on the phone, then the network drops
    entry = rush.entries[1]
    phone = browser_for(rush.coordinator, ticket(entry))
    page = phone.page
    page.goto(scanner_url(live_server, rush.song_lo))
    expect(page.locator("#scanner")).to_have_attribute("data-roster", "loaded")
    phone.context.set_offline(True)
    expect(page.locator("#connection")).to_have_attribute("data-online", "false")

    # when the camera reads the delegate's ticket
    page.click("#camera-start")

    # then the downloaded roster knows them: green "pending" with the name, one scan held
    expect(page.locator("#pending-count")).to_have_text("1")
    expect(page.locator("#scan-result")).to_have_attribute("data-state", "pending")
    expect(page.locator("#scan-result-title")).to_have_text(entry.person.full_name)
    held = page.locator("#pending-list [data-scanned-at]")
    expect(held).to_have_count(1)
    expect(held).to_be_visible()
    scanned_at = datetime.fromisoformat(held.get_attribute("data-scanned-at"))
    page.screenshot(path=tmp_path / "scanner-pending.png")
    # the ticket stays in front of the camera: still one scan, and nothing reached the server
    page.wait_for_timeout(2500)
    expect(page.locator("#pending-count")).to_have_text("1")
    assert not Attendance.objects.filter(pk=entry.pk).exists()
    assert not ScanAttempt.objects.exists()

    # when the network returns
    back_online = timezone.now()
    phone.context.set_offline(False)

    # then the queue is sent, once, and the arrival is the time of the scan, not of the sync
    expect(page.locator("#pending-count")).to_have_text("0")
    expect(page.locator("#scan-result")).to_have_attribute("data-state", "ok")
    expect(page.locator("#counts")).to_have_text("1 / 4")
    arrived = Attendance.objects.get(pk=entry.pk).checked_in_at
    assert abs(arrived - scanned_at) < timedelta(seconds=1)
    assert arrived < back_online - timedelta(seconds=2)
    attempt = ScanAttempt.objects.get()
    assert attempt.outcome == ScanAttempt.Outcome.ACCEPTED
    assert abs(attempt.device_time - scanned_at) < timedelta(seconds=1)
    queue_key = f"diemcau.scanner.{rush.song_lo.pk}.queue"
    assert page.evaluate("(key) => localStorage.getItem(key)", queue_key) == "[]"
    assert phone.errors == []


def test_a_ticket_already_used_turns_red_with_the_time_of_arrival(
    transactional_db, rush, browser_for, live_server, tmp_path
):
    # given a delegate who checked in a few minutes ago
    entry = rush.entries[2]
    earlier = timezone.now().replace(microsecond=0) - timedelta(minutes=7)
    upsert_arrival(entry=entry, at=earlier, method=Method.SCAN, actor=rush.coordinator)
    phone = browser_for(rush.coordinator, ticket(entry))
    page = phone.page
    page.goto(scanner_url(live_server, rush.song_lo))

    # when their ticket is scanned again
    page.click("#camera-start")

    # then the page turns red, naming them and the time they arrived
    result = page.locator("#scan-result")
    expect(result).to_have_attribute("data-state", "refused")
    expect(result).to_have_attribute("data-code", "already_checked_in")
    expect(page.locator("#scan-result-title")).to_have_text(entry.person.full_name)
    expect(page.locator("#scan-result-message")).to_contain_text(
        timezone.localtime(earlier).strftime("%H:%M")
    )
    page.screenshot(path=tmp_path / "scanner-refused.png")
    # and the ticket held in front of the camera is not sent again and again
    page.wait_for_timeout(3500)
    assert ScanAttempt.objects.count() == 1
    assert Attendance.objects.get(pk=entry.pk).checked_in_at == earlier
    assert phone.errors == []


def test_a_delegate_found_by_name_is_checked_in_and_the_check_in_undone(
    transactional_db, rush, browser_for, live_server
):
    # given the scanner page, a delegate without their ticket
    entry = rush.entries[3]
    phone = browser_for(rush.coordinator, "not a ticket")
    page = phone.page
    page.goto(scanner_url(live_server, rush.song_lo))
    expect(page.locator("#scanner")).to_have_attribute("data-roster", "loaded")

    # when the coordinator finds them by name, typed without diacritics, and taps them
    page.click("#search-toggle")
    page.fill("#search-input", "do thi dung")
    found = page.locator("#search-results [data-entry-id]")
    expect(found).to_have_count(1)
    found.click()

    # then they are checked in
    expect(page.locator("#scan-result")).to_have_attribute("data-state", "ok")
    expect(page.locator("#scan-result-title")).to_have_text(entry.person.full_name)
    assert ScanAttempt.objects.get().method == Method.MANUAL
    assert Attendance.objects.get(pk=entry.pk).checked_in_at is not None

    # when the coordinator undoes it, saying why
    page.click("#undo-button")
    page.click("#undo-confirm")
    expect(page.locator("#undo-error")).not_to_be_empty()
    page.fill("#undo-reason", "Nhầm người")
    page.click("#undo-confirm")

    # then the check-in is taken back, with the reason kept
    expect(page.locator("#scan-result")).to_have_attribute("data-code", "undone")
    expect(page.locator("#undo-button")).to_be_disabled()
    expect(page.locator("#counts")).to_have_text("0 / 4")
    assert Attendance.objects.get(pk=entry.pk).checked_in_at is None
    assert AttendanceChange.objects.get(kind=AttendanceChange.Kind.UNDONE).reason == "Nhầm người"
    assert phone.errors == []


def test_a_ticket_of_another_point_scanned_offline_is_red_at_once_and_refused_later(
    transactional_db, rush, browser_for, live_server
):
    # given the Sông Lô phone offline, shown the ticket of a Tam Đảo delegate
    phone = browser_for(rush.coordinator, ticket(rush.tam_dao_entry))
    page = phone.page
    page.goto(scanner_url(live_server, rush.song_lo))
    expect(page.locator("#scanner")).to_have_attribute("data-roster", "loaded")
    phone.context.set_offline(True)

    # when the camera reads it
    page.click("#camera-start")

    # then the downloaded roster does not know it: red at once, the attempt still held
    result = page.locator("#scan-result")
    expect(result).to_have_attribute("data-state", "refused")
    expect(result).to_have_attribute("data-code", "not_on_roster_offline")
    expect(page.locator("#pending-count")).to_have_text("1")

    # and back online the server refuses it for good, naming no one: the delegate is on a
    # roster this coordinator does not keep
    phone.context.set_offline(False)
    expect(page.locator("#pending-count")).to_have_text("0")
    expect(result).to_have_attribute("data-code", "unknown_person")
    expect(result).not_to_contain_text(rush.tam_dao_entry.person.full_name)
    expect(result).not_to_contain_text(rush.tam_dao.point.name)
    attempt = ScanAttempt.objects.get()
    assert attempt.outcome == ScanAttempt.Outcome.REFUSED
    assert attempt.reason == "unknown_person"
    assert not Attendance.objects.filter(pk=rush.tam_dao_entry.pk).exists()
    assert phone.errors == []


def test_a_walk_in_is_added_and_checked_in_from_the_form(
    transactional_db, rush, browser_for, live_server
):
    phone = browser_for(rush.coordinator, "not a ticket")
    page = phone.page
    page.goto(scanner_url(live_server, rush.song_lo))
    page.click("#walk-in-toggle")

    # a newcomer with a name only is refused, and the field says why
    page.fill("#walk-in-full_name", "Hoàng Văn Khách")
    page.click("#walk-in-submit")
    expect(page.locator('[data-error-for="phone"]')).not_to_be_empty()
    expect(page.locator("#walk-in-phone")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert not RosterEntry.objects.filter(person__full_name="Hoàng Văn Khách").exists()

    # with a phone number and an agency, they are put on the roster and checked in
    page.fill("#walk-in-phone", "0912345678")
    page.fill("#walk-in-agency", "UBND xã Lãng Công")
    page.click("#walk-in-submit")
    expect(page.locator("#scan-result")).to_have_attribute("data-code", "walk_in")
    expect(page.locator("#scan-result-title")).to_have_text("Hoàng Văn Khách")
    expect(page.locator("#walk-in-panel")).to_be_hidden()
    expect(page.locator("#counts")).to_have_text("1 / 5")
    entry = RosterEntry.objects.get(person__full_name="Hoàng Văn Khách")
    assert entry.participation_id == rush.song_lo.pk
    assert Attendance.objects.get(pk=entry.pk).check_in_method == Method.WALK_IN
    assert phone.errors == []


def test_check_out_mode_records_the_departure(transactional_db, rush, browser_for, live_server):
    entry = rush.entries[0]
    upsert_arrival(
        entry=entry,
        at=timezone.now() - timedelta(minutes=30),
        method=Method.SCAN,
        actor=rush.coordinator,
    )
    phone = browser_for(rush.coordinator, ticket(entry))
    page = phone.page
    page.goto(scanner_url(live_server, rush.song_lo))

    page.click("label[for=mode-check-out]")
    expect(page.locator("#mode-check-out")).to_be_checked()
    page.click("#camera-start")

    expect(page.locator("#scan-result")).to_have_attribute("data-code", "checked_out")
    expect(page.locator("#scan-result")).to_have_attribute("data-state", "ok")
    assert Attendance.objects.get(pk=entry.pk).checked_out_at is not None
    assert ScanAttempt.objects.get().action == "check_out"
    assert phone.errors == []
