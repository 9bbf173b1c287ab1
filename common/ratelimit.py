"""One rate limiter for every app: a counter per key and window in the shared cache (Redis
in production), so every web process and worker counts against the same limit.

A window's counter is created at zero with `add`, which never overwrites, and counted with
`incr`, which is atomic in Redis and in the local-memory cache, so two requests at once
can never both read the same count.

While the shared cache is down the counters are kept in each process instead: limits
still hold per process (a client spread over N processes gets up to N times the limit),
and no request fails for want of Redis. Check-in must go on, so refusing every request
would be wrong; for sign-in links and certificate verification the looser limit is an
acceptable price for the length of an outage. The notices' throttle then holds the rate
in each sending worker, and no worker can start new ones while the broker (the same
Redis) is away.
"""

import logging
import time

from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from common.cache import CacheUnavailable

logger = logging.getLogger(__name__)

_in_this_process = LocMemCache("common.ratelimit", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_warned_at = -60.0


def _count(store: BaseCache, key: str, window_seconds: int, aligned: bool, hits: int) -> int:
    while True:
        name = f"rate:{key}"
        if aligned:
            name = f"{name}:{int(time.time() // window_seconds)}"
        # An aligned counter outlives its window a little, so a late incr still finds it.
        store.add(name, 0, window_seconds * 2 if aligned else window_seconds)
        try:
            return store.incr(name, hits)
        except ValueError:  # the counter expired between add and incr: count again
            continue


def _warn_once_a_minute() -> None:
    global _warned_at
    if time.monotonic() - _warned_at >= 60:
        _warned_at = time.monotonic()
        logger.warning("rate limits are counted in each process: the shared cache is down")


def count_hit(key: str, *, window_seconds: int, aligned: bool = True, hits: int = 1) -> int:
    """Count one hit (or `hits` at once) against `key` and return the hits in its window so
    far, these included. Aligned windows start on the clock (each minute, each second);
    otherwise the window starts at the key's first hit and lasts `window_seconds`."""
    try:
        return _count(cache, key, window_seconds, aligned, hits)
    except CacheUnavailable:
        _warn_once_a_minute()
        return _count(_in_this_process, key, window_seconds, aligned, hits)


def over_limit(key: str, *, limit: int, window_seconds: int, aligned: bool = True) -> bool:
    """Count one hit; True when it goes past `limit` hits in the window."""
    return count_hit(key, window_seconds=window_seconds, aligned=aligned) > limit
