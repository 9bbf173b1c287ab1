"""Check-in over JSON: the scanner page itself speaks this API.

Every answer carries a stable `code`. Accepted scans answer 200; refusals 409 (the scan
was understood and will never be accepted: do not resend; among them `not_open_yet` and
`ended`, a scan outside the session's check-in window); 404 for a point or a person
that does not exist or is not the caller's to scan, the same answer for both; 429 for a
caller sending too fast at a point, or finding nobody too often (resend later). A 403
only answers again a scan first refused before that rule.
"""

import math
import time
from datetime import UTC, datetime
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from pydantic import AwareDatetime

from directory.selectors import scope_for
from events.models import SessionPoint
from events.services import PersonDetails

from .. import selectors, services
from ..selectors.dashboard import shared_counts
from ..selectors.sync import point_and_entry, point_totals
from ..services.reach import keeps_point
from ..tickets import current_step, point_code_for, seconds_left
from ..window import window_notice, window_texts

router = Router(tags=["attendance"])

MAX_SCANNED_TEXT = 2000


class ScanIn(Schema):
    scan_id: UUID = Field(description="Made by the device; a scan sent again counts once.")
    device_id: str = Field("", max_length=64)
    participation_id: int = Field(description="The point of the session being scanned for.")
    payload: str = Field("", max_length=MAX_SCANNED_TEXT, description="The scanned QR text.")
    entry_id: int | None = Field(None, description="A person found by name instead.")
    scanned_at: AwareDatetime | None = Field(
        None, description="The device's clock at the scan, with its UTC offset."
    )
    queued: bool = Field(False, description="Held on the device while it was offline.")
    sent_at: AwareDatetime | None = Field(
        None,
        description=(
            "The device's clock as it sends this request. Against the server's it tells how "
            "far off the device's clock is: a queued scan's `scanned_at` is corrected by "
            "that much when it is far off, and the arrival flagged."
        ),
    )
    action: str = Field("check_in", pattern="^(check_in|check_out)$")


class ScanOut(Schema):
    accepted: bool
    code: str
    message: str
    scan_id: UUID | None = None
    entry_id: int | None = None
    name: str = ""
    agency: str = ""
    point: str = ""
    time: datetime | None = None
    status: str = ""
    repeated: bool = False


def _out(result: services.ScanResult, scan_id: UUID | None = None) -> Status:
    body = ScanOut(
        accepted=result.accepted,
        code=result.code,
        message=result.message,
        scan_id=scan_id,
        entry_id=result.entry_id,
        name=result.name,
        agency=result.agency,
        point=result.point,
        time=result.time,
        status=result.status,
        repeated=result.repeated,
    )
    return Status(result.http_status, body)


@router.post(
    "/scans", response={200: ScanOut, 403: ScanOut, 404: ScanOut, 409: ScanOut, 429: ScanOut}
)
def scan(request: HttpRequest, data: ScanIn) -> Status:
    """Check a person in or out at a point from their scanned ticket (or found by name)."""
    result = services.record_scan(
        actor=request.user,
        request=services.ScanRequest(
            participation_id=data.participation_id,
            payload=data.payload,
            entry_id=data.entry_id,
            scan_id=data.scan_id,
            device_id=data.device_id,
            device_time=data.scanned_at,
            queued=data.queued,
            sent_at=data.sent_at,
            action=data.action,
        ),
    )
    return _out(result, data.scan_id)


class SelfCheckInIn(Schema):
    code: str = Field(max_length=MAX_SCANNED_TEXT)


@router.post("/self-check-in", response={200: ScanOut, 404: ScanOut, 409: ScanOut, 429: ScanOut})
def self_check_in(request: HttpRequest, data: SelfCheckInIn) -> Status:
    """An attendee checks themselves in with the code on their point's screen."""
    return _out(services.self_check_in(user=request.user, payload=data.code))


class WalkInPersonIn(Schema):
    full_name: str = Field(max_length=300)
    agency: str = Field("", max_length=300)
    position: str = Field("", max_length=300)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=300)


