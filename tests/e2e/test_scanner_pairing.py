"""A coordinator pairs a second phone to their point, and revokes it.

From the home page the Sông Lô coordinator opens the point's roster, follows "Điện thoại
quét", names the phone and gets a one-time code. On the other phone, signed in as nobody,
the pairing page takes the code; the phone keeps its device token and syncs a scan with it
alone. Revoked from the coordinator's page, the same token is refused at once."""

import json
import re

import pytest

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

from attendance.models import Attendance, ScannerDevice
from tests.checkins import ticket

pytestmark = pytest.mark.e2e
ANY = re.compile(".*")

SYNC = """async ([token, payload]) => {
  const answer = await fetch("/api/attendance/devices/sync", {
    method: "POST",
    headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token},
    body: JSON.stringify({
      sent_at: new Date().toISOString(),
      scans: [{scan_id: crypto.randomUUID(), scanned_at: new Date().toISOString(),
               payload: payload}],
    }),
  });
  return {status: answer.status, body: await answer.text()};
}"""


def test_a_coordinator_pairs_a_phone_that_then_syncs_and_revokes_it(
    transactional_db, rush, browser_for, live_server
):
    manh = next(e for e in rush.entries if e.person.full_name == "Nguyễn Văn Mạnh")
    coordinator = browser_for(rush.coordinator, "").page
    phone = browser_for(rush.coordinator, "")
    phone.context.clear_cookies()

    # when the coordinator goes from the home page to the point's phones and pairs one
    coordinator.goto(live_server.url + "/")
    coordinator.locator(".navbar-toggler").click()
    coordinator.get_by_role("link", name="Điểm cầu của tôi").click()
    coordinator.get_by_role("link", name="Danh sách và điểm danh").first.click()
    coordinator.get_by_role("link", name="Điện thoại quét").click()
    coordinator.get_by_label("Tên điện thoại").fill("Điện thoại cửa Đông")
    coordinator.get_by_role("button", name="Hiện mã ghép").click()
    code = coordinator.locator("[data-pairing-code]").inner_text().strip()
    expect(coordinator.locator("[data-pairing] svg")).to_be_visible()
    assert coordinator.evaluate("document.documentElement.scrollWidth") <= 390

    # and the other phone, signed in as nobody, types the code
    phone.page.goto(live_server.url + "/attendance/pair/")
    phone.page.get_by_label("Mã ghép").fill(code.lower())
    phone.page.get_by_role("button", name="Ghép").click()

    # then it is paired and keeps its token, which no page shows again
    expect(phone.page.locator("[data-paired]")).to_contain_text(
        "Điện thoại này đã được ghép với tên “Điện thoại cửa Đông”"
    )
    expect(phone.page.locator("[data-paired]")).not_to_have_attribute("data-token", ANY)
    kept = json.loads(phone.page.evaluate("localStorage.getItem('diemcau.devices')"))
    token = kept[str(rush.song_lo.pk)]["token"]
    assert token.startswith("DCD.")

    # and a scan synced with the token alone checks Mạnh in
    synced = phone.page.evaluate(SYNC, [token, ticket(manh)])
    assert synced["status"] == 200
    assert json.loads(synced["body"])["verdicts"][0]["code"] == "checked_in"
    assert Attendance.objects.filter(pk=manh.pk, checked_in_at__isnull=False).exists()

    # when the coordinator revokes it
    coordinator.goto(coordinator.url)
    expect(coordinator.locator("[data-devices]")).to_contain_text("Đã ghép")
    coordinator.get_by_role("button", name="Thu hồi").click()

    # then the phone's next sync is refused
    expect(coordinator.locator("[data-devices]")).to_contain_text("Đã thu hồi")
    refused = phone.page.evaluate(SYNC, [token, ticket(rush.entries[1])])
    assert refused["status"] == 401
    assert ScannerDevice.objects.get().revoked_at is not None
    assert not phone.errors
