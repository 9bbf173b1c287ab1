"""A Redis server of the test's own, which the test may kill and start again, and the
production settings pointed at it.

The server listens on a spare port of loopback, keeps nothing on disk (`--save ''`,
`--appendonly no`), so a restart comes back empty, as a Redis without persistence does.
The cache settings are read from the production settings module itself, so a test of an
outage tests the backend production runs, not a copy of its configuration.
"""

import copy
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
from django.test.utils import override_settings
from kombu import pools

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER_URL = "redis://127.0.0.1:1/0"


def free_port() -> int:
    """A loopback port nothing listens on (now): a Redis there is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url(port: int) -> str:
    return f"redis://127.0.0.1:{port}/0"


class SpareRedis:
    """`redis-server` on one port, started, killed with SIGKILL and started again there."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = redis_url(port)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        """Gone at once, as a crashed server or a pulled cable: no shutdown, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def spare_redis() -> Iterator[SpareRedis]:
    server = SpareRedis(free_port())
    server.start()
    try:
        yield server
    finally:
        server.kill()


@lru_cache
def _production_settings() -> dict:
    """CACHES and SESSION_ENGINE as config.settings.base makes them when REDIS_URL is set."""
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'CACHES': settings.CACHES, 'SESSION_ENGINE': settings.SESSION_ENGINE}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    env["REDIS_URL"] = PLACEHOLDER_URL
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def production_caches(url: str) -> dict:
    caches = copy.deepcopy(_production_settings()["CACHES"])
    for cache in caches.values():
        if cache.get("LOCATION") == PLACEHOLDER_URL:
            cache["LOCATION"] = url
    return caches


@contextmanager
def production_cache_at(url: str) -> Iterator[None]:
    """The web's cache and sessions as in production, on the Redis at `url`."""
    production = _production_settings()
    with override_settings(
        CACHES=production_caches(url), SESSION_ENGINE=production["SESSION_ENGINE"]
    ):
        yield


@contextmanager
def celery_broker_at(url: str) -> Iterator[None]:
    """Tasks sent from this process go to the Redis at `url` (the run's queue on it)."""
    from config.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    _drop_broker_connections(app)
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        _drop_broker_connections(app)


def _drop_broker_connections(app: object) -> None:
    # The app and kombu keep connection and producer pools for the broker first used;
    # closed and forgotten, the next task sent opens new ones for the broker set now.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
