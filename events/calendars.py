"""iCalendar documents for sessions, built with the `icalendar` package.

Each session keeps one UID for life and its SEQUENCE grows with every change, so a
calendar that imported it updates it in place. A recurring session is one VEVENT with an
RRULE; a moved occurrence comes as an override named by RECURRENCE-ID, and a cancelled one
as an EXDATE plus an override with STATUS:CANCELLED.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vRecur, vText

from .models import BridgePoint, Session, SessionSeries

PRODID = "-//DiemCau//Tap huan CCHC//VI"
UID_DOMAIN = "diemcau"
ALARMS = (timedelta(days=1), timedelta(hours=1))

LocationFor = Callable[[Session], BridgePoint | None]


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


def _fill(event: Event, session: Session, location: BridgePoint | None) -> None:
    event.add("summary", session.title)
    event.add("dtstart", timezone.localtime(session.starts_at))
    event.add("dtend", timezone.localtime(session.ends_at))
    event.add("dtstamp", timezone.now())
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


def session_event(session: Session, location: BridgePoint | None) -> Event:
    event = Event()
    event.add("uid", f"{session.uid}@{UID_DOMAIN}")
    _fill(event, session, location)
    return event


def series_events(
    series: SessionSeries, occurrences: list[Session], location_for: LocationFor
) -> list[Event]:
    """The master event with its rule, then an override for each occurrence that changed."""
    first = min(occurrences, key=lambda s: s.original_start)
    master = Event()
    master.add("uid", f"{series.uid}@{UID_DOMAIN}")
    _fill(master, first, location_for(first))
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
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitation_calendar(
    session: Session, *, location: BridgePoint | None, attendee: str, method: str
) -> bytes:
    """An iTIP message (METHOD:REQUEST or CANCEL) about one session for one attendee.

    It carries the feed's UID and SEQUENCE, so a mail client updates the same calendar
    entry the feed made; an occurrence of a series names itself by RECURRENCE-ID.
    """
    event = session_event(session, location)
    if session.series_id is not None:
        event.pop("uid")
        event.add("uid", f"{session.series.uid}@{UID_DOMAIN}")
        event.add("recurrence-id", timezone.localtime(session.original_start))
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = vText(session.programme.issuing_body or "DiemCau")
    event.add("organizer", organizer)
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params.update({"role": "REQ-PARTICIPANT", "rsvp": "FALSE"})
    event.add("attendee", guest)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
