"""A Redis of the test's own, for the tests of the cache, the rate limits and the tasks; a
scheduled session, for the pickers."""

from tests.common.spare_redis import spare_redis  # noqa: F401
from tests.events.conftest import upcoming  # noqa: F401
