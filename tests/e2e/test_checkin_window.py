"""A coordinator opens the scanner the day before the session: the page says when check-in
opens, and a ticket scanned anyway is refused with its own words and kept among the
attempts. The coordinator starts at the home page and goes through their points and the
roster, as on the day. Screenshots go to var/screenshots/."""

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

from attendance.models import Attendance, ScanAttempt
from attendance.tickets import ticket_for
from events.models import Session

pytestmark = pytest.mark.e2e

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_scanner_of_a_session_tomorrow_says_when_it_opens_and_refuses_a_scan(
    transactional_db, rush, browser_for, live_server
):
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    # given the session starts tomorrow at 08:00, so check-in opens tomorrow at 07:00
    starts = (timezone.localtime() + timedelta(days=1)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    Session.objects.filter(pk=rush.session.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    opens = (starts - timedelta(hours=1)).astimezone(HCM).strftime("07:00 ngày %d/%m/%Y")
    entry = rush.entries[0]
    phone = browser_for(rush.coordinator, ticket_for(entry.pk, entry.ticket_version))
    page = phone.page

    # when the coordinator goes from the home page to the point's scanner
    page.goto(live_server.url + "/")
    page.locator(".navbar-toggler").click()
    page.get_by_role("link", name="Điểm cầu của tôi").click()
    page.get_by_role("link", name="Danh sách và điểm danh").first.click()
    expect(page.locator("#checkin-window")).to_have_text(f"Mở điểm danh lúc {opens}.")
    page.get_by_role("link", name="Mở máy quét").click()

    # then the scanner says plainly when check-in opens
    notice = page.locator("#checkin-window")
    expect(notice).to_have_text(f"Mở điểm danh lúc {opens}.")
    expect(notice).to_have_attribute("data-state", "not_open_yet")
    expect(page.locator("#clock-warning")).to_be_hidden()
    page.screenshot(path=shots / "scanner-not-open-yet.png")

    # when a ticket is scanned anyway
    page.click("#camera-start")

    # then it is refused with its own words, nothing is checked in, and the attempt is kept
    result = page.locator("#scan-result")
    expect(result).to_have_attribute("data-code", "not_open_yet")
    expect(result).to_have_attribute("data-state", "refused")
    expect(page.locator("#scan-result-message")).to_have_text(
        f"Chưa đến giờ điểm danh: điểm danh mở lúc {opens}."
    )
    page.screenshot(path=shots / "scanner-refused-not-open-yet.png")
    assert not Attendance.objects.exists()
    attempt = ScanAttempt.objects.first()
    assert (attempt.reason, attempt.outcome) == ("not_open_yet", ScanAttempt.Outcome.REFUSED)
    assert attempt.clock_skew is not None and abs(attempt.clock_skew) < 60
    assert phone.errors == []