class WalkInIn(WalkInPersonIn):
    participation_id: int


class EntryOut(Schema):
    id: int
    name: str
    agency: str
    checked_in_at: datetime | None = None


@router.post("/walk-ins", response={201: EntryOut})
def walk_in(request: HttpRequest, data: WalkInIn) -> Status:
    """Someone at the door who is not on the roster: added and checked in."""
    participation = selectors.kept_participation(request.user, data.participation_id)
    entry = services.check_in_walk_in(
        actor=request.user,
        participation=participation,
        details=PersonDetails(
            full_name=data.full_name,
            agency=data.agency,
            position=data.position,
            phone=data.phone,
            email=data.email,
        ),
    )
    entry.refresh_from_db()
    return Status(
        201,
        EntryOut(
            id=entry.pk,
            name=entry.person.full_name,
            agency=entry.person.agency.name,
            checked_in_at=entry.attendance.checked_in_at,
        ),
    )


class ReasonIn(Schema):
    reason: str = Field(max_length=300)


@router.post("/entries/{entry_id}/undo", response={200: EntryOut})
def undo(request: HttpRequest, entry_id: int, data: ReasonIn) -> EntryOut:
    """Take back a check-in made by mistake; the reason is kept."""
    entry = selectors.kept_entry(request.user, entry_id)
    services.undo_check_in(actor=request.user, entry=entry, reason=data.reason)
    return EntryOut(id=entry.pk, name=entry.person.full_name, agency=entry.person.agency.name)


class RosterPersonOut(Schema):
    id: int
    digest: str = Field(description="SHA-256 of the person's ticket, to recognise it offline.")
    name: str
    agency: str
    checked_in_at: datetime | None


class ScannerRosterOut(Schema):
    participation_id: int
    session: str
    point: str
    session_status: str
    checkin_opens_at: datetime
    checkin_closes_at: datetime
    people: list[RosterPersonOut]


@router.get("/points/{participation_id}/roster", response=ScannerRosterOut)
def scanner_roster(request: HttpRequest, participation_id: int) -> dict:
    """The point's roster as a scanner phone keeps it for working offline."""
    participation = selectors.kept_participation(request.user, participation_id)
    return {
        "participation_id": participation.pk,
        "session": participation.session.title,
        "point": participation.point.name,
        "session_status": participation.session.status,
        "checkin_opens_at": participation.session.checkin_opens_at,
        "checkin_closes_at": participation.session.checkin_closes_at,
        "people": selectors.scanner_roster(participation),
    }


class PointCountOut(Schema):
    participation_id: int
    point_id: int
    point_name: str
    on_roster: int
    checked_in: int
    percent: int
    last_scan: datetime | None


class CountsOut(Schema):
    session_id: int
    on_roster: int
    checked_in: int
    percent: int
    points: list[PointCountOut]


@router.get("/sessions/{session_id}/counts", response=CountsOut)
def counts(request: HttpRequest, session_id: int) -> dict:
    """Checked in over on roster, per point and in all, for the points the caller sees. An
    organiser's figures may be up to DASHBOARD_SHARED_SECONDS old; a point's own counts
    (`/points/{id}/counts`) are always fresh."""
    session = selectors.get_session_for_counts(request.user, session_id)
    if scope_for(request.user).is_organiser:
        # Many organisers watch a session: theirs are cut from the counts computed once
        # per interval for all of them.
        totals = shared_counts(request.user, session)
    else:
        # A coordinator's points only: their rows, not the session's.
        totals = selectors.live_counts(
            session, selectors.visible_participations(request.user, session)
        )
    return {
        "session_id": session.pk,
        "on_roster": totals.on_roster,
        "checked_in": totals.checked_in,
        "percent": totals.percent,
        "points": totals.points,
    }


@router.get("/points/{participation_id}/counts", response=CountsOut, url_name="point_counts")
def point_counts(request: HttpRequest, participation_id: int) -> dict:
    """One point's counts, in the session counts' shape: what its scanner, screen and
    roster page poll. Reads that point's rows only, however large the session."""
    participation = selectors.kept_participation(request.user, participation_id)
    counts = selectors.point_counts(participation)
    return {
        "session_id": participation.session_id,
        "on_roster": counts.on_roster,
        "checked_in": counts.checked_in,
        "percent": counts.percent,
        "points": [counts],
    }


