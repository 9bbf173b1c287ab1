"""iCalendar documents for sessions, built with the `icalendar` package.

Each session keeps one UID for life and its SEQUENCE grows with every change, so a
calendar that imported it updates it in place. A recurring session is one VEVENT with an
RRULE; a moved occurrence comes as an override named by RECURRENCE-ID, and a cancelled one
as an EXDATE plus an override with STATUS:CANCELLED.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import cache

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vRecur, vText

from .models import BridgePoint, Session, SessionSeries

PRODID = "-//DiemCau//Tap huan CCHC//VI"
UID_DOMAIN = "diemcau"
ALARMS = (timedelta(days=1), timedelta(hours=1))

LocationFor = Callable[[Session], BridgePoint | None]


@cache
def _timezone(tzid: str) -> Timezone | None:
    """The VTIMEZONE of a zone, worked out once a process: icalendar derives it from the
    zone's transitions since 1970, about 25 ms each time, and asks its callers to cache it."""
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:  # a zone it cannot describe is left out, as add_missing_timezones does
        return None


def _add_timezones(calendar: Calendar) -> None:
    """`Calendar.add_missing_timezones`, with each VTIMEZONE made once (the same component,
    only ever serialised, serves every calendar): one for each zone the events use, ahead
    of them."""
    position = len(calendar.timezones)
    for tzid in sorted(calendar.get_missing_tzids()):
        if (component := _timezone(tzid)) is not None:
            calendar.subcomponents.insert(position, component)
            position += 1


def describe_location(point: BridgePoint | None) -> str:
    if point is None:
        return ""
    return ", ".join(part for part in (point.name, point.room, point.address) if part)


def describe_session(session: Session) -> str:
    lines = [session.programme.title]
    if session.meeting_url:
        lines.append(_("Meeting link: %(url)s") % {"url": session.meeting_url})
    items = list(session.agenda_items.all())
    if items:
        lines += ["", _("Agenda:")]
        for item in items:
            clock = timezone.localtime(item.starts_at).strftime("%H:%M")
            speaker = f" ({item.speaker})" if item.speaker else ""
            lines.append(f"{clock} {item.title}{speaker}")
    return "\n".join(lines)


def _fill(event: Event, session: Session, location: BridgePoint | None, *, stamp: datetime) -> None:
    event.add("summary", session.title)
    event.add("dtstart", timezone.localtime(session.starts_at))
    event.add("dtend", timezone.localtime(session.ends_at))
    event.add("dtstamp", stamp)
    event.add("last-modified", session.updated_at)
    event.add("sequence", session.sequence)
    event.add("description", describe_session(session))
    if where := describe_location(location):
        event.add("location", where)
    if session.meeting_url:
        event.add("url", session.meeting_url)
    cancelled = session.status == Session.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        for before in ALARMS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", session.title)
            alarm.add("trigger", -before)
            event.add_component(alarm)


def session_event(
    session: Session, location: BridgePoint | None, *, stamp: datetime | None = None
) -> Event:
    event = Event()
    event.add("uid", f"{session.uid}@{UID_DOMAIN}")
    _fill(event, session, location, stamp=stamp or timezone.now())
    return event


def series_events(
    series: SessionSeries, occurrences: list[Session], location_for: LocationFor
) -> list[Event]:
    """The master event with its rule, then an override for each occurrence that changed."""
    first = min(occurrences, key=lambda s: s.original_start)
    master = Event()
    master.add("uid", f"{series.uid}@{UID_DOMAIN}")
    _fill(master, first, location_for(first), stamp=timezone.now())
    # Start from the rule's own first time, even when the first occurrence itself moved.
    master["dtstart"].dt = timezone.localtime(first.original_start)
    master.pop("dtend")
    master.add("dtend", timezone.localtime(first.original_start + series.duration))
    master.pop("status")
    master.add("status", "CONFIRMED")
    master.pop("sequence")
    master.add("sequence", series.sequence + max(s.sequence for s in occurrences))
    # The occurrences were expanded once and stored: COUNT names exactly those.
    rule = vRecur.from_ical(series.rule)
    rule.pop("UNTIL", None)
    rule["COUNT"] = [len(occurrences)]
    master.add("rrule", rule)
    events = [master]
    for occurrence in occurrences:
        if occurrence.status == Session.Status.CANCELLED:
            master.add("exdate", timezone.localtime(occurrence.original_start))
        changed = occurrence.sequence > 0 or occurrence.starts_at != occurrence.original_start
        if changed:
            override = session_event(occurrence, location_for(occurrence))
            override.pop("uid")
            override.add("uid", f"{series.uid}@{UID_DOMAIN}")
            override.add("recurrence-id", timezone.localtime(occurrence.original_start))
            events.append(override)
    return events


