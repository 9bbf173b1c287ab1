"""A programme set up from the web, as the specification a new engineer reads first: the
Ministry's national organiser (the demo's `bonoivu`) signs in with a password, opens
"Chương trình" from the menu, creates the 2026 programme, uploads Resolution 76 as its first
material and downloads it back, sets the completion rule and the certificate design with a
stamp image, then checks the page on a phone. Screenshots go to var/screenshots/."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from .conftest import CHROMIUM, PHONE

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect, sync_playwright

from directory.demo import DEMO_PASSWORD, load_demo_directory
from training.models import Programme

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stamp_png(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGBA", (120, 120), (200, 0, 0, 160)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_the_national_organiser_sets_up_the_2026_programme(
    transactional_db, live_server, tmp_path, monkeypatch
):
    shots = Path(settings.BASE_DIR) / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(settings, "MEDIA_ROOT", tmp_path / "media")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    load_demo_directory()
    resolution = tmp_path / "Nghị quyết 76-NQ-CP.pdf"
    resolution.write_bytes(PDF)
    stamp = stamp_png(tmp_path / "con-dau.png")
    errors: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))

            # --- signs in, and finds the programmes in the menu
            page.goto(live_server.url + reverse("login"))
            page.get_by_label("Tên đăng nhập").fill("bonoivu")
            page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_role("link", name="Chương trình", exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Chương trình")

            # --- creates the programme of 2026
            page.get_by_role("link", name="Chương trình mới").click()
            page.get_by_label("Tiêu đề").fill("Tập huấn CCHC năm 2026")
            page.get_by_label("Mã", exact=True).fill("CCHC-2026")
            page.get_by_label("Năm", exact=True).fill("2026")
            page.get_by_label("Cơ quan cấp").fill("Bộ Nội vụ")
            page.get_by_label("1. ").check()
            page.get_by_label("3. ").check()
            page.screenshot(path=shots / "programme-create-desktop.png", full_page=True)
            page.get_by_role("button", name="Tạo chương trình").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Tập huấn CCHC năm 2026")
            programme = Programme.objects.get(code="CCHC-2026")
            assert programme.year == 2026 and programme.unit.level == "nation"

            # --- uploads Resolution 76 and downloads it back under its own name
            page.get_by_role("link", name="Thêm tài liệu").click()
            page.get_by_label("Tiêu đề").fill(
                "Nghị quyết ban hành Chương trình tổng thể CCHC nhà nước 2021-2030"
            )
            page.get_by_label("Loại").select_option("legal_document")
            page.get_by_label("Số, ký hiệu văn bản").fill("76/NQ-CP")
            page.get_by_label("Ngày ban hành").fill("2021-07-15")
            page.get_by_label("Tệp", exact=True).set_input_files(resolution)
            page.get_by_role("button", name="Thêm tài liệu").click()
            expect(page.locator(".alert-success")).to_contain_text("Đã thêm tài liệu")
            link = page.get_by_role("link", name="76/NQ-CP · Nghị quyết ban hành")
            with page.expect_download() as download:
                link.click()
            assert download.value.suggested_filename == "Nghị quyết 76-NQ-CP.pdf"
            assert Path(download.value.path()).read_bytes() == PDF

            # --- sets the completion rule
            page.get_by_role("link", name="Đặt điều kiện").click()
            page.get_by_label("Số phút có mặt tối thiểu").fill("90")
            page.get_by_label("Phải có mặt đúng giờ").check()
            page.get_by_role("button", name="Lưu điều kiện").click()
            expect(page.get_by_text("Có mặt ít nhất 90 phút mỗi buổi")).to_be_visible()

            # --- and the certificate design, with the stamp shown back
            page.locator("section", has=page.locator("#design")).get_by_role(
                "link", name="Thay đổi"
            ).click()
            page.get_by_label("Địa danh ký").fill("Hà Nội")
            page.get_by_label("Chức vụ người ký").fill("KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG")
            page.get_by_label("Người ký", exact=True).fill("Nguyễn Văn A")
            page.get_by_label("Ảnh con dấu").set_input_files(stamp)
            page.get_by_role("button", name="Lưu mẫu giấy chứng nhận").click()
            expect(page.get_by_alt_text("Ảnh con dấu")).to_be_visible()
            stamp_shown = page.get_by_alt_text("Ảnh con dấu")
            # The page is shown before the image has arrived: wait for it, then measure.
            stamp_shown.evaluate(
                "img => img.complete && img.naturalWidth ? 0"
                " : new Promise(done => img.addEventListener('load', done, {once: true}))"
            )
            assert stamp_shown.evaluate("img => img.naturalWidth") == 120
            page.screenshot(path=shots / "programme-detail-desktop.png", full_page=True)

            programme.refresh_from_db()
            assert programme.has_completion_rule and programme.min_minutes_present == 90
            assert programme.signer_name == "Nguyễn Văn A" and programme.stamp_image

            # --- the same page on a phone
            page.set_viewport_size(PHONE)
            page.reload()
            expect(page.get_by_role("heading", level=1)).to_have_text("Tập huấn CCHC năm 2026")
            page.screenshot(path=shots / "programme-detail-phone.png", full_page=True)
            page.goto(live_server.url + reverse("training:programme_list"))
            expect(page.get_by_role("link", name="Tập huấn CCHC năm 2026")).to_be_visible()
            page.screenshot(path=shots / "programme-list-phone.png", full_page=True)
        finally:
            browser.close()
            from django.db import connections

            connections.close_all()
    assert errors == []
