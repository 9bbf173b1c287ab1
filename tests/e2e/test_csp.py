"""The pages that do the most in the browser work under the Content-Security-Policy that
production enforces (the test settings enforce it too): the scanner's camera and jsQR, the
dashboard's and the report's Chart.js, the buttons that ask before they send, the API docs.
The browser reports every violation; none may happen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Method
from attendance.services import upsert_arrival
from attendance.tickets import ticket_for
from training.models import Programme

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# Run before any script of the page: the browser's own report of what the policy blocked.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watched(phone):
    """The phone's page, recording policy violations and the console's reports of them."""
    page = phone.page
    page.add_init_script(RECORD_VIOLATIONS)
    phone.console = []
    page.on(
        "console",
        lambda message: (
            phone.console.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def violations(phone) -> list[str]:
    return phone.page.evaluate("window.cspViolations") + phone.console


def test_the_scanner_reads_a_ticket_through_the_camera_under_the_policy(
    transactional_db, rush, browser_for, live_server
):
    entry = rush.entries[0]
    phone = browser_for(rush.coordinator, ticket_for(entry.pk, entry.ticket_version))
    page = watched(phone)
    page.goto(live_server.url + reverse("attendance:scanner", args=[rush.song_lo.pk]))

    page.click("#camera-start")

    expect(page.locator("#scan-result")).to_have_attribute("data-code", "checked_in")
    assert page.evaluate("document.querySelector('video').srcObject !== null")
    assert violations(phone) == []
    assert phone.errors == []


def test_the_dashboard_draws_its_chart_and_filters_in_place_under_the_policy(
    transactional_db, rush, browser_for, live_server, settings
):
    settings.DASHBOARD_POLL_SECONDS = 1
    starts = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    rush.session.__class__.objects.filter(pk=rush.session.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    upsert_arrival(
        entry=rush.entries[0], at=timezone.now(), method=Method.SCAN, actor=rush.coordinator
    )
    phone = browser_for(rush.organiser, "-")
    page = watched(phone)
    page.goto(live_server.url + reverse("attendance:session_dashboard", args=[rush.session.pk]))
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('timeline-chart'))"
    )
    page.evaluate("window.notReloaded = true")

    # Enter in the search box filters the list and sends nothing (it used to take an
    # inline onsubmit handler, which the policy would not run)
    page.fill("#filter-query", "tam dao")
    page.press("#filter-query", "Enter")

    group = page.locator(f'details[data-group="{rush.song_lo.point.unit.parent_id}"]')
    expect(group.locator("tbody tr")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True
    assert "?" not in page.url
    assert violations(phone) == []
    assert phone.errors == []


def test_closing_a_programme_asks_first_and_sends_only_when_agreed_under_the_policy(
    transactional_db, rush, browser_for, live_server
):
    programme = rush.session.programme
    phone = browser_for(rush.organiser, "-")
    page = watched(phone)
    page.goto(live_server.url + reverse("certificates:programme_certificates", args=[programme.pk]))
    questions = []
    close = page.get_by_role("button", name="Kết thúc chương trình")

    # the organiser says no: nothing is sent
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    close.click()
    page.wait_for_timeout(500)
    programme.refresh_from_db()
    assert programme.status == Programme.Status.ACTIVE
    assert questions == [
        "Kết thúc chương trình? Giấy chứng nhận sẽ được cấp khi mọi hội nghị đã đóng và mẫu "
        "giấy đã đủ thông tin."
    ]

    # the organiser agrees: the programme is closed
    page.once("dialog", lambda dialog: dialog.accept())
    close.click()
    page.wait_for_load_state()
    expect(close).to_have_count(0)
    programme.refresh_from_db()
    assert programme.status == Programme.Status.CLOSED
    assert violations(phone) == []
    assert phone.errors == []


def test_the_coverage_chart_and_the_api_docs_draw_under_the_policy(
    transactional_db, live_server, browser_for
):
    from tests import factories
    from tests.reports.test_reports import build_demo_province

    demo = build_demo_province()
    phone = browser_for(factories.organiser(None, username="vu-cchc-csp"), "-")
    page = watched(phone)

    page.goto(live_server.url + reverse("reports:report_coverage") + f"?session={demo.session.pk}")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('coverage-chart'))"
    )
    page.goto(live_server.url + "/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("DiemCau API")

    assert violations(phone) == []
    assert phone.errors == []
