"""The shared cache (Redis in production) is something the site can lose for a while.

While Redis is down, the cache answers as an empty cache that forgets what it is given:
reads miss, writes are dropped, nothing raises; only a counter, which has no honest
answer without Redis, says so with `CacheUnavailable`. After a failure it is not asked
again for a few seconds, so an unreachable server costs one timeout, not one per call;
then it is used again as before.
"""

import logging
import socket
import time

import pytest
from django.core.cache import cache

from common import cache as resilient
from common.cache import CacheUnavailable
from tests.common.spare_redis import (
    free_port,
    production_cache_at,
    redis_url,
)


@pytest.fixture
def cache_down():
    """The production cache settings, on a port where no Redis listens."""
    with production_cache_at(redis_url(free_port())):
        yield cache


@pytest.fixture
def silent_server():
    """A server that takes connections and never answers, as a Redis that hangs does."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield redis_url(server.getsockname()[1])


def test_a_server_that_never_answers_costs_one_request_a_second_once(silent_server):
    with production_cache_at(silent_server):
        began = time.monotonic()
        assert cache.get("programme:1") is None
        first = time.monotonic() - began

        began = time.monotonic()
        assert cache.get_or_set("programme:1", "read again", 60) == "read again"
        then = time.monotonic() - began

    assert first < 2
    assert then < 0.1


def test_values_round_trip_through_redis_while_it_is_up(spare_redis):
    with production_cache_at(spare_redis.url):
        cache.set("programme:1", {"title": "Tập huấn CCHC năm 2021"}, 60)
        assert cache.add("counter", 0, 60) is True
        assert cache.incr("counter") == 1

        assert cache.get("programme:1") == {"title": "Tập huấn CCHC năm 2021"}
        assert cache.get_many(["programme:1", "nothing"]) == {
            "programme:1": {"title": "Tập huấn CCHC năm 2021"}
        }


def test_a_cache_that_is_down_reads_as_empty_and_forgets_what_it_is_given(cache_down, caplog):
    caplog.set_level(logging.WARNING, logger="common.cache")

    cache_down.set("programme:1", "Tập huấn", 60)

    assert cache_down.get("programme:1") is None
    assert cache_down.get("programme:1", "mặc định") == "mặc định"
    assert cache_down.get_or_set("notices:last-tick", lambda: "never", 30) == "never"
    assert cache_down.add("programme:1", "Tập huấn", 60) is False
    assert cache_down.has_key("programme:1") is False
    assert cache_down.get_many(["a", "b"]) == {}
    assert cache_down.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache_down.touch("programme:1") is False
    assert cache_down.delete("programme:1") is False
    cache_down.delete_many(["a", "b"])
    cache_down.clear()
    # one warning for the outage, not one per call
    warnings = [r for r in caplog.records if r.name == "common.cache"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING


def test_a_counter_cannot_be_counted_while_the_cache_is_down(cache_down):
    with pytest.raises(CacheUnavailable):
        cache_down.incr("rate:scan")
    # and not while the cache rests either
    with pytest.raises(CacheUnavailable):
        cache_down.decr("rate:scan")


def test_after_a_failure_redis_rests_a_few_seconds_then_is_used_again(
    spare_redis,
    monkeypatch,
):
    with production_cache_at(spare_redis.url):
        # given Redis went away and came back at once
        spare_redis.kill()
        assert cache.get("x") is None
        spare_redis.start()

        # then for a few seconds the cache does not ask it
        cache.set("x", "kept?", 60)
        assert cache.get("x") is None

        # and once they are over it is used again
        later = time.monotonic() + resilient.REST_SECONDS + 0.1
        monkeypatch.setattr(resilient.time, "monotonic", lambda: later)
        cache.set("x", "kept", 60)
        assert cache.get("x") == "kept"
