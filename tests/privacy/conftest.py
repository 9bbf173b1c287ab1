"""Check-in fixtures shared with the apps built on check-in: personal data reads across
all of them."""

from tests.checkins import _fresh_rate_limits, course, demo, eager_tasks, rush  # noqa: F401
