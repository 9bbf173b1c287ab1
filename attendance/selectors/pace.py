"""How often a paired phone syncs: as often as SCANNER_SYNC_SECONDS while few phones are out,
and spread so that all of them together send at most SCANNER_SYNCS_PER_SECOND batches as
more are. A phone's verdicts never wait for a sync (it decides from its roster), so a slower
pace costs nothing at the door; what it buys is the national rush on one box: 3,356 phones
syncing every ten seconds had the server fall minutes behind (`make bench BENCH=rush`).

Every sync and roster answer tells the phone its pace (`next_sync_seconds`). The number of
phones out is counted at most once per PACE_CACHE_SECONDS, for all of them.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ..models import ScannerDevice

# A phone that synced within this long is out, scanning or waiting for people.
ACTIVE_WINDOW = timedelta(minutes=5)
PACE_CACHE_SECONDS = 30
# However many phones are out, each still hears from the server at least this often.
SLOWEST_SECONDS = 120
CACHE_KEY = "attendance:scanner-pace"


def pace_for(active_phones: int) -> int:
    """Seconds between a phone's syncs when this many phones are out."""
    spread = math.ceil(active_phones / max(1, settings.SCANNER_SYNCS_PER_SECOND))
    return min(SLOWEST_SECONDS, max(settings.SCANNER_SYNC_SECONDS, spread))


def active_phones() -> int:
    return ScannerDevice.objects.filter(
        revoked_at__isnull=True, last_sync_at__gte=timezone.now() - ACTIVE_WINDOW
    ).count()


def sync_pace() -> int:
    """The pace for a phone syncing now."""
    pace = cache.get(CACHE_KEY)
    if pace is None:
        pace = pace_for(active_phones())
        cache.set(CACHE_KEY, pace, PACE_CACHE_SECONDS)
    return pace
