"""Error pages: 400, 403, 404, 500 and a refused form (CSRF) answer in Vietnamese, in the site's
layout, with a next step and nothing technical; `make run` shows them too, and only
DEBUG_PAGES=1 brings back Django's technical pages for a developer.

A few addresses of this module's own raise what the real pages raise; the rest of the site's
addresses are kept, so the layout's links resolve.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def _server_fault(request):
    raise RuntimeError("a bug in a view")


def _outside_role(request):
    raise PermissionDenied("outside the caller's scope")


def _unreadable(request):
    raise SuspiciousOperation("a request that cannot be read")


def _reads_the_database(request):
    get_user_model().objects.exists()
    raise AssertionError("the database answered")


urlpatterns = [
    path("loi/may-chu/", _server_fault),
    path("loi/ngoai-vai-tro/", _outside_role),
    path("loi/khong-doc-duoc/", _unreadable),
    path("loi/co-so-du-lieu/", _reads_the_database),
    *site_urlpatterns,
]

pytestmark = pytest.mark.urls(__name__)

# What Django's own pages say, and the English of ours: none may reach a Vietnamese reader.
ENGLISH = [
    "Page not found",
    "Not Found",
    "Server Error",
    "Forbidden",
    "Bad Request",
    "CSRF verification failed",
    "Traceback",
    "The requested resource",
    "Back to the home page",
    "Not allowed",
    "The system ran into a problem",
    "Reload the page",
]


def english_in(page: str) -> list[str]:
    return [text for text in ENGLISH if text in page]


def in_the_layout(page: str) -> bool:
    """The navigation bar, the stylesheets and the footer of templates/base.html."""
    return all(
        mark in page
        for mark in (
            'class="navbar-brand fw-semibold"',
            "css/diemcau.css",
            "vendor/bootstrap/css/bootstrap.min.css",
            "Nghị quyết 76/NQ-CP",
        )
    )


# --- 404 --------------------------------------------------------------------------------------


def test_a_mistyped_address_shows_the_vietnamese_page_in_the_layout(client):
    answer = client.get("/hoi-ngi/123/")

    page = answer.content.decode()
    assert answer.status_code == 404
    assert "<title>Không tìm thấy trang · DiemCau</title>" in page
    assert "Hãy kiểm tra lại địa chỉ đã nhập" in page
    assert 'href="/">Về trang chủ</a>' in page
    assert "Đăng nhập" in page
    assert in_the_layout(page)
    assert english_in(page) == []


@pytest.mark.django_db
def test_a_signed_in_person_keeps_their_menu_on_the_page(client):
    client.force_login(factories.organiser(None, username="vu-cchc"))

    page = client.get("/khong-co-trang-nay/").content.decode()

    assert "Không tìm thấy trang" in page
    assert "Đăng xuất" in page
    assert "Chương trình" in page
    assert english_in(page) == []


def test_the_page_follows_the_language_chosen_with_the_switcher(client):
    client.cookies["django_language"] = "en"

    page = client.get("/khong-co-trang-nay/").content.decode()

    assert "Page not found" in page
    assert "Không tìm thấy trang" not in page


# --- 403, 400 -----------------------------------------------------------------------------------


def test_a_page_outside_the_role_says_so_without_the_reason(client):
    answer = client.get("/loi/ngoai-vai-tro/")

    page = answer.content.decode()
    assert answer.status_code == 403
    assert "Không được phép" in page
    assert "Về trang chủ" in page
    assert "scope" not in page
    assert in_the_layout(page)
    assert english_in(page) == []


@pytest.mark.django_db
def test_a_signed_in_person_is_told_whom_to_ask(client):
    client.force_login(factories.organiser(None, username="vu-cchc"))

    page = client.get("/loi/ngoai-vai-tro/").content.decode()

    assert "hãy liên hệ cán bộ tổ chức đã phân vai trò cho bạn" in page


def test_an_unreadable_request_gets_the_vietnamese_page(client):
    answer = client.get("/loi/khong-doc-duoc/")

    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Không đọc được yêu cầu" in page
    assert in_the_layout(page)
    assert english_in(page) == []


def test_an_unknown_host_gets_the_vietnamese_page(client):
    answer = client.get("/", HTTP_HOST="ke-gia-mao.example.com")

    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Không đọc được yêu cầu" in page
    assert english_in(page) == []


# --- 500 ----------------------------------------------------------------------------------------


def test_a_fault_on_the_server_shows_the_vietnamese_page_with_the_site_look():
    answer = Client(raise_request_exception=False).get("/loi/may-chu/")

    page = answer.content.decode()
    assert answer.status_code == 500
    assert "<title>Hệ thống gặp sự cố · DiemCau</title>" in page
    assert "hãy thử lại sau ít phút" in page
    assert 'href="/">Về trang chủ</a>' in page
    assert in_the_layout(page)
    assert "a bug in a view" not in page
    assert "RuntimeError" not in page
    assert english_in(page) == []


def test_the_server_fault_page_renders_with_the_database_down():
    # No django_db mark: pytest-django refuses every connection, as a database that is
    # down would. The view fails on its query; the page itself must need none.
    answer = Client(raise_request_exception=False).get("/loi/co-so-du-lieu/")

    page = answer.content.decode()
    assert answer.status_code == 500
    assert "Hệ thống gặp sự cố" in page
    assert english_in(page) == []


def test_the_server_fault_page_follows_the_chosen_language():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"

    page = client.get("/loi/may-chu/").content.decode()

    assert "The system ran into a problem" in page


# --- A refused form (CSRF) ----------------------------------------------------------------------


def test_a_form_sent_without_its_token_is_refused_with_a_page_that_says_what_to_do():
    client = Client(enforce_csrf_checks=True)

    answer = client.post(
        "/accounts/login/",
        {"username": "vu-cchc", "password": "sai"},
        HTTP_REFERER="http://testserver/accounts/login/?next=/",
    )

    page = answer.content.decode()
    assert answer.status_code == 403
    assert "Không gửi được biểu mẫu" in page
    assert "Trang đã mở quá lâu hoặc cookie bị chặn; hãy tải lại trang và gửi lại." in page
    assert 'href="http://testserver/accounts/login/?next=/">Tải lại trang</a>' in page
    assert "Đăng nhập lại" in page
    assert in_the_layout(page)
    assert english_in(page) == []
    assert "CSRF" not in page
    # A fresh cookie comes with the page, so the reloaded form goes through.
    assert "csrftoken" in answer.cookies


def test_the_refused_form_page_never_links_to_another_site():
    client = Client(enforce_csrf_checks=True)

    answer = client.post(
        "/accounts/login/", {"username": "x"}, HTTP_REFERER="https://ke-gia-mao.example.com/"
    )

    page = answer.content.decode()
    assert answer.status_code == 403
    assert "ke-gia-mao" not in page
    assert "Tải lại trang" not in page
    assert "Về trang chủ" in page


def test_the_refused_form_page_is_the_configured_view(settings):
    assert settings.CSRF_FAILURE_VIEW == "config.errors.csrf_failure"


# --- What `make run` shows ----------------------------------------------------------------------

# Started as `make run` starts the web process: config.settings.base with DEBUG=1 from the
# Makefile, and whatever else the developer set. A scratch database that nothing reads.
MAKE_RUN_REQUESTS = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client

client = Client(raise_request_exception=False)
missing = client.get("/hoi-ngi/123/", HTTP_HOST="127.0.0.1:8000")
page = missing.content.decode()
links = page.split('<link rel="stylesheet" href="')
stylesheet = links[2].split('"')[0] if len(links) > 2 else ""
css = client.get(stylesheet or "/static/css/diemcau.css", HTTP_HOST="127.0.0.1:8000")
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "DEVELOPMENT": settings.DEVELOPMENT,
    "status": missing.status_code,
    "page": page,
    "stylesheet": stylesheet,
    "css_status": css.status_code,
    "css_type": css.get("Content-Type", ""),
}))
"""


