"""Celery beat's scheduler with a heartbeat, so the beat container's healthcheck can tell a
beat that ticks from one that hangs or died (`manage.py beat_health`).

A file that merely exists says nothing: the schedule file outlives the beat that wrote it.
The heartbeat is touched by the beat process itself after every tick, whether or not a
worker is there to run what it sent.
"""

import logging
from pathlib import Path

from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

# Beat wakes at least this often, so the heartbeat is fresh even when no task is due.
HEARTBEAT_SECONDS = 60


def heartbeat_path(schedule_filename: str | Path) -> Path:
    return Path(f"{schedule_filename}.heartbeat")


class HeartbeatScheduler(PersistentScheduler):
    """Beat's default scheduler (schedule kept in a shelve file), plus the heartbeat."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.max_interval = min(self.max_interval, HEARTBEAT_SECONDS)

    def tick(self, *args: object, **kwargs: object) -> float:
        interval = super().tick(*args, **kwargs)
        try:
            heartbeat_path(self.schedule_filename).touch()
        except OSError:
            # Not fatal to the beat; its healthcheck turns unhealthy, which says so.
            logger.exception("could not touch the beat heartbeat")
        return interval
