"""A picker on a phone: the organiser types part of a point's name without accents, picks it
from what the server offers, and the page filters by it."""

import pytest
from django.urls import reverse

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_an_organiser_finds_a_point_by_typing(
    transactional_db, live_server, browser_for, upcoming, tmp_path
):
    # given: the Vĩnh Phúc session's programme, with two district points
    from tests import factories

    organiser = factories.organiser(None, username="vu-cchc-chon-diem")
    phone = browser_for(organiser, "-")
    page = phone.page
    address = reverse("certificates:programme_certificates", args=[upcoming.session.programme_id])

    # when: they type "tam dao" (no accents) in the point filter and pick the offer
    page.goto(live_server.url + address)
    page.locator("#filter-point + .ts-wrapper .ts-control").click()
    page.keyboard.type("tam dao")
    offer = page.locator(".ts-dropdown .option", has_text="Điểm cầu Huyện Tam Đảo")
    expect(offer).to_be_visible()
    expect(page.locator(".ts-dropdown .option", has_text="Sông Lô")).to_have_count(0)
    page.screenshot(path=tmp_path / "picker-phone.png", full_page=True)
    offer.click()
    page.get_by_role("button", name="Lọc").click()

    # then: the page is filtered by that point, which stays chosen
    tam_dao = next(p for p in upcoming.session.points.all() if "Tam Đảo" in p.name)
    expect(page).to_have_url(f"{live_server.url}{address}?q=&state=&point={tam_dao.pk}#people")
    expect(page.locator("#filter-point + .ts-wrapper .item")).to_have_text("Điểm cầu Huyện Tam Đảo")
    assert phone.errors == []
