"""A Redis of the test's own, for the tests of the cache, the rate limits and the tasks."""

from tests.common.spare_redis import spare_redis  # noqa: F401
