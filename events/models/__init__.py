"""Bridge points, sessions and rosters; the outbox's models, which live in events.notices."""

from ..notices.models import Heartbeat, Notice, NoticeBatch, ReminderRule
from .feeds import CalendarFeed, new_feed_token
from .points import BridgePoint
from .rosters import InvitedAgency, RosterChange, RosterEntry, RosterImport
from .sessions import (
    AgendaItem,
    Session,
    SessionChange,
    SessionPoint,
    SessionSeries,
    http_url_only,
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
