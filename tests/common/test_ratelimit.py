import pytest
from django.core.cache import cache

from common import ratelimit
from tests.common.spare_redis import free_port, production_cache_at, redis_url


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_hit_past_the_limit_is_refused_and_others_keys_are_not():
    hits = [ratelimit.over_limit("scan:1", limit=3, window_seconds=60) for _ in range(4)]

    assert hits == [False, False, False, True]
    assert ratelimit.over_limit("scan:2", limit=3, window_seconds=60) is False


def test_an_aligned_window_starts_again_on_the_clock(monkeypatch):
    # given three hits in the minute starting at 600 s
    monkeypatch.setattr(ratelimit.time, "time", lambda: 659.0)
    for _ in range(3):
        ratelimit.count_hit("verify:10.0.0.1", window_seconds=60)

    # when the next minute begins
    monkeypatch.setattr(ratelimit.time, "time", lambda: 660.0)

    # then the count starts again
    assert ratelimit.count_hit("verify:10.0.0.1", window_seconds=60) == 1


def test_a_window_from_the_first_hit_counts_across_the_clock(monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 659.0)
    ratelimit.count_hit("sign-in-link:an@example.vn", window_seconds=900, aligned=False)
    monkeypatch.setattr(ratelimit.time, "time", lambda: 661.0)

    assert ratelimit.count_hit("sign-in-link:an@example.vn", window_seconds=900, aligned=False) == 2


def test_a_counter_that_expires_between_add_and_incr_is_counted_again(monkeypatch):
    calls = []
    real_incr = cache.incr

    def incr_once_missing(key: str, *args: object) -> int:
        calls.append(key)
        if len(calls) == 1:
            cache.delete(key)
        return real_incr(key, *args)

    monkeypatch.setattr(ratelimit.cache, "incr", incr_once_missing)

    assert ratelimit.count_hit("notices:sent", window_seconds=1) == 1
    assert len(calls) == 2


def test_while_the_shared_cache_is_down_the_limit_still_holds_within_each_process():
    # given the production cache on a port where no Redis listens
    with production_cache_at(redis_url(free_port())):
        # when a fourth hit comes within the minute
        hits = [ratelimit.over_limit("scan:7:3", limit=3, window_seconds=60) for _ in range(4)]

    # then it is refused as before, and nothing raised: the count is kept in this process
    assert hits == [False, False, False, True]
