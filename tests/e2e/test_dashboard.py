"""The organiser's live dashboard in a real browser: groups, the silent-points warning,
updates without reloading as delegates check in, and the chart of check-ins over time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Method
from attendance.services import upsert_arrival
from events.models import Session

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}


def test_the_dashboard_flags_silent_points_and_updates_itself_as_delegates_arrive(
    transactional_db, rush, browser_for, live_server, settings, tmp_path
):
    # given the session starts in five minutes and nobody has checked in anywhere yet,
    # and the page polls every second (15 in production)
    settings.DASHBOARD_POLL_SECONDS = 1
    starts = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    Session.objects.filter(pk=rush.session.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    phone = browser_for(rush.organiser, "no camera needed")
    page = phone.page

    # when the organiser opens the dashboard on their phone
    page.goto(live_server.url + reverse("attendance:session_dashboard", args=[rush.session.pk]))

    # then Vĩnh Phúc's group is open on its two red rows, and the warning counts both
    group = page.locator(f'details[data-group="{rush.song_lo.point.unit.parent_id}"]')
    expect(group).to_have_attribute("open", "")
    expect(group.locator("summary")).to_contain_text("Tỉnh Vĩnh Phúc")
    expect(group.locator("tr[data-silent]")).to_have_count(2)
    expect(page.locator("#silent-title")).to_have_text("2 điểm cầu chưa có ai điểm danh")
    expect(page.locator("#timeline-empty")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    # when a delegate is checked in at Sông Lô, on the server
    upsert_arrival(
        entry=rush.entries[0], at=timezone.now(), method=Method.SCAN, actor=rush.coordinator
    )

    # then, without a reload, Sông Lô is checking in with 1 of 4 and only Tam Đảo is flagged
    song_lo = page.locator(f'tr[data-participation="{rush.song_lo.pk}"]')
    expect(song_lo).to_have_attribute("data-state", "checking_in")
    expect(song_lo.locator('[data-cell="checked_in"]')).to_have_text("1")
    expect(song_lo).not_to_have_attribute("data-silent", "")
    expect(page.locator("#silent-title")).to_have_text("1 điểm cầu chưa có ai điểm danh")
    expect(page.locator(f'#silent-list [data-silent-point="{rush.tam_dao.pk}"]')).to_be_visible()
    expect(page.locator('[data-total="checked_in"]')).to_have_text("1")
    expect(group.locator('[data-group-total="checked_in"]')).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True

    # and the chart of check-ins over time is drawn with the new arrival
    chart = page.locator("#timeline-chart")
    expect(page.locator("#timeline-empty")).to_be_hidden()
    per_interval, cumulative = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById("timeline-chart"));
          return chart ? chart.data.datasets.map((d) => d.data) : [[], []];
        }"""
    )
    assert sum(per_interval) == 1
    assert cumulative[-1] == 1
    assert int(chart.get_attribute("data-points")) == len(per_interval) >= 1
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    page.screenshot(path=tmp_path / "dashboard-phone.png", full_page=True)

    # when the organiser searches for Tam Đảo, without its diacritics
    page.fill("#filter-query", "tam dao")

    # then only that point is listed
    expect(group.locator("tbody tr")).to_have_count(1)
    expect(group.locator("tbody tr")).to_contain_text("Tam Đảo")
    page.fill("#filter-query", "")
    page.select_option("#filter-state", "checking_in")
    expect(group.locator("tbody tr")).to_have_count(1)
    expect(group.locator("tbody tr")).to_contain_text("Sông Lô")
    page.select_option("#filter-state", "")

    # and on a desktop screen the whole page fits its width
    page.set_viewport_size(DESKTOP)
    expect(group.locator("tbody tr")).to_have_count(2)
    page.screenshot(path=tmp_path / "dashboard-desktop.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert (tmp_path / "dashboard-phone.png").stat().st_size > 10_000
    assert (tmp_path / "dashboard-desktop.png").stat().st_size > 10_000
    assert phone.errors == []


def test_polling_pauses_while_the_tab_is_hidden(
    transactional_db, rush, browser_for, live_server, settings
):
    # given the dashboard open and polling every second
    settings.DASHBOARD_POLL_SECONDS = 1
    phone = browser_for(rush.organiser, "no camera needed")
    page = phone.page
    page.goto(live_server.url + reverse("attendance:session_dashboard", args=[rush.session.pk]))
    updated = page.locator("#dashboard-updated")
    expect(updated).to_have_attribute("data-polls", "1")

    # when the tab is hidden for three seconds
    page.evaluate(
        """() => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    polls = int(updated.get_attribute("data-polls"))
    page.wait_for_timeout(3000)

    # then nothing was fetched meanwhile
    assert int(updated.get_attribute("data-polls")) == polls

    # and it refreshes at once when the tab is shown again
    page.evaluate(
        """() => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    expect(updated).to_have_attribute("data-polls", str(polls + 1))
    assert phone.errors == []
