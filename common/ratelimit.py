"""One rate limiter for every app: a counter per key and window in the shared cache (Redis
in production), so every web process and worker counts against the same limit.

A window's counter is created at zero with `add`, which never overwrites, and counted with
`incr`, which is atomic in Redis and in the local-memory cache, so two requests at once
can never both read the same count."""

import time

from django.core.cache import cache


def count_hit(key: str, *, window_seconds: int, aligned: bool = True) -> int:
    """Count one hit against `key` and return the hits in its window so far, this one
    included. Aligned windows start on the clock (each minute, each second); otherwise the
    window starts at the key's first hit and lasts `window_seconds`."""
    while True:
        name = f"rate:{key}"
        if aligned:
            name = f"{name}:{int(time.time() // window_seconds)}"
        # An aligned counter outlives its window a little, so a late incr still finds it.
        cache.add(name, 0, window_seconds * 2 if aligned else window_seconds)
        try:
            return cache.incr(name)
        except ValueError:  # the counter expired between add and incr: count again
            continue


def over_limit(key: str, *, limit: int, window_seconds: int, aligned: bool = True) -> bool:
    """Count one hit; True when it goes past `limit` hits in the window."""
    return count_hit(key, window_seconds=window_seconds, aligned=aligned) > limit