class ScreenCodeOut(Schema):
    step: int
    starts_at: datetime = Field(description="When this code goes up on the screen.")
    code: str
    url: str = Field(description="What the screen shows as a QR code (it draws it itself).")


class DisplayCodeOut(Schema):
    code: str
    url: str
    step: int
    seconds_left: float
    window: str = Field(description="open, not_open_yet or ended: the check-in window now.")
    notice: str = Field(description="What the screen says about the window, with its time.")
    server_time: datetime = Field(description="The server's clock, to set the screen's by.")
    step_seconds: int
    codes: list[ScreenCodeOut] = Field(
        description=(
            "The codes of this step and the next ones, each valid only from its `starts_at` "
            "(and one step after): the screen shows them in turn by its own clock."
        )
    )
    opens_at: datetime
    closes_at: datetime
    texts: dict[str, str] = Field(
        description="What the screen says in each state of the window, to switch by itself."
    )
    checked_in: int = Field(description="The point's people checked in so far.")
    on_roster: int = Field(description="The point's people on the roster.")


# Codes ahead for five minutes: a screen asks again every few minutes instead of every step.
# It draws each QR itself: making them here cost 20 ms of CPU an answer, a quarter of a core
# for the nation's 3,356 screens.
CODES_AHEAD_SECONDS = 300


def _screen_code(request: HttpRequest, participation_id: int, step: int) -> dict:
    code = point_code_for(participation_id, step)
    url = request.build_absolute_uri(reverse("attendance:self_check_in", args=[code]))
    return {
        "step": step,
        "starts_at": datetime.fromtimestamp(step * settings.SELF_CHECK_IN_STEP_SECONDS, UTC),
        "code": code,
        "url": url,
    }


def _screen_point(user: AbstractBaseUser, participation_id: int) -> SessionPoint:
    """The point and its session in one statement, with whether the user coordinates it,
    as a single scan reads them: the nation's screens ask all day, and the ORM's reads of
    the same cost them more CPU than the rest of their answer."""
    found = point_and_entry(
        participation_id=participation_id, entry_id=None, actor_id=user.pk, scan_id=None
    )
    if found is None or not keeps_point(user, found[0]):
        raise Http404
    return found[0]


@router.get("/points/{participation_id}/display-code", response=DisplayCodeOut)
def display_code(request: HttpRequest, participation_id: int) -> dict:
    """The codes a point's screen shows for self check-in: this step's and the next ones'
    for five minutes, each accepted only in its own step (and the one after). Outside the
    check-in window the screen shows the window's text (`texts`, by `opens_at` and
    `closes_at`) instead of the code; `notice` is the one for now."""
    participation = _screen_point(request.user, participation_id)
    now = time.time()
    step = current_step(now)
    ahead = math.ceil(CODES_AHEAD_SECONDS / settings.SELF_CHECK_IN_STEP_SECONDS)
    codes = [_screen_code(request, participation.pk, step + n) for n in range(ahead + 1)]
    session = participation.session
    notice = window_notice(session, datetime.fromtimestamp(now, UTC))
    # The room's count comes with the codes: a second poll for it was 28 requests a second
    # from the nation's screens.
    counts = point_totals(participation.pk)
    return {
        "code": codes[0]["code"],
        "url": codes[0]["url"],
        "step": step,
        "seconds_left": seconds_left(now),
        "window": notice.state,
        "notice": notice.text,
        "server_time": datetime.fromtimestamp(now, UTC),
        "step_seconds": settings.SELF_CHECK_IN_STEP_SECONDS,
        "codes": codes,
        "opens_at": session.checkin_opens_at,
        "closes_at": session.checkin_closes_at,
        "texts": window_texts(session),
        "checked_in": counts["checked_in"],
        "on_roster": counts["on_roster"],
    }