def start_like_make_run(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(
        [sys.executable, "-c", MAKE_RUN_REQUESTS],
        cwd=ROOT,
        env={
            **keep,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'scratch.sqlite3'}",
            **variables,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def make_run_answers(tmp_path: Path, **variables: str) -> dict:
    started = start_like_make_run(tmp_path, **variables)
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout.strip().splitlines()[-1])


def test_make_run_shows_a_mistyped_address_the_vietnamese_page_and_serves_its_css(tmp_path):
    answers = make_run_answers(tmp_path, DEBUG="1")

    assert answers["DEVELOPMENT"] is True
    assert answers["DEBUG"] is False
    assert answers["status"] == 404
    assert "Không tìm thấy trang" in answers["page"]
    assert english_in(answers["page"]) == []
    # Nothing is collected in development: the stylesheet comes from the source folders.
    assert answers["stylesheet"] == "/static/css/diemcau.css"
    assert answers["css_status"] == 200
    assert answers["css_type"].startswith("text/css")


def test_debug_pages_bring_back_djangos_technical_page_for_a_developer(tmp_path):
    answers = make_run_answers(tmp_path, DEBUG="1", DEBUG_PAGES="1")

    assert answers["DEBUG"] is True
    assert answers["status"] == 404
    assert "DEBUG = True" in answers["page"]
    assert "Không tìm thấy trang" not in answers["page"]


def test_debug_pages_are_refused_outside_development(tmp_path):
    started = start_like_make_run(
        tmp_path,
        DEBUG="0",
        DEBUG_PAGES="1",
        SECRET_KEY="k3v-8yQ2m!x7Lr0p@Zt5#Wn1sB4uFh6Jd9Cg2Ve8Ra3Ty7Ui0Op5As",
        TICKET_SECRET="t9X-2bN7c!Q4vM1z@K8lP3wR6yH0jS5dF9gA2eT7uI4oL1kJ8hGx",
    )

    assert started.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in started.stderr
    assert "DEBUG_PAGES" in started.stderr.strip().splitlines()[-1]
