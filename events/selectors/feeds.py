"""What calendars show: a subscription feed's sessions, and one session's own .ics."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from ..models import BridgePoint, CalendarFeed, Session
from .points import attendance_points


def get_active_feed(token: str) -> CalendarFeed:
    """The feed behind a subscription URL; 404 when the token is wrong or revoked."""
    feed = (
        CalendarFeed.objects.select_related("person", "point", "programme")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise Http404
    return feed


@dataclass(frozen=True)
class FeedContent:
    name: str
    sessions: list[Session]
    locations: dict[int, BridgePoint]
    default_location: BridgePoint | None = None

    def location_for(self, session: Session) -> BridgePoint | None:
        return self.locations.get(session.pk, self.default_location or session.host_point)


def _calendar_sessions(sessions: QuerySet[Session]) -> list[Session]:
    return list(
        sessions.select_related("programme", "host_point", "series")
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )


def feed_content(feed: CalendarFeed) -> FeedContent:
    """What a feed shows, with each attendee's own bridge point as the LOCATION."""
    if feed.kind == CalendarFeed.Kind.PERSON:
        locations = {p.session_id: p.point for p in attendance_points(feed.person_id)}
        sessions = Session.objects.filter(pk__in=locations.keys())
        return FeedContent(feed.person.full_name, _calendar_sessions(sessions), locations)
    if feed.kind == CalendarFeed.Kind.POINT:
        sessions = Session.objects.filter(
            Q(participations__point=feed.point) | Q(host_point=feed.point)
        ).distinct()
        return FeedContent(feed.point.name, _calendar_sessions(sessions), {}, feed.point)
    sessions = Session.objects.filter(programme=feed.programme)
    return FeedContent(feed.programme.title, _calendar_sessions(sessions), {})


def calendar_sessions(session: Session) -> list[Session]:
    """One session for its own .ics: an occurrence comes with its whole series."""
    if session.series_id is None:
        return _calendar_sessions(Session.objects.filter(pk=session.pk))
    return _calendar_sessions(Session.objects.filter(series_id=session.series_id))
