"""Reads of bridge points and sessions, through the caller's scope.

`sessions` which sessions a user sees and the bookings one overlaps; `points` which points,
who keeps their rosters and where a person attends; `feeds` what calendars show; `notices`
the outbox's progress and problems; `reminder_plans` the plan a session follows.
"""

from .feeds import FeedContent, calendar_sessions, feed_content, get_active_feed
from .notices import (
    NoticeProgress,
    PointProblems,
    Unreached,
    needs_fixing,
    notice_problems_by_point,
    notice_progress,
    notices_to_fix,
    unreached_people,
)
from .points import (
    ProvinceCount,
    ProvinceGroup,
    attendance_points,
    attendee_location,
    can_keep_roster,
    choosable_units_for,
    get_point_for,
    points_by_province,
    points_for,
    province_counts,
    session_points_in,
    upcoming_by_point,
)
from .reminder_plans import PlannedLine, effective_plan, plan_source, reminder_plan
from .sessions import (
    CONFLICTS_SHOWN,
    Conflict,
    filter_sessions,
    find_conflicts,
    get_session_for,
    province_units_for,
    sessions_for,
    sessions_with_counts,
)

__all__ = [
    "CONFLICTS_SHOWN",
    "Conflict",
    "FeedContent",
    "NoticeProgress",
    "PlannedLine",
    "PointProblems",
    "ProvinceCount",
    "ProvinceGroup",
    "Unreached",
    "attendance_points",
    "attendee_location",
    "calendar_sessions",
    "can_keep_roster",
    "choosable_units_for",
    "effective_plan",
    "feed_content",
    "filter_sessions",
    "find_conflicts",
    "get_active_feed",
    "get_point_for",
    "get_session_for",
    "needs_fixing",
    "notice_problems_by_point",
    "notice_progress",
    "notices_to_fix",
    "plan_source",
    "points_by_province",
    "points_for",
    "province_counts",
    "province_units_for",
    "reminder_plan",
    "session_points_in",
    "sessions_for",
    "sessions_with_counts",
    "unreached_people",
    "upcoming_by_point",
]