def build_calendar(
    sessions: Iterable[Session], *, name: str, location_for: LocationFor, method: str = ""
) -> bytes:
    """A whole VCALENDAR for these sessions, with the VTIMEZONE of Asia/Ho_Chi_Minh."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    if method:
        calendar.add("method", method)
    series: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        if session.series_id is None:
            calendar.add_component(session_event(session, location_for(session)))
        else:
            series[session.series_id].append(session)
    for occurrences in series.values():
        for event in series_events(occurrences[0].series, occurrences, location_for):
            calendar.add_component(event)
    _add_timezones(calendar)
    return calendar.to_ical()


def _invitation(
    session: Session, where: str, attendee: str, method: str, stamp: datetime
) -> Calendar:
    # The properties are written in a fixed order, whatever the order they were added in.
    event = session_event(session, None, stamp=stamp)
    if session.series_id is not None:
        event.pop("uid")
        event.add("uid", f"{session.series.uid}@{UID_DOMAIN}")
        event.add("recurrence-id", timezone.localtime(session.original_start))
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = vText(session.programme.issuing_body or "DiemCau")
    event.add("organizer", organizer)
    _add_copy_lines(event, where=where, attendee=attendee)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    _add_timezones(calendar)
    return calendar


# The lines in which the copies of one invitation differ: the attendee, and their point.
PER_COPY = ("ATTENDEE", "LOCATION")
# What the invitations rendered from one set of loaded rows share, by session, method,
# language and zone: the second it was made for (DTSTAMP), and its bytes with the name of
# each line of PER_COPY in its place.
SharedInvitations = dict[tuple, tuple[datetime, list[bytes | str]]]


def _pieces(calendar: Calendar) -> list[bytes | str]:
    pieces: list[bytes | str] = [b""]
    for line in calendar.content_lines():
        name = next((n for n in PER_COPY if line.startswith((f"{n};", f"{n}:"))), None)
        if name is not None:
            pieces += [name, b""]
        elif line:
            pieces[-1] += line.to_ical() + b"\r\n"  # each line is folded on its own
    return pieces


def _add_copy_lines(event: Event, *, where: str, attendee: str) -> None:
    if where:
        event.add("location", where)
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params.update({"role": "REQ-PARTICIPANT", "rsvp": "FALSE"})
    event.add("attendee", guest)


def _copy_lines(*, where: str, attendee: str) -> dict[str, bytes]:
    """One copy's lines of PER_COPY, folded, made as _invitation makes them."""
    event = Event()
    _add_copy_lines(event, where=where, attendee=attendee)
    return {
        name: event.content_line(name, event[name]).to_ical() + b"\r\n" if name in event else b""
        for name in PER_COPY
    }


def invitation_calendar(
    session: Session,
    *,
    location: BridgePoint | None,
    attendee: str,
    method: str,
    shared: SharedInvitations | None = None,
) -> bytes:
    """An iTIP message (METHOD:REQUEST or CANCEL) about one session for one attendee.

    It carries the feed's UID and SEQUENCE, so a mail client updates the same calendar
    entry the feed made; an occurrence of a series names itself by RECURRENCE-ID.

    The copies sent within one second differ only in their ATTENDEE and LOCATION lines,
    so a sender passes `shared` (a dict it keeps for one chunk of rows loaded together,
    never longer): the rest is built and serialised once, and each copy is the same bytes
    it would be on its own.
    """
    stamp = timezone.now().replace(microsecond=0)  # DTSTAMP is written to the second
    where = describe_location(location)
    if shared is None:
        return _invitation(session, where, attendee, method, stamp).to_ical()
    key = (session.pk, method, translation.get_language(), timezone.get_current_timezone_name())
    made, pieces = shared.get(key, (None, []))
    if made != stamp:
        # Made with a placeholder point, so that the LOCATION line has its place.
        pieces = _pieces(_invitation(session, "-", attendee, method, stamp))
        shared[key] = (stamp, pieces)
    lines = _copy_lines(where=where, attendee=attendee)
    return b"".join(lines[piece] if isinstance(piece, str) else piece for piece in pieces)
