"""Someone who mistypes an address on a phone reads the Vietnamese page, in the site's layout
with its stylesheets, and finds the way back to the home page."""

import pytest

from .conftest import CHROMIUM, PHONE

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect, sync_playwright

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(live_server, monkeypatch):
    """A phone-sized page with nobody signed in."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            context = browser.new_context(
                viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
            )
            context.set_default_timeout(10_000)
            yield context.new_page()
        finally:
            browser.close()


def test_a_mistyped_address_shows_the_vietnamese_page_on_a_phone(phone, live_server, tmp_path):
    answer = phone.goto(live_server.url + "/hoi-ngi/123/")

    assert answer.status == 404
    expect(phone).to_have_title("Không tìm thấy trang · DiemCau")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    # The layout, styled: the navigation bar is Bootstrap's primary blue, not unstyled.
    navbar = phone.locator("nav.navbar")
    expect(navbar.get_by_role("link", name="DiemCau")).to_be_visible()
    assert navbar.evaluate("n => getComputedStyle(n).backgroundColor") == "rgb(13, 110, 253)"
    # Nothing wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=tmp_path / "404-phone.png", full_page=True)

    phone.get_by_role("link", name="Về trang chủ").click()

    expect(phone.get_by_role("heading", level=1)).not_to_have_text("Không tìm thấy trang")
