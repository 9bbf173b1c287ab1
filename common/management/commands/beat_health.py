import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.beat import heartbeat_path


class Command(BaseCommand):
    help = (
        "Exit 0 if celery beat (with common.beat.HeartbeatScheduler) ticked within --max-age "
        "seconds, 1 otherwise: the beat container's healthcheck."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-age", type=int, default=180, help="seconds")
        parser.add_argument(
            "--schedule",
            default=settings.CELERY_BEAT_SCHEDULE_FILENAME,
            help="the schedule file given to celery beat (--schedule)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = heartbeat_path(options["schedule"])
        try:
            age = time.time() - heartbeat.stat().st_mtime
        except FileNotFoundError:
            raise CommandError(f"beat has never ticked: no {heartbeat}") from None
        if age > options["max_age"]:
            raise CommandError(
                f"beat last ticked {age:.0f} s ago, more than {options['max_age']} s"
            )
        self.stdout.write(f"beat ticked {age:.0f} s ago")
