"""The organiser's way to certificates an official can sign, on a phone: from the home page
to the programme's certificates, which lists the session still to close and what the
design lacks instead of issuing; a dry run with its sample; the session closed from its
own page, the signer filled in; then the certificates issued, stating the days held.

Workers are played by the test: it runs the queued run where a worker would, and the page
follows by itself (its progress box reloads it when the run is over).
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from certificates.models import Certificate, Collation
from certificates.pdf import SAMPLE_MARK
from certificates.services.collation import run_collation
from events.models import Session
from tests.certificates.helpers import close_sessions
from tests.checkins import course  # noqa: F401
from training.models import Programme

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def open_certificates(page) -> None:
    """Through the menu to the certificates of the course's programme."""
    page.locator(".navbar-toggler").click()
    page.get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    page.get_by_role("row", name="CCHC-VP-2021").get_by_role("link").click()


def the_worker_runs(kind: str) -> Collation:
    """What a worker does with the run the page queued."""
    [run] = Collation.objects.filter(status=Collation.Status.QUEUED, dry_run=kind == "dry run")
    return run_collation(run.pk)


def test_the_organiser_closes_the_last_session_completes_the_design_and_issues(
    transactional_db,
    course,  # noqa: F811
    browser_for,
    live_server,
    tmp_path,
):
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT = tmp_path / "media"
    # given: the first session closed, the second held yesterday and not closed; the design
    # without its signer's name
    close_sessions(course.first)
    Session.objects.filter(pk=course.second.pk).update(
        status=Session.Status.HELD, held_at=timezone.now() - timedelta(hours=3)
    )
    Programme.objects.filter(pk=course.programme.pk).update(signer_name="")
    phone = browser_for(course.rush.organiser, "")
    page = phone.page

    # when: from home, through the menu, to the programme's certificates
    page.goto(live_server.url + "/")
    open_certificates(page)

    # then: no button to issue; the held session is listed to close, the signer is asked for
    guard = page.locator("#guard")
    expect(guard).to_contain_text("Chưa thể cấp giấy chứng nhận")
    expect(guard).to_contain_text("Còn 1 hội nghị chưa được đóng")
    expect(guard.get_by_role("link", name=course.second.title)).to_be_visible()
    expect(guard).to_contain_text("Đã diễn ra ngày")
    expect(guard).to_contain_text("Mẫu giấy chứng nhận còn thiếu: họ tên người ký.")
    expect(page.get_by_role("button", name="Xét và cấp giấy")).to_have_count(0)
    page.screenshot(path=shots / "certificates-guarded-phone.png", full_page=True)

    # when: a dry run, which the worker runs
    page.get_by_role("button", name="Chạy thử").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã bắt đầu chạy thử")
    with page.expect_event("load", timeout=15_000):
        the_worker_runs("dry run")

    # then: how many would be issued, and a sample that says what it is
    result = page.locator("#dry-run")
    expect(result).to_contain_text("Nếu cấp bây giờ: 3 giấy chứng nhận.")
    expect(result).to_contain_text("2 người dự chưa đủ số hội nghị")
    sample = result.get_by_role("link", name="Mở bản xem thử giấy chứng nhận (PDF)")
    answer = page.request.get(live_server.url + sample.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    assert not Certificate.objects.exists()
    page.screenshot(path=shots / "certificates-dry-run-phone.png", full_page=True)

    # when: the organiser closes the held session from its page
    guard.get_by_role("link", name=course.second.title).click()
    page.get_by_role("link", name="Đóng hội nghị").click()
    page.get_by_role("button", name="Đóng hội nghị").click()
    course.second.refresh_from_db()
    assert course.second.status == Session.Status.CLOSED
    # closing the last open session collated nothing: the design still lacks its signer
    assert not Collation.objects.filter(dry_run=False).exists()

    # and fills in the signer's name on the design page the certificates page links to
    open_certificates(page)
    expect(page.locator("#guard")).not_to_contain_text("chưa được đóng")
    page.get_by_role("link", name="Bổ sung mẫu giấy chứng nhận").click()
    page.get_by_label("Người ký", exact=True).fill("Nguyễn Văn Khước")
    page.get_by_role("button", name="Lưu mẫu giấy chứng nhận").click()
    expect(page.locator(".alert-success")).to_be_visible()
    open_certificates(page)

    # then: the page has no more objection, and issues
    expect(page.locator("#guard")).to_have_count(0)
    page.get_by_role("button", name="Xét và cấp giấy").click()
    with page.expect_event("load", timeout=15_000):
        the_worker_runs("collation")
    expect(page.locator("#collation")).to_contain_text("đã cấp 3/3")
    page.screenshot(path=shots / "certificates-issued-phone.png", full_page=True)

    # and each certificate states the days of the sessions held, none after today
    for certificate in Certificate.objects.all():
        assert certificate.snapshot["signer_name"] == "Nguyễn Văn Khước"
        assert certificate.snapshot["last_day"] <= timezone.localdate().isoformat()
    assert SAMPLE_MARK not in str(Certificate.objects.first().snapshot)
    assert phone.errors == []
