"""Every change to bridge points and sessions goes through these functions."""

from .feeds import open_feed, revoke_feed
from .points import (
    PointSelection,
    UnitRule,
    assign_coordinator,
    insert_participations,
    select_points,
)
from .series import expand_rule, schedule_series
from .sessions import (
    AgendaEntry,
    Scheduled,
    cancel_session,
    change_session_points,
    invite_agency,
    reschedule_session,
    schedule_session,
)

__all__ = [
    "AgendaEntry",
    "PointSelection",
    "Scheduled",
    "UnitRule",
    "assign_coordinator",
    "cancel_session",
    "change_session_points",
    "expand_rule",
    "insert_participations",
    "invite_agency",
    "open_feed",
    "reschedule_session",
    "revoke_feed",
    "schedule_series",
    "schedule_session",
    "select_points",
]
