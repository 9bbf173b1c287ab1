"""How a session's state reads, with its dates: "Đã lên lịch · 08:00 ngày 11/12/2026",
"Đã diễn ra ngày 11/12/2026 · tự đóng ngày 25/12/2026", "Đã đóng ngày 12/12/2026", "Đã hủy".

Plain functions of a status and its moments, so that pages, e-mails and messages say it the
same way without a query; `templatetags/session_states.py` hands them to templates. When a
held session closes itself is decided here too, as the beat (`services.lifecycle`) keeps it.
"""

from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

SCHEDULED, HELD, CANCELLED, CLOSED = "scheduled", "held", "cancelled", "closed"


class HasState(Protocol):
    status: str
    starts_at: datetime
    ends_at: datetime
    closed_at: datetime | None
    close_warned_at: datetime | None


def auto_close_delay() -> timedelta:
    return timedelta(days=settings.SESSION_AUTO_CLOSE_DAYS)


def warning_delay() -> timedelta:
    return timedelta(days=settings.SESSION_CLOSE_WARNING_DAYS)


def closes_itself_at(
    *, status: str, ends_at: datetime, close_warned_at: datetime | None, now: datetime
) -> datetime | None:
    """When a session not yet closed will close itself if nobody closes it first.

    SESSION_AUTO_CLOSE_DAYS after its end, but never sooner than SESSION_CLOSE_WARNING_DAYS
    after its organisers were warned: a warning that has not gone yet goes now at the
    earliest (the worker may have been down), so the day moves on with it.
    """
    if status not in (SCHEDULED, HELD):
        return None
    due = ends_at + auto_close_delay()
    warned = close_warned_at or max(now, due - warning_delay())
    return max(due, warned + warning_delay())


def day(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def clock_and_day(moment: datetime) -> str:
    """ "08:00 ngày 11/12/2026": the Vietnamese way, in the site's time zone."""
    local = timezone.localtime(moment)
    return _("%(time)s on %(date)s") % {"time": local.strftime("%H:%M"), "date": day(local)}


def describe_state(
    *,
    status: str,
    starts_at: datetime,
    ends_at: datetime,
    closed_at: datetime | None = None,
    close_warned_at: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """The state as every page shows it, with the date that goes with it."""
    if status == SCHEDULED:
        return _("Scheduled · %(moment)s") % {"moment": clock_and_day(starts_at)}
    if status == HELD:
        closes = closes_itself_at(
            status=status,
            ends_at=ends_at,
            close_warned_at=close_warned_at,
            now=now or timezone.now(),
        )
        return _("Held on %(date)s · closes itself on %(closes)s") % {
            "date": day(starts_at),
            "closes": day(closes),
        }
    if status == CLOSED and closed_at is not None:
        return _("Closed on %(date)s") % {"date": day(closed_at)}
    if status == CLOSED:
        return pgettext("session state", "Closed")
    if status == CANCELLED:
        return _("Cancelled")
    return status


def state_of(session: HasState, *, now: datetime | None = None) -> str:
    return describe_state(
        status=session.status,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        closed_at=getattr(session, "closed_at", None),
        close_warned_at=getattr(session, "close_warned_at", None),
        now=now,
    )


BADGE_CLASSES = {
    SCHEDULED: "text-bg-success",
    HELD: "text-bg-warning",
    CLOSED: "text-bg-secondary",
    CANCELLED: "text-bg-danger",
}
