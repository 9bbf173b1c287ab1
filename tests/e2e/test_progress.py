"""The shared progress poller (static/js/progress.js) on its three pages, in a real browser:
a report export that ends in a download link, a collation whose page reloads when it is
done, and a sending of notices with its stacked bars. The server's rows are changed by the
test while the page is open; the page follows without being reloaded by the test."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from certificates.models import Collation
from events.services import send_due_notices
from reports.models import ReportExport
from tests import factories

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_running_export_shows_its_rows_then_the_download_link_without_reload(
    transactional_db, browser_for, live_server, settings, tmp_path
):
    # given: a points export written by a worker, 1.200 of 5.000 rows so far
    settings.MEDIA_ROOT = tmp_path / "media"
    national = factories.organiser(None, username="vu-cchc-xuat")
    export = ReportExport.objects.create(
        kind=ReportExport.Kind.POINTS,
        file_format=ReportExport.Format.CSV,
        requested_by=national,
        status=ReportExport.Status.RUNNING,
        rows_done=1200,
        rows_total=5000,
    )
    phone = browser_for(national, "-")
    page = phone.page

    # when: the requester opens the export's page
    page.goto(live_server.url + reverse("reports:report_export_status", args=[export.pk]))
    box = page.locator("#report-export")
    expect(box.locator('[data-field="rows_done"]')).to_have_text("1.200")
    expect(box.locator('[data-field="rows_total"]')).to_have_text("5.000")
    expect(box.locator("[data-progress-waiting]")).to_be_visible()
    expect(box.locator('[data-href="download_url"]')).to_be_hidden()
    page.evaluate("window.notReloaded = true")

    # and: the worker writes more rows
    ReportExport.objects.filter(pk=export.pk).update(rows_done=3400)

    # then: the figures and the bar follow
    expect(box.locator('[data-field="rows_done"]')).to_have_text("3.400")
    expect(box.locator('[role="progressbar"]')).to_have_attribute("aria-valuenow", "68")
    expect(box.locator("[data-bar]")).to_have_text("68%")
    page.screenshot(path=tmp_path / "export-running-phone.png", full_page=True)

    # when: the worker finishes and stores the file
    written = settings.MEDIA_ROOT / "reports" / "diem-cau.csv"
    written.parent.mkdir(parents=True)
    written.write_text("Điểm cầu;Số người\nSông Lô;4\n", encoding="utf-8-sig")
    ReportExport.objects.filter(pk=export.pk).update(
        status=ReportExport.Status.DONE, rows_done=5000, file="reports/diem-cau.csv"
    )

    # then: the download link shows, the waiting note is gone, and the page was not reloaded
    link = box.locator('[data-href="download_url"]')
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", reverse("reports:report_export_file", args=[export.pk]))
    expect(box.locator("[data-progress-waiting]")).to_have_count(0)
    expect(box.locator('[data-field="rows_done"]')).to_have_text("5.000")
    expect(box.locator("[data-bar]")).to_have_text("100%")
    expect(box.locator('[data-field="error"]')).to_be_hidden()
    assert page.evaluate("window.notReloaded") is True
    download = page.request.get(live_server.url + link.get_attribute("href"))
    assert download.ok and "Sông Lô;4" in download.body().decode("utf-8-sig")
    page.screenshot(path=tmp_path / "export-done-phone.png", full_page=True)
    assert phone.errors == []


def test_a_running_collation_moves_its_bar_and_the_page_reloads_when_it_is_done(
    transactional_db, rush, browser_for, live_server, settings, tmp_path
):
    # given: the programme's collation is issuing certificates, 10 of 40 so far
    settings.MEDIA_ROOT = tmp_path / "media"
    programme = rush.session.programme
    collation = Collation.objects.create(
        programme=programme,
        requested_by=rush.organiser,
        status=Collation.Status.RUNNING,
        stage=Collation.Stage.ISSUING,
        people=50,
        completed=40,
        to_issue=40,
        issued=10,
    )
    phone = browser_for(rush.organiser, "-")
    page = phone.page
    page.goto(live_server.url + reverse("certificates:programme_certificates", args=[programme.pk]))
    box = page.locator("#collation")
    expect(box.locator('[data-field="issued"]')).to_have_text("10")
    expect(box.locator('[role="progressbar"]')).to_have_attribute("aria-valuenow", "70")
    expect(box.locator(".progress-bar-animated")).to_have_count(1)
    page.evaluate("window.notReloaded = true")

    # when: the worker issues twenty more
    Collation.objects.filter(pk=collation.pk).update(issued=30)

    # then: the figures and the bar move, without a reload
    expect(box.locator('[data-field="issued"]')).to_have_text("30")
    expect(box.locator('[role="progressbar"]')).to_have_attribute("aria-valuenow", "90")
    expect(box.locator("[data-bar]")).to_have_text("90%")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=tmp_path / "collation-running-phone.png", full_page=True)

    # when: the collation is done
    with page.expect_event("load", timeout=15_000):
        Collation.objects.filter(pk=collation.pk).update(
            status=Collation.Status.DONE, stage=Collation.Stage.FINISHED, issued=40
        )

    # then: the page has reloaded on its own and shows the finished collation, still
    expect(box.locator('[role="progressbar"]')).to_have_attribute("aria-valuenow", "100")
    expect(box.locator(".progress-bar-animated")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is None
    page.wait_for_timeout(2500)  # no poll, so no second reload
    assert page.evaluate("window.notReloaded = 'still'") == "still"
    page.wait_for_timeout(2500)
    assert page.evaluate("window.notReloaded") == "still"
    page.screenshot(path=tmp_path / "collation-done-phone.png", full_page=True)
    assert phone.errors == []


def test_the_sending_bars_follow_the_notices_as_they_go_out(
    transactional_db,
    upcoming,
    browser_for,
    live_server,
    tmp_path,
):
    # given: three invitations are waiting (Dung's, with no address, was not sent at all)
    # and Mạnh's address is broken
    cache.clear()
    type(upcoming.manh).objects.filter(pk=upcoming.manh.pk).update(email="manh.vv@@songlo")
    phone = browser_for(upcoming.organiser, "-")
    page = phone.page
    page.goto(live_server.url + reverse("events:session_notices", args=[upcoming.session.pk]))
    card = page.locator('#notice-progress [data-progress-item="0"]')
    expect(card.locator('[data-field="total"]')).to_have_text("4")
    expect(card.locator('[data-field="waiting"]')).to_have_text("3")
    expect(card.locator('[data-field="sent"]')).to_have_text("0")
    expect(card.locator('[data-field="skipped"]')).to_have_text("1")
    page.evaluate("window.notReloaded = true")

    # when: the worker sends them
    send_due_notices(seconds=10)

    # then: the counts and the stacked bars follow: half sent, a quarter failed, a quarter
    # not sent for want of an address
    expect(card.locator('[data-field="waiting"]')).to_have_text("0")
    expect(card.locator('[data-field="sent"]')).to_have_text("2")
    expect(card.locator('[data-field="failed"]')).to_have_text("1")
    expect(card.locator('[data-field="skipped"]')).to_have_text("1")
    widths = card.locator(".progress-stacked > .progress").evaluate_all(
        "segments => segments.map((s) => s.style.width)"
    )
    assert widths == ["50%", "25%", "25%"]
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=tmp_path / "notices-sent-phone.png", full_page=True)
    assert phone.errors == []


def test_the_poller_rests_while_the_tab_is_hidden_and_backs_off_while_offline(
    transactional_db, browser_for, live_server, tmp_path
):
    # given: a running export's page, polling every 1.5 seconds
    national = factories.organiser(None, username="vu-cchc-an-tab")
    export = ReportExport.objects.create(
        kind=ReportExport.Kind.POINTS,
        file_format=ReportExport.Format.CSV,
        requested_by=national,
        status=ReportExport.Status.RUNNING,
        rows_done=10,
        rows_total=100,
    )
    phone = browser_for(national, "-")
    page = phone.page
    progress_url = reverse("reports:report_export_progress", args=[export.pk])
    polls, failed = [], []
    page.on("request", lambda r: polls.append(r.url) if progress_url in r.url else None)
    page.on("requestfailed", lambda r: failed.append(r.url) if progress_url in r.url else None)
    page.goto(live_server.url + reverse("reports:report_export_status", args=[export.pk]))
    expect(page.locator('[data-field="rows_done"]')).to_have_text("10")
    with page.expect_request(lambda r: progress_url in r.url):
        pass  # the first poll

    # when: the tab is hidden (as the browser says when the phone switches apps)
    page.evaluate(
        """() => {
        Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    page.wait_for_timeout(500)
    before = len(polls)
    page.wait_for_timeout(4000)

    # then: nothing is polled
    assert len(polls) == before

    # when: it is shown again, then: it polls at once, not a whole interval later
    with page.expect_request(lambda r: progress_url in r.url, timeout=1000):
        page.evaluate(
            """() => {
            Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
        )

    # when: the network is gone for seven seconds
    page.wait_for_timeout(300)
    phone.context.set_offline(True)
    page.wait_for_timeout(7000)

    # then: the failed polls come further and further apart (1.5 s, then 3 s, then 6 s)
    # rather than every 1.5 seconds
    assert 1 <= len(failed) <= 3

    # when: the network is back, then: it polls at once and shows the new figures
    ReportExport.objects.filter(pk=export.pk).update(rows_done=55)
    with page.expect_request(lambda r: progress_url in r.url, timeout=1000):
        phone.context.set_offline(False)
    expect(page.locator('[data-field="rows_done"]')).to_have_text("55")
    assert phone.errors == []
