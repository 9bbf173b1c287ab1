"""A coordinator types in a paper sign-in sheet on a phone: Sông Lô had no phones at
yesterday's session, so its delegates signed the printed sheet. The coordinator starts at
the home page, opens the point's roster, follows "Nhập danh sách ký tên", ticks two people,
types the times they wrote and records them; a line with a departure before its arrival is
refused first, and nothing is saved until it is right. Screenshots go to var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from .conftest import CHROMIUM, hold_yesterday

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

from attendance.models import Attendance, AttendanceChange, Method

pytestmark = pytest.mark.e2e


def test_the_coordinator_records_two_people_from_the_paper_sheet_on_a_phone(
    transactional_db, rush, browser_for, live_server
):
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    # given yesterday's session from 08:00 to 11:30, held and not yet closed
    hold_yesterday(rush.session)
    manh = next(e for e in rush.entries if e.person.full_name == "Nguyễn Văn Mạnh")
    anh = next(e for e in rush.entries if e.person.full_name == "Trần Thị Ánh")
    phone = browser_for(rush.coordinator, "")
    page = phone.page

    # when the coordinator goes from the home page to the point's sheet
    page.goto(live_server.url + "/")
    page.locator(".navbar-toggler").click()
    page.get_by_role("link", name="Điểm cầu của tôi").click()
    page.get_by_role("link", name="Danh sách và điểm danh").first.click()
    page.get_by_role("link", name="Nhập danh sách ký tên").click()
    expect(page.get_by_role("heading", name="Nhập danh sách ký tên")).to_be_visible()

    # and types the sheet, first with Ánh's departure before her arrival
    page.fill("#id_reason", "Danh sách ký tên buổi sáng")
    page.check(f"#tick-{manh.pk}")
    page.fill(f"#in-{manh.pk}", "07:50")
    page.fill(f"#out-{manh.pk}", "11:30")
    page.check(f"#tick-{anh.pk}")
    page.fill(f"#in-{anh.pk}", "08:40")
    page.fill(f"#out-{anh.pk}", "08:10")
    page.get_by_role("button", name="Ghi điểm danh những người đã chọn").click()

    # then the wrong line says why, what was typed stays, and nothing is saved
    line = page.locator(f'[data-entry="{anh.pk}"] [data-line-error]')
    expect(line).to_have_text("Giờ về phải sau giờ đến.")
    expect(page.locator(f"#in-{manh.pk}")).to_have_value("07:50")
    assert not Attendance.objects.exists()
    page.screenshot(path=shots / "paper-sheet-refused-phone.png", full_page=True)

    # when the departure is corrected
    page.fill(f"#out-{anh.pk}", "11:30")
    page.get_by_role("button", name="Ghi điểm danh những người đã chọn").click()

    # then both are recorded with their real times, Ánh late, as entered from paper
    expect(page.locator(".alert-success")).to_contain_text(
        "Đã ghi điểm danh của 2 người từ danh sách ký tên."
    )
    expect(page.locator(f'[data-entry="{anh.pk}"]')).to_contain_text("Đến muộn")
    recorded = {a.pk: a for a in Attendance.objects.all()}
    assert timezone.localtime(recorded[manh.pk].checked_in_at).strftime("%H:%M") == "07:50"
    assert timezone.localtime(recorded[anh.pk].checked_out_at).strftime("%H:%M") == "11:30"
    assert {a.check_in_method for a in recorded.values()} == {Method.PAPER}
    assert AttendanceChange.objects.filter(actor=rush.coordinator).count() == 2
    # and the page fits a phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=shots / "paper-sheet-recorded-phone.png", full_page=True)
    assert not phone.errors
