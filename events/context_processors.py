from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import Heartbeat

HEALTH_CACHE_SECONDS = 30


@dataclass(frozen=True)
class NoticeHealth:
    stalled: bool
    last_tick: datetime | None


def read_notice_health() -> NoticeHealth:
    def last_tick() -> object:
        beat = Heartbeat.objects.filter(name="tick").values_list("beat_at", flat=True).first()
        # The cache cannot tell a stored None from a miss: keep a marker instead.
        return beat or "never"

    beat_at = cache.get_or_set("notices:last-tick", last_tick, HEALTH_CACHE_SECONDS)
    if beat_at == "never":
        return NoticeHealth(stalled=True, last_tick=None)
    stale_after = timedelta(seconds=max(120, 4 * settings.NOTICE_TICK_SECONDS))
    return NoticeHealth(stalled=timezone.now() - beat_at > stale_after, last_tick=beat_at)


def notice_health(request: HttpRequest) -> dict[str, object]:
    """Whether the beat's tick has run on a worker lately; read only by pages that show it.

    Without the tick no reminder, update or cancellation leaves, and nobody would know.
    """
    return {"notice_health": SimpleLazyObject(read_notice_health)}
