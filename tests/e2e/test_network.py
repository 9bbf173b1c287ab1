"""The national network set up from the web, as the specification a new engineer reads
first: the Ministry's national organiser (the demo's `bonoivu`) signs in, opens "Mạng lưới
điểm cầu" from the menu, creates a point at every province and then at every commune of
today (each time counting first, then confirming), and reads the counts per province, on a
desktop and on a phone. Screenshots go to var/screenshots/."""

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
from events.models import BridgePoint

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}


def generate(page, level: str, expected: int, shots: Path) -> None:
    page.get_by_role("link", name="Tạo theo đơn vị hành chính").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tạo điểm cầu theo đơn vị hành chính")
    page.get_by_label("Mỗi đơn vị sau có một điểm cầu").select_option(level)
    page.get_by_role("button", name="Đếm số điểm cầu sẽ tạo").click()
    expect(page.locator("#generate-preview")).to_contain_text(f"Sẽ tạo {expected} điểm cầu mới")
    page.screenshot(path=shots / f"network-generate-{level}-desktop.png", full_page=True)
    page.get_by_role("button", name=f"Tạo {expected} điểm cầu").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Đã thêm {expected} điểm cầu")


def test_the_national_organiser_generates_the_national_network(
    transactional_db, live_server, monkeypatch
):
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    load_demo_directory()
    errors: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(viewport=DESKTOP)
            context.set_default_timeout(20_000)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))

            # --- signs in, and finds the network in the menu
            page.goto(live_server.url + reverse("login"))
            page.get_by_label("Tên đăng nhập").fill("bonoivu")
            page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_role("link", name="Mạng lưới điểm cầu", exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Mạng lưới điểm cầu")
            expect(page.locator("[data-total=points]")).to_have_text("0")

            # --- a point at every province, then at every commune, ward and zone
            generate(page, "province", 34, shots)
            generate(page, "commune", 3321, shots)

            # --- the network per province adds up
            expect(page.locator("[data-total=points]")).to_have_text("3355")
            expect(page.locator("[data-total=without]")).to_have_text("3355")
            row = page.locator("#network-provinces tr", has_text="Thành phố Hà Nội")
            expect(row).to_contain_text("127")
            page.screenshot(path=shots / "network-overview-desktop.png", full_page=True)

            # --- running it again adds nothing
            page.get_by_role("link", name="Tạo theo đơn vị hành chính").click()
            page.get_by_label("Mỗi đơn vị sau có một điểm cầu").select_option("commune")
            page.get_by_role("button", name="Đếm số điểm cầu sẽ tạo").click()
            expect(page.locator("#generate-preview")).to_contain_text("Sẽ tạo 0 điểm cầu mới")

            # --- on a phone: the province list, then one province's points
            phone = browser.new_context(
                viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
            )
            phone.add_cookies(context.cookies())
            small = phone.new_page()
            small.on("pageerror", lambda error: errors.append(str(error)))
            small.goto(live_server.url + reverse("network:overview"))
            expect(small.locator("[data-total=active]")).to_have_text("3355")
            small.screenshot(path=shots / "network-overview-phone.png", full_page=True)
            small.locator("#network-provinces").get_by_role("link", name="Thành phố Hà Nội").click()
            expect(small.locator("#point-list")).to_contain_text("Điểm cầu Thành phố Hà Nội")
            small.screenshot(path=shots / "network-points-phone.png", full_page=True)
            width = small.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"
        finally:
            browser.close()

    assert errors == []
    assert BridgePoint.objects.count() == 3355
