"""The proxy as production runs it: a real Caddy with the repository's site file
(deploy/diemcau.caddy) in front of the app, over real TLS on loopback (Caddy's own local
certificate authority standing in for Let's Encrypt).

It must tell Django the request came over HTTPS (else production's redirect would loop),
send HSTS once and as Django does, and never serve a media file (course materials,
certificates, exports, rosters) past the pages that check who asks.
"""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CADDY = shutil.which("caddy")
HSTS = "max-age=31536000; includeSubDomains; preload"

pytestmark = pytest.mark.skipif(
    not CADDY, reason="the proxy tests need Caddy (apt-get install caddy; .ci/run does)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Proxy:
    def __init__(self, https_port: int, http_port: int, root_certificate: Path) -> None:
        self.https_port = https_port
        self.http_port = http_port
        self.root_certificate = root_certificate

    def get(self, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
        context = ssl.create_default_context(cafile=str(self.root_certificate))
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=context, timeout=10
        )
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        answer.body = answer.read()
        connection.close()
        return answer

    def get_plain(self, path: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        answer = connection.getresponse()
        answer.read()
        connection.close()
        return answer


@pytest.fixture
def media(tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "materials" / "2021").mkdir(parents=True)
    (root / "materials" / "2021" / "nghi-quyet-76.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (root / "materials" / "2021" / "trang.html").write_text("<script>alert(1)</script>")
    (root / "reports" / "2021" / "11").mkdir(parents=True)
    (root / "reports" / "2021" / "11" / "roster.xlsx").write_bytes(b"PK")
    return root


@pytest.fixture
def proxy(live_server, media: Path, tmp_path: Path, settings):
    # Production's settings for HTTPS: a request that reached Django as plain HTTP would be
    # redirected, again and again, so a 200 through the proxy proves the forwarded scheme.
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    https_port, http_port = free_port(), free_port()
    storage = tmp_path / "caddy"
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(
        "{\n\tadmin off\n\tskip_install_trust\n"
        f"\thttp_port {http_port}\n\thttps_port {https_port}\n"
        f"\tstorage file_system {storage}\n}}\n\n"
        f"https://127.0.0.1:{https_port} {{\n\ttls internal\n"
        f"\timport {ROOT / 'deploy' / 'diemcau.caddy'}\n}}\n"
    )
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "UPSTREAM": live_server.url.removeprefix("http://"),
        "MEDIA_DIR": str(media),
        "SECURE_HSTS_SECONDS": "31536000",
    }
    log = open(tmp_path / "caddy.log", "w")  # noqa: SIM115 - closed below
    caddy = subprocess.Popen(
        [CADDY, "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    root_certificate = storage / "pki" / "authorities" / "local" / "root.crt"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert caddy.poll() is None, (tmp_path / "caddy.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                if root_certificate.exists():
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "caddy.log").read_text()
            time.sleep(0.2)
        yield Proxy(https_port, http_port, root_certificate)
    finally:
        caddy.terminate()
        caddy.wait(timeout=20)
        log.close()


def test_a_page_through_the_proxy_reaches_django_as_https_with_its_headers(proxy, db):
    answer = proxy.get("/accounts/login/")

    assert answer.status == 200, answer.getheaders()
    assert answer.headers.get_all("Strict-Transport-Security") == [HSTS]
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Server" not in answer.headers


def test_the_health_check_answers_through_the_proxy_too(proxy, db):
    answer = proxy.get("/healthz")

    assert answer.status == 200
    assert answer.body == b'{"status": "ok"}'


def test_plain_http_is_sent_to_https_whatever_the_client_claims(proxy):
    answer = proxy.get_plain("/accounts/login/")

    assert answer.status in (301, 308)
    # (in production on 80 and 443; here Caddy names no port of its own in the redirect)
    assert answer.headers["Location"].startswith("https://127.0.0.1")
    assert answer.headers["Location"].endswith("/accounts/login/")


def test_no_media_file_is_served_from_the_disk(proxy):
    # Materials too: their download checks who asks (training.access).
    assert proxy.get("/media/materials/2021/nghi-quyet-76.pdf").status == 404
    assert proxy.get("/media/materials/2021/trang.html").status == 404
    assert proxy.get("/media/reports/2021/11/roster.xlsx").status == 404
    assert proxy.get("/media/materials/../reports/2021/11/roster.xlsx").status == 404


def test_the_proxy_fallback_hsts_header_is_the_one_django_sends_by_default():
    site = (ROOT / "deploy" / "diemcau.caddy").read_text()

    assert (
        'header ?Strict-Transport-Security "max-age={$SECURE_HSTS_SECONDS:31536000}; '
        'includeSubDomains; preload"'
    ) in site


def test_caddy_accepts_the_production_caddyfile_with_the_compose_environment(tmp_path):
    caddyfile = ROOT / "deploy" / "Caddyfile"
    checked = subprocess.run(
        [CADDY, "validate", "--config", str(caddyfile), "--adapter", "caddyfile"],
        env={
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "DOMAIN": "diemcau.example.vn",
            "ACME_EMAIL": "admin@diemcau.example.vn",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert checked.returncode == 0, checked.stderr
    assert "Valid configuration" in checked.stdout + checked.stderr
