"""The shared cache (Redis) as something the site can lose for a while.

Everything the cache holds can be done without: sessions are kept in the database too
(`cached_db`), a health figure is read again, a rate limit counts in the process instead
(common.ratelimit). So while Redis is down or unreachable the cache answers as an empty
cache that forgets what it is given, logs a warning, and never fails the request. Only a
counter has no honest answer without Redis: `incr` raises `CacheUnavailable`, and the
caller decides.

After a failure Redis is not asked again for REST_SECONDS, so that an unreachable server
(a timeout, not a refusal) costs a request one timeout, not one per call; then it is used
again as before. Each process (and thread) keeps its own count of this.

Known limit: what is written or deleted while Redis is away is not written or deleted
there, so a Redis that comes back with its old data (a network split, or a Redis that
persists to disk) can serve an older copy of a session changed meanwhile, for as long as
that copy lives.
"""

import logging
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REST_SECONDS = 5.0
OUTAGE = (RedisConnectionError, RedisTimeoutError)
T = TypeVar("T")


class CacheUnavailable(Exception):
    """The cache cannot count right now (Redis is down or unreachable)."""


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis is away."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._resting_until = 0.0

    def _rest(self, error: Exception) -> None:
        self._resting_until = time.monotonic() + REST_SECONDS
        logger.warning(
            "cache unavailable (%s); going on without it, trying again in %s s", error, REST_SECONDS
        )

    def _guarded(self, operation: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < self._resting_until:
            return fallback
        try:
            return operation()
        except OUTAGE as error:
            self._rest(error)
            return fallback

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._guarded(partial(super().add, key, value, timeout, version), False)

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        return self._guarded(partial(super().get, key, default, version), default)

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._guarded(partial(super().set, key, value, timeout, version), None)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guarded(partial(super().touch, key, timeout, version), False)

    def delete(self, key: str, version: Any = None) -> bool:
        return self._guarded(partial(super().delete, key, version), False)

    def get_many(self, keys: Iterable[str], version: Any = None) -> dict[str, Any]:
        return self._guarded(partial(super().get_many, keys, version), {})

    def has_key(self, key: str, version: Any = None) -> bool:
        return self._guarded(partial(super().has_key, key, version), False)

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[str]:
        # Django's contract: the keys that were not stored.
        return self._guarded(partial(super().set_many, data, timeout, version), list(data))

    def delete_many(self, keys: Iterable[str], version: Any = None) -> None:
        self._guarded(partial(super().delete_many, keys, version), None)

    def clear(self) -> bool:
        return self._guarded(super().clear, False)

    def incr(self, key: str, delta: int = 1, version: Any = None) -> int:
        if time.monotonic() < self._resting_until:
            raise CacheUnavailable("the cache is resting after a failure")
        try:
            return super().incr(key, delta, version)
        except OUTAGE as error:
            self._rest(error)
            raise CacheUnavailable(str(error)) from error
