"""A provincial organiser names a coordinator from the web, as the specification a new engineer
reads first: from their home page to the directory, "Cán bộ và vai trò", a new account for
the commune's coordinator (who signs in by e-mailed link), the coordinator's role granted at
one commune with pickers typed without accents, then the list and the history show it. On a
phone, then at desktop width."""

from pathlib import Path

import pytest

from directory.models import AdministrativeUnit, Person, RoleAssignment, RoleChange
from tests import factories

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

from tests.checkins import eager_tasks  # noqa: F401

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pick(page, field_id: str, typed: str, offer: str) -> None:
    """Type into a picker and choose the server's offer."""
    page.locator(f"#{field_id} + .ts-wrapper .ts-control").click()
    page.keyboard.type(typed)
    choice = page.locator(".ts-dropdown:visible .option", has_text=offer)
    expect(choice).to_be_visible()
    choice.click()


@pytest.mark.usefixtures("eager_tasks")
def test_a_provincial_organiser_names_a_commune_coordinator(
    transactional_db, live_server, browser_for, mailoutbox, settings
):
    settings.SITE_URL = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # given: today's Phú Thọ with two communes, the committee of one, and its organiser
    phu_tho = factories.province("Tỉnh Phú Thọ", "25")
    song_lo = factories.UnitFactory(code="08800", name="Xã Sông Lô", parent=phu_tho)
    factories.UnitFactory(code="08801", name="Xã Tam Sơn", parent=phu_tho)
    committee = factories.AgencyFactory(
        name="UBND xã Sông Lô", unit=song_lo, kind="peoples_committee"
    )
    elsewhere = factories.province("Tỉnh Vĩnh Long", "86")
    factories.UnitFactory(code="29000", name="Xã Sông Lô Khác", parent=elsewhere)
    organiser = factories.organiser(phu_tho, username="sonoivu-phutho")
    organiser.first_name = "Cán bộ Sở Nội vụ Phú Thọ"
    organiser.save()

    phone = browser_for(organiser, "-")
    page = phone.page

    # when: from home, through the menu to the directory's staff and roles
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Trình đơn").click()
    page.locator("#main-nav").get_by_role("button", name="Danh bạ").click()
    page.locator("#main-nav").get_by_role("link", name="Cán bộ", exact=True).click()
    page.locator("#staff-and-roles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cán bộ và vai trò")

    # a new account for the commune's coordinator
    page.locator("#new-account").click()
    page.get_by_label("Họ và tên", exact=True).fill("Lê Văn Cường")
    page.get_by_label("Thư điện tử", exact=True).fill("cuong.lv@songlo.phutho.gov.vn")
    page.get_by_label("Điện thoại", exact=True).fill("0912 000 111")
    pick(page, "id_agency", "ubnd song lo", "UBND xã Sông Lô")
    page.screenshot(path=SCREENSHOTS / "roles-new-account-phone.png", full_page=True)
    page.get_by_role("button", name="Tạo tài khoản").click()

    # then the grant form, the new account already chosen: the role at one commune
    expect(page.locator(".alert-success")).to_contain_text("Lê Văn Cường")
    expect(page.locator("#id_user + .ts-wrapper .item")).to_have_text("Lê Văn Cường")
    expect(page.get_by_label("Vai trò")).to_have_value("coordinator")
    page.locator("#id_unit + .ts-wrapper .ts-control").click()
    page.keyboard.type("song lo")
    expect(page.locator(".ts-dropdown:visible .option", has_text="Xã Sông Lô")).to_have_count(1)
    page.locator(".ts-dropdown:visible .option", has_text="Xã Sông Lô").click()
    page.screenshot(path=SCREENSHOTS / "roles-grant-phone.png", full_page=True)
    page.get_by_role("button", name="Cấp vai trò").click()

    # the list shows who holds what
    expect(page.get_by_role("heading", level=1)).to_have_text("Cán bộ và vai trò")
    row = page.locator("#role-holders tbody tr", has_text="Lê Văn Cường")
    expect(row).to_contain_text("Cán bộ đầu mối điểm cầu")
    expect(row).to_contain_text("Xã Sông Lô")
    page.screenshot(path=SCREENSHOTS / "roles-list-phone.png", full_page=True)

    # and the history, who granted it
    page.get_by_role("link", name="Lịch sử thay đổi").click()
    change = page.locator("#role-changes tbody tr").first
    expect(change).to_contain_text("Đã cấp")
    expect(change).to_contain_text("Lê Văn Cường")
    expect(change).to_contain_text("Xã Sông Lô")
    page.screenshot(path=SCREENSHOTS / "roles-history-phone.png", full_page=True)

    # at desktop width, the same list with every column
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/directory/staff/")
    expect(page.locator("#role-holders")).to_contain_text("Cán bộ Sở Nội vụ Phú Thọ")
    page.screenshot(path=SCREENSHOTS / "roles-list-desktop.png", full_page=True)

    # the records behind it, and the coordinator's sign-in link on its way
    person = Person.objects.get(email="cuong.lv@songlo.phutho.gov.vn")
    assert person.agency == committee and person.phone == "0912000111"
    assignment = RoleAssignment.objects.get(user=person.user)
    assert (assignment.role, assignment.unit, assignment.granted_by) == (
        "coordinator",
        song_lo,
        organiser,
    )
    assert RoleChange.objects.filter(user=person.user, actor=organiser).count() == 1
    assert [m.to for m in mailoutbox] == [["cuong.lv@songlo.phutho.gov.vn"]]
    assert not AdministrativeUnit.objects.filter(role_assignments__user=person.user).exclude(
        pk=song_lo.pk
    )
    assert phone.errors == []
