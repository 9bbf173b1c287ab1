"""Bridge points, sessions and rosters; the notice outbox beside them."""

from .notices import Heartbeat, Notice, NoticeBatch, ReminderRule
from .sessions import (
    AgendaItem,
    BridgePoint,
    CalendarFeed,
    InvitedAgency,
    RosterChange,
    RosterEntry,
    RosterImport,
    Session,
    SessionChange,
    SessionPoint,
    SessionSeries,
    http_url_only,
    new_feed_token,
)

__all__ = [
    "AgendaItem",
    "BridgePoint",
    "CalendarFeed",
    "Heartbeat",
    "InvitedAgency",
    "Notice",
    "NoticeBatch",
    "ReminderRule",
    "RosterChange",
    "RosterEntry",
    "RosterImport",
    "Session",
    "SessionChange",
    "SessionPoint",
    "SessionSeries",
    "http_url_only",
    "new_feed_token",
]
