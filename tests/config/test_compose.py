"""docker-compose.yml as production runs it: migrations once, before anything that uses the
database; healthchecks that fail when the service is not working; no secret in the file;
only the proxy reachable from outside. The web's healthcheck command itself is run against
a real gunicorn with the production settings."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP = ("web", "worker", "beat")


def command(service: str) -> str:
    value = SERVICES[service].get("command", "")
    return " ".join(value) if isinstance(value, list) else value


def healthcheck(service: str) -> list[str]:
    return SERVICES[service]["healthcheck"]["test"]


def test_a_one_shot_migrate_runs_before_web_worker_and_beat():
    migrate = SERVICES["migrate"]

    assert "manage.py migrate" in command("migrate")
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for service in APP:
        depends_on = SERVICES[service]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", service
        assert "migrate" not in command(service), service


def test_every_long_running_service_has_a_healthcheck():
    for service in (*APP, "postgres", "redis"):
        assert healthcheck(service), service
        assert "test -f" not in " ".join(healthcheck(service)), service


def test_the_web_is_checked_at_healthz_which_answers_any_host():
    assert "http://127.0.0.1:8000/healthz" in " ".join(healthcheck("web"))


def test_the_beat_is_checked_by_the_age_of_its_heartbeat():
    check = healthcheck("beat")
    beat = command("beat")

    assert check[:4] == ["CMD", "python", "manage.py", "beat_health"]
    assert int(check[check.index("--max-age") + 1]) <= 300
    schedule = check[check.index("--schedule") + 1]
    assert re.search(rf"--schedule {re.escape(schedule)}(\s|$)", beat)
    assert "common.beat:HeartbeatScheduler" in beat


def test_no_secret_is_written_in_the_file():
    text = (ROOT / "docker-compose.yml").read_text()

    assert not re.search(r"://[^/\s:@]+:[^@\s]+@", text), "a URL with a password"
    assert "DATABASE_URL" not in text
    for name, service in SERVICES.items():
        environment = service.get("environment") or {}
        for key, value in environment.items():
            if re.search(r"PASSWORD|SECRET|KEY|TOKEN", key):
                assert str(value).startswith("${"), f"{name}: {key} is written in the file"
    for service in (*APP, "migrate"):
        assert SERVICES[service]["env_file"] == ".env"


def test_only_the_proxy_publishes_ports():
    published = {name for name, service in SERVICES.items() if service.get("ports")}

    assert published == {"proxy"}
    assert {"80:80", "443:443"} <= set(SERVICES["proxy"]["ports"])


def test_the_proxy_reads_the_caddyfile_of_the_repository_and_waits_for_a_healthy_web():
    proxy = SERVICES["proxy"]

    assert "./deploy:/etc/caddy:ro" in proxy["volumes"]
    assert (ROOT / "deploy" / "Caddyfile").exists()
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    # Every media file is served by a page that checks who asks, never by the proxy.
    assert not any("media" in volume for volume in proxy["volumes"])


def test_the_image_holds_no_secret():
    dockerfile = (ROOT / "Dockerfile").read_text()
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert "SECRET_KEY=" not in dockerfile
    assert "TICKET_SECRET=" not in dockerfile
    assert ".env" in ignored
    assert "collectstatic" in dockerfile


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_docker_compose_accepts_the_file_with_env_example_as_env(tmp_path):
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")

    checked = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert checked.returncode == 0, checked.stderr


# --- The web's healthcheck, run for real ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_web_healthcheck(port: int) -> subprocess.CompletedProcess:
    check = healthcheck("web")
    assert check[0] == "CMD"
    argv = [part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in check[1:]]
    argv[0] = sys.executable if argv[0] == "python" else argv[0]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30)


def test_the_web_healthcheck_passes_against_gunicorn_with_the_production_settings(
    tmp_path,
):
    # given gunicorn as the web service runs it: DEBUG off, only the public host allowed,
    # plain HTTP redirected to HTTPS
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "diemcau.example.vn",
        "SECURE_SSL_REDIRECT": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
    }
    argv = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    web = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # when the healthcheck runs until gunicorn is up
        deadline = time.monotonic() + 30
        while (checked := run_web_healthcheck(port)).returncode != 0:
            assert web.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, checked.stderr
            time.sleep(0.5)
    finally:
        web.terminate()
        web.wait(timeout=20)
        log.close()

    # then it passed; and with gunicorn gone it fails
    assert run_web_healthcheck(port).returncode != 0
