"""What a scan asks and what it is answered: the request, the result, and the result's
message and HTTP status, the same for the scanner, the API and self check-in."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.utils.translation import gettext as _

from events.models import RosterEntry

from ..window import day_moment

CHECK_IN = "check_in"
CHECK_OUT = "check_out"

MESSAGES = {
    "checked_in": lambda c: _("%(name)s checked in.") % c,
    "checked_out": lambda c: _("%(name)s checked out.") % c,
    "too_long": lambda c: _("This code is far too long to be a DiemCau ticket."),
    "not_a_ticket": lambda c: _("This QR code is not a DiemCau ticket."),
    "malformed": lambda c: _("The ticket is damaged or cut short; scan it again."),
    "forged": lambda c: _("Forged ticket: its signature does not match."),
    "revoked": lambda c: _("This ticket was revoked; %(name)s has a newer one.") % c,
    "not_on_roster": lambda c: _("%(name)s is not on this session's roster.") % c,
    "wrong_session": lambda c: _("This ticket is for another session: %(session)s.") % c,
    "wrong_point": lambda c: _("%(name)s is on the roster of %(point)s, not this point.") % c,
    "already_checked_in": lambda c: _("%(name)s already checked in at %(time)s.") % c,
    "not_checked_in": lambda c: _("%(name)s has not checked in yet.") % c,
    "session_cancelled": lambda c: _("This session was cancelled."),
    "session_closed": lambda c: _("This session is closed: attendance is frozen."),
    "not_open_yet": lambda c: _("Check-in has not opened yet: it opens at %(opens)s.") % c,
    "ended": lambda c: _("Check-in has ended (it closed at %(closes)s).") % c,
    # Given before scans were answered by reach; an old scan sent again may still get it.
    "not_your_point": lambda c: _("You do not keep this bridge point."),
    "unknown_point": lambda c: _("This bridge point takes part in no session open to you."),
    "unknown_person": lambda c: _("This person is not on any roster you keep."),
    "rate_limited": lambda c: _("Too many scans in a minute; wait a little and scan again."),
    "expired": lambda c: _("This code has expired; scan the one on the screen now."),
    "no_person": lambda c: _("Your account is not linked to anyone in the directory."),
}
HTTP_STATUS = {
    "checked_in": 200,
    "checked_out": 200,
    "not_your_point": 403,
    "unknown_point": 404,
    "unknown_person": 404,
    "rate_limited": 429,
}
REFUSED_STATUS = 409
# Answers about what the caller may not hear about, the same as about nothing at all: they
# never name anyone, whatever entry is at hand.
NAMES_NOBODY = frozenset({"unknown_point", "unknown_person", "not_your_point", "rate_limited"})


@dataclass
class ScanRequest:
    participation_id: int
    payload: str = ""
    # A person found by name on the scanner instead of by their ticket.
    entry_id: int | None = None
    scan_id: UUID | None = None
    device_id: str = ""
    device_time: datetime | None = None
    # Sent later by a phone that was offline: its own time is the time of the scan.
    queued: bool = False
    # The device's clock as it sent the request: against the server's, it tells how far off
    # that clock is, and so how far its `device_time` may be trusted.
    sent_at: datetime | None = None
    action: str = CHECK_IN


@dataclass
class ScanResult:
    code: str
    message: str = ""
    entry_id: int | None = None
    name: str = ""
    agency: str = ""
    point: str = ""
    time: datetime | None = None
    status: str = ""
    repeated: bool = False
    context: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def accepted(self) -> bool:
        return self.code in ("checked_in", "checked_out")

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, REFUSED_STATUS)


class _Blanks(dict):
    """Message values where anything not known reads as empty rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def scan_result(code: str, entry: RosterEntry | None = None, **context: object) -> ScanResult:
    """The answer `code`, naming the person, their agency and point, with its message."""
    if entry is None:
        return named_result(code, None, **context)
    who = Who(
        entry.pk, entry.person.full_name, entry.person.agency.name, entry.participation.point.name
    )
    return named_result(code, who, **context)


@dataclass(frozen=True)
class Who:
    """Whom an answer is about, as it names them: read with the scan, not as a model."""

    entry_id: int
    name: str
    agency: str
    point: str


def named_result(code: str, who: Who | None, **context: object) -> ScanResult:
    result = ScanResult(code=code)
    if who is not None and code not in NAMES_NOBODY:
        result.entry_id = who.entry_id
        result.name = who.name
        result.agency = who.agency
        result.point = who.point
    values = _Blanks(name=result.name or _("This person"), point=result.point)
    values |= {key: str(value) for key, value in context.items() if key != "time"}
    if isinstance(context.get("time"), datetime):
        result.time = context["time"]
        values["time"] = day_moment(result.time)
    result.message = MESSAGES[code](values)
    return result
