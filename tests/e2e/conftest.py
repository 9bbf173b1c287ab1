"""Browser tests: Debian's Chromium driven by playwright, against pytest-django's live server.

The browser's camera is Chromium's fake capture device playing a Y4M file made here from a
real ticket's QR code, so the page's own getUserMedia + jsQR path reads it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import qrcode
from django.db import connections
from django.test import Client
from PIL import Image

from tests.checkins import rush  # noqa: F401
from tests.events.conftest import upcoming  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: drives a real browser (Debian's Chromium) against the live server"
    )


@dataclass
class Phone:
    """A signed-in phone-sized browser page, with the page's uncaught script errors."""

    context: object
    page: object
    errors: list[str] = field(default_factory=list)


def hold_yesterday(session) -> datetime:
    """Move the session to yesterday from 08:00 to 11:30, held and not yet closed; its start."""
    from django.utils import timezone

    from events.models import Session

    starts = (timezone.localtime() - timedelta(days=1)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3, minutes=30), status="held"
    )
    return starts


def _qr_frame(text: str, width: int, height: int) -> bytes:
    code = qrcode.QRCode(border=4, box_size=10, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    side = height - 40
    image = image.resize((side, side), Image.NEAREST)
    frame = Image.new("RGB", (width, height), "white")
    frame.paste(image, ((width - side) // 2, (height - side) // 2))
    luma, blue, red = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    return luma.tobytes() + blue.resize(half).tobytes() + red.resize(half).tobytes()


def write_y4m(
    path: Path, text: str | list[str], *, width: int = 640, height: int = 480, frames: int = 10
):
    """A short YUV4MPEG2 (4:2:0) video whose every frame shows `text` as a large QR code,
    centred on white: what Chromium's fake camera plays, in a loop. Given several texts,
    each is shown for `frames` frames (a tenth of a second each) in turn."""
    texts = [text] if isinstance(text, str) else text
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for one in texts:
            planes = _qr_frame(one, width, height)
            for _ in range(frames):
                video.write(b"FRAME\n" + planes)
    return path


@pytest.fixture
def browser_for(
    live_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Phone]]:
    """Opens a phone-sized page signed in as `user`, whose camera shows `camera_text`.

    Yields a function (user, camera_text) -> Phone; camera_text may be a list of texts.
    One Chromium per call: the fake camera's file is a launch argument.
    """
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browsers = []

        def open_page(user, camera_text: str | list[str]) -> Phone:
            # Several tickets: each in front of the camera for 0.6 s, on a smaller frame.
            size = {} if isinstance(camera_text, str) else {"width": 480, "height": 360}
            frames = 10 if isinstance(camera_text, str) else 6
            video = write_y4m(
                tmp_path / f"camera-{len(browsers)}.y4m", camera_text, frames=frames, **size
            )
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                ],
            )
            browsers.append(browser)
            context = browser.new_context(
                viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
            )
            context.set_default_timeout(10_000)
            context.grant_permissions(["camera"], origin=live_server.url)
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    }
                ]
            )
            phone = Phone(context=context, page=context.new_page())
            phone.page.on("pageerror", lambda error: phone.errors.append(str(error)))
            return phone

        try:
            yield open_page
        finally:
            for browser in browsers:
                browser.close()
            # Inside sync_playwright Django sees its connections through another context
            # (asgiref's Local follows contextvars): the test's ORM calls opened their own
            # connection, which must be closed here or PostgreSQL cannot drop the test
            # database at the end of the run.
            connections.close_all()
