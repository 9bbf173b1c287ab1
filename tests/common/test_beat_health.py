"""The beat container is healthy only while celery beat really ticks: its scheduler touches
a heartbeat file after every tick, and `manage.py beat_health --max-age N` (the container's
healthcheck) fails once the last tick is older than N seconds, or never came."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from common.beat import heartbeat_path

ROOT = Path(__file__).resolve().parents[2]


def beat_health(schedule: Path, max_age: int) -> str:
    from io import StringIO

    out = StringIO()
    call_command("beat_health", "--max-age", str(max_age), "--schedule", str(schedule), stdout=out)
    return out.getvalue()


def test_a_recent_tick_is_healthy(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    heartbeat_path(schedule).touch()

    assert "ticked" in beat_health(schedule, max_age=180)


def test_a_tick_older_than_the_limit_is_not(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    heartbeat = heartbeat_path(schedule)
    heartbeat.touch()
    four_minutes_ago = time.time() - 240
    os.utime(heartbeat, (four_minutes_ago, four_minutes_ago))

    with pytest.raises(CommandError, match="240 s ago"):
        beat_health(schedule, max_age=180)


def test_a_beat_that_never_ticked_is_not(tmp_path):
    with pytest.raises(CommandError, match="never ticked"):
        beat_health(tmp_path / "celerybeat-schedule", max_age=180)


def test_the_file_of_a_stopped_beat_is_not_enough(tmp_path):
    # given a real celery beat with the heartbeat scheduler, as the compose file starts it
    schedule = tmp_path / "celerybeat-schedule"
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO"]
    command += ["-S", "common.beat:HeartbeatScheduler", "--schedule", str(schedule)]
    log = open(tmp_path / "beat.log", "w")  # noqa: SIM115 - closed below
    beat = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not heartbeat_path(schedule).exists() and time.monotonic() < deadline:
            assert beat.poll() is None, (tmp_path / "beat.log").read_text()
            time.sleep(0.2)

        # then it is healthy while it runs
        assert "ticked" in beat_health(schedule, max_age=180)
    finally:
        beat.terminate()
        beat.wait(timeout=20)
        log.close()

    # and once it has stopped, its schedule file is still there but the heartbeat ages
    files = [path.name for path in tmp_path.glob("celerybeat-schedule*")]
    assert any(not name.endswith(".heartbeat") for name in files), files
    time.sleep(2.2)
    with pytest.raises(CommandError, match="ago"):
        beat_health(schedule, max_age=2)
