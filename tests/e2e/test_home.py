"""The organiser's home, as the specification a new engineer reads first: with the demo
loaded, Sông Lô's coordinator has asked for three absences to be excused; the provincial
organiser of Vĩnh Phúc (the demo's `vinhphuc`) signs in with a password, lands on their home,
sees what is coming and what needs them, opens the excuse requests from there and approves
two of them together. Screenshots at phone and desktop width go to var/screenshots/."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

from attendance.models import Attendance, AttendanceChange
from attendance.services import request_excuse
from directory.demo import DEMO_PASSWORD
from events.models import BridgePoint, RosterEntry, Session

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}


def test_the_provincial_organiser_decides_two_excuse_requests_from_their_home(
    transactional_db, live_server, browser_for
):
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    # given the demo, and three delegates of Sông Lô whose absence its coordinator asked
    # to excuse for the session next week
    call_command("load_demo", stdout=io.StringIO())
    users = get_user_model().objects
    coordinator, organiser = users.get(username="songlo"), users.get(username="vinhphuc")
    song_lo = BridgePoint.objects.get(coordinators=coordinator)
    upcoming = Session.objects.get(title="Tập huấn nghiệp vụ CCHC cho cán bộ đầu mối")
    entries = list(
        RosterEntry.objects.filter(session=upcoming, participation__point=song_lo)
        .select_related("person", "participation__point__unit", "session")
        .order_by("person__sort_name")[:3]
    )
    assert len(entries) == 3
    for entry in entries:
        request_excuse(actor=coordinator, entry=entry, reason="Đi công tác theo lịch của huyện")

    # when the organiser signs in with their password
    phone = browser_for(organiser, "-")
    phone.context.clear_cookies()
    page = phone.page
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Tên đăng nhập").fill("vinhphuc")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    # then their home shows what is coming and what needs them, each with its count
    expect(page.get_by_role("heading", name="Việc cần anh/chị xử lý")).to_be_visible()
    expect(page.locator('[data-count="excuses"]')).to_have_text("3")
    expect(page.locator("#upcoming")).to_contain_text(upcoming.title)
    for block in (
        "sessions-to-close",
        "uncovered-points",
        "failed-notices",
        "surveys-to-close",
    ):
        expect(page.locator(f'[data-count="{block}"]')).to_be_visible()
    # and this month's sessions are drawn by Chart.js when the month has any
    if page.locator("#month-chart").count():
        page.wait_for_function(
            "() => window.Chart && Chart.getChart(document.getElementById('month-chart'))"
        )
        page.wait_for_timeout(1200)  # Chart.js grows the bars for a second
    page.screenshot(path=shots / "home-organiser-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=shots / "home-organiser-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})

    # when they open the requests and approve two of them together
    page.locator("#excuse-queue-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Yêu cầu xin vắng")
    rows = page.locator("#excuse-rows [data-entry]")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Đi công tác theo lịch của huyện")
    for entry in entries[:2]:
        page.get_by_role("checkbox", name=entry.person.full_name).check()
    page.screenshot(path=shots / "home-excuses-phone.png", full_page=True)
    page.locator("#excuse-approve").click()

    # then the two are excused, the third still waits, and the audit says who decided
    expect(page.get_by_role("alert").filter(has_text="Đã chấp thuận 2 trường hợp")).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(entries[2].person.full_name)
    decided = {row.entry_id: row.excuse for row in Attendance.objects.filter(session=upcoming)}
    assert [decided[entry.pk] for entry in entries] == ["approved", "approved", "requested"]
    audit = AttendanceChange.objects.filter(kind="excuse_decided")
    assert sorted(audit.values_list("actor__username", flat=True)) == ["vinhphuc", "vinhphuc"]
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=shots / "home-excuses-desktop.png", full_page=True)

    # and back home, one request is left
    page.goto(live_server.url + reverse("home"))
    expect(page.locator('[data-count="excuses"]')).to_have_text("1")
    assert phone.errors == []
