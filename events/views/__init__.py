"""The pages of sessions: `sessions` the list, a session's page, scheduling and the changes
made from it; `editing` the edit pages (details, a series' occurrences, each point's
chair); `personal` calendars and a person's own sessions and points."""

from .editing import occurrence_edit, point_chair, series_create, session_edit
from .personal import calendar_feed, my_points, my_sessions, session_calendar, session_calendar_view
from .sessions import (
    close_session,
    session_cancel,
    session_create,
    session_detail,
    session_list,
    session_points,
    session_reschedule,
)

__all__ = [
    "calendar_feed",
    "close_session",
    "my_points",
    "my_sessions",
    "occurrence_edit",
    "point_chair",
    "series_create",
    "session_calendar",
    "session_calendar_view",
    "session_cancel",
    "session_create",
    "session_detail",
    "session_edit",
    "session_list",
    "session_points",
    "session_reschedule",
]
