"""Every change to bridge points and sessions goes through these functions."""

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
    "reschedule_session",
    "schedule_series",
    "schedule_session",
    "select_points",
]
