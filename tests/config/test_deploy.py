"""Production settings: they refuse to start on secrets anyone with the code knows, and turn
on HTTPS, secure cookies and a Content-Security-Policy by themselves.

Settings are read once, when a process starts, so each case starts a fresh Python with the
production settings (`config.settings.base`) and an environment made here: none of this
run's own variables leak in.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

KEY = "k3v-8yQ2m!x7Lr0p@Zt5#Wn1sB4uFh6Jd9Cg2Ve8Ra3Ty7Ui0Op5As"
TICKET = "t9X-2bN7c!Q4vM1z@K8lP3wR6yH0jS5dF9gA2eT7uI4oL1kJ8hGx"
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": KEY,
    "TICKET_SECRET": TICKET,
    "ALLOWED_HOSTS": "diemcau.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://diemcau.example.vn",
    "SITE_URL": "https://diemcau.example.vn",
}
READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in %r}, default=str))
"""
SECURITY = [
    "DEBUG",
    "SECRET_KEY",
    "TICKET_SECRET",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    "MIDDLEWARE",
]


def clean_environment(**variables: str) -> dict[str, str]:
    """Only what a shell needs, plus `variables`: no SECRET_KEY or DEBUG of this run's."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return {**keep, "DJANGO_SETTINGS_MODULE": "config.settings.base", **variables}


def start(code: str, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_settings(**variables: str) -> dict:
    started = start(READ_SETTINGS % (SECURITY,), **(PRODUCTION | variables))
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout.strip().splitlines()[-1])


def refusal(**variables: str) -> str:
    """What a production start with `variables` says when it refuses; fails if it starts."""
    started = start("import django; django.setup()", **variables)
    assert started.returncode != 0, "the settings started"
    assert "django.core.exceptions.ImproperlyConfigured" in started.stderr
    return started.stderr.strip().splitlines()[-1]


def example_value(name: str) -> str:
    text = (ROOT / ".env.example").read_text()
    return re.search(rf"^{name}=(.*)$", text, re.MULTILINE).group(1)


# --- Secrets ----------------------------------------------------------------------------


def test_production_refuses_to_start_without_a_secret_key():
    variables = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    message = refusal(**variables)

    assert "SECRET_KEY" in message


def test_production_refuses_to_start_without_a_ticket_secret():
    # Tickets and self check-in codes used to be signed with SECRET_KEY when TICKET_SECRET
    # was missing: one leaked key would then forge both sessions and tickets.
    variables = {k: v for k, v in PRODUCTION.items() if k != "TICKET_SECRET"}

    message = refusal(**variables)

    assert "TICKET_SECRET" in message


def test_production_refuses_an_empty_secret_key():
    assert "SECRET_KEY" in refusal(**(PRODUCTION | {"SECRET_KEY": ""}))


def test_production_refuses_one_secret_for_both_uses():
    message = refusal(**(PRODUCTION | {"TICKET_SECRET": KEY}))

    assert "TICKET_SECRET" in message
    assert "SECRET_KEY" in message


@pytest.mark.parametrize("name", ["SECRET_KEY", "TICKET_SECRET"])
def test_production_refuses_the_example_values_of_env_example(name):
    # A deployment that copied .env.example and forgot to change a line.
    message = refusal(**(PRODUCTION | {name: example_value(name)}))

    assert name in message
    assert ".env.example" in message


def test_the_refusal_does_not_print_the_secret():
    message = refusal(**(PRODUCTION | {"TICKET_SECRET": KEY}))

    assert KEY not in message


def test_development_starts_without_secrets_and_signs_tickets_with_a_key_of_their_own():
    started = start(READ_SETTINGS % (["DEVELOPMENT", "SECRET_KEY", "TICKET_SECRET"],), DEBUG="1")

    assert started.returncode == 0, started.stderr
    development = json.loads(started.stdout.strip().splitlines()[-1])
    assert development["DEVELOPMENT"] is True
    assert development["SECRET_KEY"]
    assert development["TICKET_SECRET"]
    assert development["SECRET_KEY"] != development["TICKET_SECRET"]


def test_production_uses_the_secrets_it_is_given():
    production = production_settings()

    assert production["SECRET_KEY"] == KEY
    assert production["TICKET_SECRET"] == TICKET


def test_the_test_settings_bring_secrets_of_their_own_that_workers_inherit(settings):
    # A real Celery worker or a server a test starts reads config.settings.base with DEBUG
    # off: it starts only because this run's environment carries test secrets.
    assert os.environ["SECRET_KEY"] == settings.SECRET_KEY
    assert os.environ["TICKET_SECRET"] == settings.TICKET_SECRET
    assert settings.SECRET_KEY != settings.TICKET_SECRET

    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr


# --- HTTPS, cookies, headers --------------------------------------------------------------


def test_production_turns_on_https_secure_cookies_and_safe_headers_by_itself():
    production = production_settings()

    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["X_FRAME_OPTIONS"] == "DENY"


def test_each_https_setting_is_set_from_the_environment():
    production = production_settings(
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_PRELOAD="0",
        SECURE_COOKIES="0",
        SECURE_CONTENT_TYPE_NOSNIFF="0",
        SECURE_REFERRER_POLICY="strict-origin-when-cross-origin",
        X_FRAME_OPTIONS="SAMEORIGIN",
    )

    assert production["SECURE_SSL_REDIRECT"] is False
    assert production["SECURE_HSTS_SECONDS"] == 3600
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert production["SECURE_HSTS_PRELOAD"] is False
    assert production["SESSION_COOKIE_SECURE"] is False
    assert production["CSRF_COOKIE_SECURE"] is False
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is False
    assert production["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert production["X_FRAME_OPTIONS"] == "SAMEORIGIN"


def test_development_over_plain_http_neither_redirects_nor_pins_https():
    started = start(READ_SETTINGS % (SECURITY,), DEBUG="1")
    development = json.loads(started.stdout.strip().splitlines()[-1])

    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["SECURE_HSTS_SECONDS"] == 0
    assert development["SESSION_COOKIE_SECURE"] is False


# --- Content-Security-Policy --------------------------------------------------------------


def test_production_sends_a_content_security_policy_without_inline_scripts():
    production = production_settings()

    assert "csp.middleware.CSPMiddleware" in production["MIDDLEWARE"]
    directives = production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    every_source = [source for sources in directives.values() for source in sources or []]
    assert "'unsafe-eval'" not in every_source
    # Inline style attributes (progress bars' widths) only; never inline <style> or scripts.
    assert [k for k, v in directives.items() if "'unsafe-inline'" in (v or [])] == [
        "style-src-attr"
    ]
    assert production["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None


def test_the_policy_can_be_reported_only_or_turned_off_from_the_environment():
    reported = production_settings(CSP_MODE="report-only", CSP_REPORT_URI="/csp-reports/")
    off = production_settings(CSP_MODE="off")

    assert reported["CONTENT_SECURITY_POLICY"] is None
    assert reported["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]["report-uri"] == [
        "/csp-reports/"
    ]
    assert off["CONTENT_SECURITY_POLICY"] is None
    assert off["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None


def test_an_unknown_policy_mode_is_refused():
    message = refusal(**(PRODUCTION | {"CSP_MODE": "enforced"}))

    assert "CSP_MODE" in message


def test_the_test_settings_enforce_the_policy_so_browser_tests_run_under_it(settings):
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]


def test_every_page_answer_carries_the_policy_and_the_safe_headers(client):
    answer = client.get("/accounts/login/")

    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_over_https_behind_the_proxy_the_answer_pins_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    answer = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    assert answer.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


# --- check --deploy -------------------------------------------------------------------------


def test_check_deploy_with_the_production_settings_prints_no_warning():
    started = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(**PRODUCTION),
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = started.stdout + started.stderr
    assert started.returncode == 0, output
    assert "WARNING" not in output
    assert "System check identified no issues" in output


def test_every_security_variable_is_documented_in_env_example():
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))

    assert {
        "SECRET_KEY",
        "TICKET_SECRET",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_COOKIES",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "CSP_MODE",
        "CSP_REPORT_URI",
    } <= documented
