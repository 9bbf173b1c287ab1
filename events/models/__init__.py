"""Bridge points, sessions and rosters; the outbox's models, which live in events.notices."""

from ..notices.models import Heartbeat, Notice, NoticeBatch, ReminderRule
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
