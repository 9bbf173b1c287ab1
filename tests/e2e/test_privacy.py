"""The personal data journey, as the specification a new engineer reads first: an attendee
signs in by e-mailed link as the demo's attendees do, reads the privacy notice, opens
"Dữ liệu cá nhân của tôi" from their home page, downloads everything held about them as
JSON and asks for a correction; the organiser of their province signs in with a password,
finds the request from their home page and answers it; the attendee reads the answer."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

from privacy.models import CorrectionRequest
from tests.checkins import eager_tasks  # noqa: F401

pytestmark = pytest.mark.e2e


def signed_out(browser_for, user):
    """A phone-sized page with nobody signed in: the fixture signs `user` in, this undoes it,
    so the journey starts where a person starts."""
    phone = browser_for(user, "-")
    phone.context.clear_cookies()
    return phone


@pytest.mark.usefixtures("eager_tasks")
def test_an_attendee_downloads_their_data_and_their_organiser_answers_a_correction(
    transactional_db,
    rush,
    browser_for,
    live_server,
    settings,
    tmp_path,
):
    settings.SITE_URL = live_server.url
    manh = rush.people[0]
    organiser = rush.organiser
    organiser.email = "snv@vinhphuc.gov.vn"
    organiser.save()

    # --- the attendee asks for a sign-in link and follows it from the e-mail
    phone = signed_out(browser_for, rush.coordinator)
    page = phone.page
    page.goto(live_server.url + reverse("sign_in_link_request"))
    page.get_by_role("link", name="Thông báo xử lý dữ liệu cá nhân").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thông báo về việc xử lý dữ liệu cá nhân"
    )
    page.screenshot(path=tmp_path / "privacy-notice-phone.png", full_page=True)
    page.go_back()
    page.get_by_label("Địa chỉ thư điện tử của bạn").fill(manh.email)
    page.get_by_role("button", name="Gửi đường dẫn cho tôi").click()
    # the last letter to him: his invitation went out when he was put on the roster
    letter = [m for m in mail.outbox if m.to == [manh.email]][-1]
    link = re.search(r"http\S+token=\S+", letter.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Đăng nhập DiemCau").click()

    # --- from their home page, their data
    expect(page.get_by_role("heading", level=1)).to_contain_text(manh.full_name)
    page.locator("#my-data-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dữ liệu cá nhân của tôi")
    expect(page.locator('[data-count="sessions"]')).to_have_text("1")
    expect(page.locator("#sessions")).to_contain_text(rush.session.title)
    page.screenshot(path=tmp_path / "my-data-phone.png", full_page=True)

    # the whole of it as JSON
    with page.expect_download() as download:
        page.locator("#download-json").click()
    document = json.loads(download.value.path().read_text())
    assert document["sections"]["profile"]["rows"][0]["full_name"] == manh.full_name
    assert [row["session"] for row in document["sections"]["sessions"]["rows"]] == [
        rush.session.title
    ]

    # a correction: a bad one first, refused in Vietnamese, then the right one
    page.get_by_label("Nội dung cần đính chính").select_option(label="Chức vụ")
    page.get_by_label("Điều chưa đúng").fill("Chức vụ ghi là Chuyên viên")
    page.locator("#correction-submit").click()
    expect(page.locator("#correction")).to_contain_text("Hãy cho biết nội dung đúng.")
    assert not CorrectionRequest.objects.exists()
    page.get_by_label("Nội dung đúng", exact=True).fill("Phó Trưởng phòng Nội vụ")
    page.locator("#correction-submit").click()
    # (filtered: the notices-stalled banner is an alert too when no worker runs)
    expect(page.get_by_role("alert").filter(has_text="Yêu cầu của bạn đã được gửi")).to_be_visible()
    expect(page.locator("#requests [data-status]")).to_have_text("Đang chờ trả lời")
    request = CorrectionRequest.objects.get()
    # and the organiser was told by e-mail
    assert [m.to for m in mail.outbox if "đính chính" in m.subject] == [["snv@vinhphuc.gov.vn"]]

    # --- the organiser signs in with their password and answers from their home page
    desk = signed_out(browser_for, organiser)
    office = desk.page
    office.goto(live_server.url + reverse("login"))
    office.get_by_label("Tên đăng nhập").fill(organiser.username)
    office.get_by_label("Mật khẩu").fill("mật-khẩu-thử")
    office.get_by_role("button", name="Đăng nhập").click()
    office.locator("#privacy-corrections-link").click()
    row = office.locator(f'[data-request="{request.pk}"]')
    expect(row).to_contain_text(manh.full_name)
    expect(row).to_contain_text("Chức vụ")
    row.get_by_role("link", name="Trả lời").click()
    expect(office.locator("#request-should-be")).to_have_text("Phó Trưởng phòng Nội vụ")
    office.get_by_label("Đã đính chính").check()
    office.get_by_label("Trả lời người yêu cầu").fill("Đã sửa chức vụ theo quyết định bổ nhiệm.")
    office.locator("#answer-submit").click()
    expect(office.get_by_role("alert").filter(has_text="Đã lưu câu trả lời")).to_be_visible()
    expect(office.locator("#correction-requests")).to_contain_text("Không có yêu cầu nào.")
    office.screenshot(path=tmp_path / "corrections-organiser.png", full_page=True)

    # --- the attendee reads the answer on their page
    page.reload()
    expect(page.locator("#requests [data-status]")).to_have_text("Đã đính chính")
    expect(page.locator("#requests [data-reply]")).to_have_text(
        "Đã sửa chức vụ theo quyết định bổ nhiệm."
    )
    page.screenshot(path=tmp_path / "my-data-answered-phone.png", full_page=True)
    assert phone.errors == [] and desk.errors == []
