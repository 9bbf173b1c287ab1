"""The check-in window of a session, and how the moments of attendance read.

A session takes scans from `checkin_opens_at` (by default an hour before its start) to
`checkin_closes_at` (by default its end); an organiser may widen both. Scans outside are
refused with `not_open_yet` or `ended`, and the pages say when check-in opens or closed.
Arrivals read with their day ("Đúng giờ 07:52 ngày 11/12"): a check-in made days before
its session once read as a bare "20:47".
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Session
from events.states import clock_and_day

NOT_OPEN_YET = "not_open_yet"
OPEN = "open"
ENDED = "ended"
# The scan answers of a scan outside the window.
WINDOW_CODES = (NOT_OPEN_YET, ENDED)


def window_state(session: Session, at: datetime) -> str:
    """Where `at` falls in the session's check-in window; both ends belong to it."""
    if at < session.checkin_opens_at:
        return NOT_OPEN_YET
    if at > session.checkin_closes_at:
        return ENDED
    return OPEN


def window_moments(session: Session) -> dict[str, str]:
    """When check-in opens and closes, as messages name them."""
    return {
        "opens": clock_and_day(session.checkin_opens_at),
        "closes": clock_and_day(session.checkin_closes_at),
    }


def window_refusal(session: Session, at: datetime) -> tuple[str, dict[str, str]] | None:
    """The refusal code of a scan made at `at`, with what its message names, or None."""
    state = window_state(session, at)
    return (state, window_moments(session)) if state in WINDOW_CODES else None


@dataclass(frozen=True)
class WindowNotice:
    """What the check-in pages say about the window at one moment."""

    state: str
    text: str
    opens_at: datetime
    closes_at: datetime

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


def window_texts(session: Session) -> dict[str, str]:
    """The three things a page may say about the window, for a script to switch between."""
    moments = window_moments(session)
    return {
        NOT_OPEN_YET: _("Check-in opens at %(opens)s.") % moments,
        OPEN: _("Check-in is open until %(closes)s.") % moments,
        ENDED: _("Check-in has ended (it closed at %(closes)s).") % moments,
    }


def window_notice(session: Session, at: datetime | None = None) -> WindowNotice:
    state = window_state(session, at or timezone.now())
    return WindowNotice(
        state=state,
        text=window_texts(session)[state],
        opens_at=session.checkin_opens_at,
        closes_at=session.checkin_closes_at,
    )


def day_moment(moment: datetime | None) -> str:
    """ "07:52 ngày 11/12": a time of arrival or departure with its day, in the site's time
    zone. The year is left out: the window keeps every scan within days of its session."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return _("%(time)s on %(date)s") % {
        "time": local.strftime("%H:%M"),
        "date": local.strftime("%d/%m"),
    }


def skew_text(seconds: int | None) -> str:
    """ "3 giờ 12 phút" (ahead or behind alike): how far a phone's clock was off."""
    if not seconds:
        return ""
    minutes = round(abs(seconds) / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(count)s day", "%(count)s days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if minutes or not parts:
        parts.append(
            ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
        )
    return " ".join(parts)


def skew_flag(seconds: int | None) -> str:
    """The roster's flag on an arrival scanned by a phone whose clock was far off."""
    if not seconds:
        return ""
    return _("Phone clock off by %(amount)s") % {"amount": skew_text(seconds)}


def skew_explanation(seconds: int | None) -> str:
    """What the flag means, for its title."""
    if not seconds:
        return ""
    amount = {"amount": skew_text(seconds)}
    if seconds < 0:
        said = _("The scanning phone's clock was %(amount)s behind the server's.") % amount
    else:
        said = _("The scanning phone's clock was %(amount)s ahead of the server's.") % amount
    return " ".join(
        (
            said,
            _(
                "The arrival shown is by the server's clock (a scan held offline is moved "
                "by the same amount); check it if in doubt, and set the phone's clock right."
            ),
        )
    )
