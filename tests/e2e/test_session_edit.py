"""A session edited after it was scheduled, as the specification a new engineer reads
first: the Ministry's national organiser (the demo's `bonoivu`) signs in, opens
"Hội nghị" from the menu, opens the coming training, gives it a new meeting link, and sees
it on the session's page; the delegates already invited get an update and their calendars
a higher SEQUENCE. Screenshots at phone and desktop width go to var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from .conftest import CHROMIUM, PHONE

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect, sync_playwright

from directory.demo import DEMO_PASSWORD, load_demo_directory
from events.demo import load_demo_points, load_demo_sessions
from events.models import Notice, Session, SessionChange
from events.services import plan_due_notices, send_due_notices

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}
TITLE = "Tập huấn nghiệp vụ CCHC cho cán bộ đầu mối"
NEW_LINK = "https://hop.moha.example.vn/nghiep-vu-cchc-phong-2"


def test_the_national_organiser_gives_the_coming_session_a_new_meeting_link(
    transactional_db, live_server, monkeypatch
):
    # given the demo, with its training next week, and the invitations already sent
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    directory = load_demo_directory()
    load_demo_sessions(directory, load_demo_points(directory))
    session = Session.objects.get(title=TITLE)
    send_due_notices(seconds=30)
    invited = set(
        Notice.objects.filter(
            session=session, kind=Notice.Kind.INVITATION, status=Notice.Status.SENT
        ).values_list("person_id", flat=True)
    )
    assert invited
    errors: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(viewport=DESKTOP)
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))

            # --- signs in and finds the session from the menu
            page.goto(live_server.url + reverse("login"))
            page.get_by_label("Tên đăng nhập").fill("bonoivu")
            page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_role("link", name="Hội nghị", exact=True).click()
            page.get_by_role("link", name=TITLE).first.click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)

            # --- opens the edit page: the form holds the session as it is
            page.get_by_role("link", name="Sửa thông tin hội nghị").click()
            link = page.get_by_label("Đường dẫn họp trực tuyến")
            expect(link).to_have_value(session.meeting_url)
            page.screenshot(path=shots / "session-edit-desktop.png", full_page=True)

            # --- gives it a new meeting link and saves
            link.fill(NEW_LINK)
            page.get_by_role("button", name="Lưu").click()

            # --- and the session's page shows it
            expect(page.locator(".alert-success")).to_contain_text("Đã lưu thông tin hội nghị")
            expect(page.locator("[data-meeting-url]")).to_have_text(NEW_LINK)
            expect(page.get_by_text("Đã sửa thông tin").first).to_be_visible()
            page.screenshot(path=shots / "session-edited-desktop.png", full_page=True)

            # --- the same page on a phone, provinces first, one province's points on a tap
            phone = browser.new_context(
                viewport=PHONE,
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                storage_state=context.storage_state(),
            )
            small = phone.new_page()
            small.on("pageerror", lambda error: errors.append(str(error)))
            small.goto(live_server.url + reverse("events:session_detail", args=[session.pk]))
            expect(small.locator("[data-meeting-url]")).to_have_text(NEW_LINK)
            small.get_by_role("listitem").filter(has_text="Vĩnh Phúc").first.click()
            expect(small.locator("[data-participation-row]").first).to_be_visible()
            width = small.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], width
            small.screenshot(path=shots / "session-edited-phone.png", full_page=True)
        finally:
            browser.close()

    # then the change is recorded, the calendar SEQUENCE grew, and those already invited
    # are sent an update
    session.refresh_from_db()
    assert session.meeting_url == NEW_LINK
    assert session.sequence == 1
    change = SessionChange.objects.get(session=session, kind=SessionChange.Kind.EDITED)
    assert change.details["after"] == {"meeting_url": NEW_LINK}
    plan_due_notices()
    updated = set(
        Notice.objects.filter(session=session, kind=Notice.Kind.UPDATE).values_list(
            "person_id", flat=True
        )
    )
    assert updated - {None} == invited
    assert errors == []
