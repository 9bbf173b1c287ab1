"""The check-in log on a phone: Sông Lô had no phones at yesterday's session, one delegate's
ticket was refused at the door the day before, and the coordinator types in the paper sheet.
Starting at the home page, the coordinator records two people from the sheet, then follows
"Nhật ký điểm danh" from the point's header: both entries are there with who entered them,
why and the times written, below the refused scan with its device and both clocks; a name
typed without accents narrows the log to one person. The organiser reaches the whole
session's log from the session page. Screenshots go to var/screenshots/."""

import uuid
from datetime import timedelta
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

from attendance.models import Method, ScanAttempt

pytestmark = pytest.mark.e2e


def test_the_coordinator_reads_the_paper_entries_in_the_log_on_a_phone(
    transactional_db, rush, browser_for, live_server
):
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    # given yesterday's session from 08:00 to 11:30, held and not yet closed, and a QR code
    # refused at Sông Lô the evening before by the coordinator's phone
    starts = hold_yesterday(rush.session)
    rush.coordinator.first_name = "Hoàng Văn Hải"
    rush.coordinator.save()
    refused_at = starts - timedelta(hours=12)
    ScanAttempt.objects.create(
        scan_id=uuid.uuid4(),
        device_id="dien-thoai-cua-hai",
        method=Method.SCAN,
        participation=rush.song_lo,
        actor=rush.coordinator,
        outcome=ScanAttempt.Outcome.REFUSED,
        reason="not_open_yet",
        device_time=refused_at - timedelta(minutes=3),
        clock_skew=-180,
        server_time=refused_at,
    )
    manh = next(e for e in rush.entries if e.person.full_name == "Nguyễn Văn Mạnh")
    anh = next(e for e in rush.entries if e.person.full_name == "Trần Thị Ánh")
    phone = browser_for(rush.coordinator, "")
    page = phone.page

    # when the coordinator goes from the home page to the point's sheet and records two
    # people with the times they wrote
    page.goto(live_server.url + "/")
    page.locator(".navbar-toggler").click()
    page.get_by_role("link", name="Điểm cầu của tôi").click()
    page.get_by_role("link", name="Danh sách và điểm danh").first.click()
    page.get_by_role("link", name="Nhập danh sách ký tên").click()
    page.fill("#id_reason", "Danh sách ký tên buổi sáng")
    page.check(f"#tick-{manh.pk}")
    page.fill(f"#in-{manh.pk}", "07:50")
    page.fill(f"#out-{manh.pk}", "11:30")
    page.check(f"#tick-{anh.pk}")
    page.fill(f"#in-{anh.pk}", "08:40")
    page.get_by_role("button", name="Ghi điểm danh những người đã chọn").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi điểm danh của 2 người")

    # and opens the point's check-in log from its header
    page.get_by_role("link", name="Nhật ký điểm danh").click()
    expect(
        page.get_by_role("heading", name="Nhật ký điểm danh · Điểm cầu Huyện Sông Lô")
    ).to_be_visible()

    # then both entries are there, with who entered them, why, and the times written
    day = f"{starts:%d/%m}"
    paper = page.locator('[data-code="paper_entered"]')
    expect(paper).to_have_count(2)
    for name in ("Nguyễn Văn Mạnh", "Trần Thị Ánh"):
        row = paper.filter(has_text=name)
        expect(row).to_contain_text("Nhập từ danh sách ký tên trên giấy")
        expect(row).to_contain_text("Người thực hiện: Hoàng Văn Hải")
        expect(row).to_contain_text("Lý do: Danh sách ký tên buổi sáng")
    expect(paper.filter(has_text="Trần Thị Ánh")).to_contain_text(
        f"Giờ đến (trống) → 08:40 ngày {day}"
    )
    expect(paper.filter(has_text="Nguyễn Văn Mạnh")).to_contain_text(
        f"Giờ về (trống) → 11:30 ngày {day}"
    )
    # and, older, the refused scan with its device and both clocks
    refused = page.locator('[data-code="not_open_yet"]')
    expect(refused).to_contain_text("Từ chối: Chưa đến giờ điểm danh")
    expect(refused).to_contain_text("dien-thoai-cua-hai")
    local = timezone.localtime(refused_at)
    expect(refused).to_contain_text(f"{local:%H:%M:%S} ngày {local:%d/%m/%Y}")
    expect(refused).to_contain_text("chậm 3 phút")
    # and the log fits a phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=shots / "audit-point-phone.png", full_page=True)

    # when the coordinator looks for Ánh, typing without accents
    page.fill("#id_person", "tran thi")
    page.get_by_role("button", name="Lọc").click()

    # then only her entry is left
    expect(page.locator("[data-audit-row]")).to_have_count(1)
    expect(page.locator("[data-audit-row]")).to_contain_text("Trần Thị Ánh")
    page.screenshot(path=shots / "audit-point-filtered-phone.png", full_page=True)
    assert not phone.errors

    # when the organiser goes from the home page to the session and its log
    desk = browser_for(rush.organiser, "")
    desk.page.goto(live_server.url + "/")
    desk.page.get_by_role("link", name=rush.session.title).first.click()
    desk.page.get_by_role("link", name="Nhật ký điểm danh").click()

    # then every point's rows are there, each saying its point
    expect(desk.page.locator("[data-audit-row]")).to_have_count(3)
    expect(desk.page.locator("#audit-log")).to_contain_text("Điểm cầu: Điểm cầu Huyện Sông Lô")
    desk.page.screenshot(path=shots / "audit-session-phone.png", full_page=True)
    assert not desk.errors
