"""The point's screen draws its self check-in code itself, and a phone can read it.

The Sông Lô coordinator opens the point's screen; the screen fetches five minutes of signed
codes at once and draws the QR of the current one. The drawing on the screen, read by a
real QR reader, checks a delegate in."""

import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import CHROMIUM

if not CHROMIUM.exists() or not shutil.which("zbarimg"):
    pytest.skip(
        "needs Debian's Chromium and zbar-tools (apt-get install chromium zbar-tools)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

from attendance.models import Attendance
from tests.checkins import attendee_of

pytestmark = pytest.mark.e2e


def test_the_screen_shows_a_code_it_drew_that_checks_a_delegate_in(
    transactional_db, rush, browser_for, live_server, tmp_path
):
    # given the coordinator's screen for Sông Lô
    screen = browser_for(rush.coordinator, "")
    page = screen.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + reverse("attendance:display", args=[rush.song_lo.pk]))

    # when it has fetched its codes
    qr = page.locator("#display-qr svg")
    expect(qr).to_be_visible()
    expect(page.locator("#display-count")).to_have_text("0 / 4")

    # then what it drew reads, with a real QR reader, as the link of the code it shows
    picture = tmp_path / "screen-code.png"
    page.locator("#display-qr").screenshot(path=picture)
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(picture)], capture_output=True, text=True, check=True
    ).stdout.strip()
    code = page.locator("#display-qr").get_attribute("data-code")
    assert read == live_server.url + reverse("attendance:self_check_in", args=[code])

    # and a delegate who opens that link on their phone is checked in
    delegate = Client()
    delegate.force_login(attendee_of(rush.entries[0], username="nguyen-van-manh"))
    answer = delegate.post(read.removeprefix(live_server.url))
    assert answer.context["result"].code == "checked_in"
    assert Attendance.objects.get(pk=rush.entries[0].pk).checked_in_at is not None
    assert screen.errors == []
