"""The organiser's whole job from the web, as the issue that asked for it tells it: on a fresh
database with the demo's directory and seed sessions, the Ministry's organiser (`bonoivu`)
creates the 2026 programme with its legal basis, builds today's network of 3,355 points
from the unit tree, schedules the national session by rule at 3,356 points (with the
Ministry's host point) and gives it a new meeting link, which reaches the delegates already
invited as an update; then Phú Thọ's organiser (`phutho`), on a phone, names a coordinator
for one of their communes, who signs in with the e-mailed link and finds the session on
*Điểm cầu của tôi*. Screenshots at desktop and phone width go to var/screenshots/."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .conftest import CHROMIUM, PHONE

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect, sync_playwright

from directory.demo import DEMO_PASSWORD, load_demo_directory
from directory.models import Person
from directory.services.accounts import sign_in_link
from events.demo import load_demo_points, load_demo_sessions
from events.models import Notice, Session, SessionPoint
from events.services import add_to_roster, plan_due_notices, send_due_notices

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROGRAMME = "Tập huấn CCHC năm 2026"
TITLE = "Hội nghị trực tuyến toàn quốc triển khai CCHC năm 2026"
LINK = "https://hop.moha.example.vn/cchc-2026"
NEW_LINK = "https://hop.moha.example.vn/cchc-2026-phong-2"


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def pick(page, field_id: str, typed: str, offered: str) -> None:
    """Types into a picker without accents and takes the offer the server makes."""
    control = page.locator(f"#{field_id}-ts-control")
    control.click()
    control.press_sequentially(typed)
    page.locator(f"#{field_id} + .ts-wrapper .ts-dropdown .option", has_text=offered).first.click()


def create_programme(page, resolution: Path) -> None:
    page.get_by_role("link", name="Chương trình", exact=True).click()
    page.get_by_role("link", name="Chương trình mới").click()
    page.get_by_label("Tiêu đề").fill(PROGRAMME)
    page.get_by_label("Mã", exact=True).fill("CCHC-2026")
    page.get_by_label("Năm", exact=True).fill("2026")
    page.get_by_label("Cơ quan cấp").fill("Bộ Nội vụ")
    page.get_by_label("1. ").check()
    page.get_by_role("button", name="Tạo chương trình").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME)
    page.get_by_role("link", name="Thêm tài liệu").click()
    page.get_by_label("Tiêu đề").fill("Chương trình tổng thể CCHC nhà nước 2021-2030")
    page.get_by_label("Loại").select_option("legal_document")
    page.get_by_label("Số, ký hiệu văn bản").fill("76/NQ-CP")
    page.get_by_label("Tệp", exact=True).set_input_files(resolution)
    page.get_by_role("button", name="Thêm tài liệu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã thêm tài liệu")


def generate(page, level: str, expected: int) -> None:
    page.get_by_role("link", name="Tạo theo đơn vị hành chính").click()
    page.get_by_label("Mỗi đơn vị sau có một điểm cầu").select_option(level)
    page.get_by_role("button", name="Đếm số điểm cầu sẽ tạo").click()
    expect(page.locator("#generate-preview")).to_contain_text(f"Sẽ tạo {expected} điểm cầu mới")
    page.get_by_role("button", name=f"Tạo {expected} điểm cầu").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Đã thêm {expected} điểm cầu")


def schedule_national_session(page, shots: Path) -> None:
    starts = timezone.localtime() + timedelta(days=14)
    page.get_by_role("link", name="Hội nghị", exact=True).click()
    page.get_by_role("link", name="Lên lịch hội nghị", exact=True).click()
    page.get_by_label("Chương trình").select_option(label=PROGRAMME)
    page.get_by_label("Tiêu đề").fill(TITLE)
    page.get_by_label("Bắt đầu", exact=True).fill(f"{starts:%Y-%m-%d}T08:00")
    page.get_by_label("Kết thúc", exact=True).fill(f"{starts:%Y-%m-%d}T11:30")
    pick(page, "id_host_point", "chinh bo noi vu", "Điểm cầu chính Bộ Nội vụ")
    page.get_by_label("Đường dẫn họp trực tuyến").fill(LINK)
    page.get_by_label("Chọn điểm cầu theo quy tắc này").check()
    page.get_by_label("Điểm cầu cấp").select_option("")
    # The host point is in a 2021 unit of Hà Nội; it takes part, with the Ministry's people.
    pick(page, "id_add_points", "chinh bo noi vu", "Điểm cầu chính Bộ Nội vụ")
    page.screenshot(path=shots / "journey-schedule-desktop.png", full_page=True)
    page.get_by_role("button", name="Lên lịch", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lên lịch hội nghị tại 3356 điểm cầu")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)


def invite_a_delegate(session: Session) -> Person:
    """What a coordinator does on the roster page (tests/attendance cover it): a delegate of
    Xã Sông Lô is put on the roster, and the invitation goes out."""
    participation = SessionPoint.objects.get(session=session, point__name="Điểm cầu Xã Sông Lô")
    delegate = Person.objects.get(email="manh.vv@songlo.example.vn")
    add_to_roster(actor=session.created_by, participation=participation, person_ids=[delegate.pk])
    plan_due_notices()
    send_due_notices(seconds=30)
    assert Notice.objects.filter(
        session=session, person=delegate, kind=Notice.Kind.INVITATION, status=Notice.Status.SENT
    ).exists()
    return delegate


def test_the_national_session_is_set_up_from_the_web_by_the_people_it_is_for(
    transactional_db, live_server, tmp_path, monkeypatch
):
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(settings, "MEDIA_ROOT", tmp_path / "media")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    directory = load_demo_directory()
    load_demo_sessions(directory, load_demo_points(directory))
    resolution = tmp_path / "Nghị quyết 76-NQ-CP.pdf"
    resolution.write_bytes(PDF)
    errors: list[str] = []
    base = live_server.url

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        try:
            desk = browser.new_context(viewport=DESKTOP)
            desk.set_default_timeout(30_000)
            page = desk.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))

            # --- the Ministry's organiser: the programme, the network, the session
            sign_in(page, base, "bonoivu")
            create_programme(page, resolution)
            page.get_by_role("link", name="Mạng lưới điểm cầu", exact=True).click()
            generate(page, "province", 34)
            generate(page, "commune", 3321)
            expect(page.locator("[data-total=points]")).to_have_text("3355")
            page.screenshot(path=shots / "journey-network-desktop.png", full_page=True)
            schedule_national_session(page, shots)
            session = Session.objects.get(title=TITLE)
            assert SessionPoint.objects.filter(session=session).count() == 3356

            # --- a delegate is invited; then the meeting link changes
            delegate = invite_a_delegate(session)
            page.get_by_role("link", name="Sửa thông tin hội nghị").click()
            page.get_by_label("Đường dẫn họp trực tuyến").fill(NEW_LINK)
            page.get_by_role("button", name="Lưu").click()
            expect(page.locator("[data-meeting-url]")).to_have_text(NEW_LINK)
            page.screenshot(path=shots / "journey-session-desktop.png", full_page=True)
            plan_due_notices()
            assert Notice.objects.filter(
                session=session, person=delegate, kind=Notice.Kind.UPDATE
            ).exists()

            # --- Phú Thọ's organiser, on a phone, names the coordinator of Xã Sông Lô
            phone = browser.new_context(
                viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
            )
            phone.set_default_timeout(30_000)
            small = phone.new_page()
            small.on("pageerror", lambda error: errors.append(str(error)))
            sign_in(small, base, "phutho")
            small.get_by_role("button", name="Trình đơn").click()
            small.get_by_role("link", name="Mạng lưới điểm cầu", exact=True).click()
            small.locator("#network-provinces").get_by_role("link", name="Phú Thọ").click()
            small.get_by_label("Tìm kiếm").fill("song lo")
            small.get_by_role("button", name="Lọc").click()
            small.get_by_role("link", name="Điểm cầu Xã Sông Lô").click()
            small.get_by_label("hoặc người mới: họ và tên").fill("Lê Văn Cường")
            small.get_by_label("Thư điện tử").fill("cuong.lv@songlo.phutho.example.vn")
            small.get_by_label("Điện thoại").fill("0912000111")
            small.get_by_role("button", name="Giao cán bộ đầu mối").click()
            expect(small.locator(".alert-success")).to_contain_text("Lê Văn Cường")
            small.screenshot(path=shots / "journey-coordinator-phone.png", full_page=True)
            width = small.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"

            # --- the coordinator opens the e-mailed link and finds the session
            coordinator = Person.objects.get(email="cuong.lv@songlo.phutho.example.vn")
            theirs = browser.new_context(
                viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
            )
            theirs.set_default_timeout(30_000)
            mine = theirs.new_page()
            mine.on("pageerror", lambda error: errors.append(str(error)))
            mine.goto(sign_in_link(coordinator).replace(settings.SITE_URL, base))
            mine.get_by_role("button", name="Đăng nhập").click()
            mine.get_by_role("button", name="Trình đơn").click()
            mine.get_by_role("link", name="Điểm cầu của tôi").click()
            expect(mine.get_by_text("Điểm cầu Xã Sông Lô").first).to_be_visible()
            expect(mine.get_by_text(TITLE).first).to_be_visible()
            mine.screenshot(path=shots / "journey-my-points-phone.png", full_page=True)
        finally:
            browser.close()
            from django.db import connections

            connections.close_all()

    assert errors == []
