"""Session edits after scheduling: details, a series' occurrences, points taken away and
each point's chair, with the pages' guards (a stale version answers 409)."""

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Schema, Status

from common.api import ErrorOut, Id, error_body
from directory.selectors import get_person_for, scope_for

from .. import selectors, services
from ..models import Session
from ..models.sessions import CHECKIN_WIDEN_LIMIT_MINUTES
from . import AgendaItemIn, ScheduledOut, SessionOut, router, scheduled_out


class SessionEditIn(Schema):
    version: str = Field(description="The session's `version` as last read.")
    title: str | None = None
    meeting_url: str | None = None
    host_point_id: Id | None = None
    late_after_minutes: int | None = Field(default=None, ge=0, le=240)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    agenda: list[AgendaItemIn] | None = Field(
        default=None, description="The whole agenda; leave out to keep it."
    )
    checkin_opens_minutes: int | None = Field(
        default=None,
        ge=0,
        le=CHECKIN_WIDEN_LIMIT_MINUTES,
        description="Minutes before the start when check-in opens; no notice is sent.",
    )
    checkin_closes_minutes: int | None = Field(
        default=None,
        ge=0,
        le=CHECKIN_WIDEN_LIMIT_MINUTES,
        description="Minutes after the end that check-in stays open; no notice is sent.",
    )
    record_past: bool = False


class OccurrenceEditIn(Schema):
    version: str
    which: str = Field(description="this, or following (this and every later occurrence).")
    title: str | None = None
    meeting_url: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    record_past: bool = False


class ChairIn(Schema):
    chair_id: Id | None = Field(description="A person in scope, or null for nobody.")


class ParticipationOut(Schema):
    id: int
    point_id: int
    chair_id: int | None


def _editable(request: HttpRequest, session_id: int) -> Session:
    """The session if the caller may edit it; one they only see answers 404 too."""
    session = selectors.get_session_for(request.user, session_id)
    scope = scope_for(request.user)
    if not (scope.is_organiser and scope.covers_unit(session.host_point.unit)):
        raise Http404
    return session


def _stale(error: services.SessionChanged) -> Status:
    return Status(409, error_body("stale", error.messages[0]))


@router.post(
    "/sessions/{session_id}/edit",
    response={200: ScheduledOut, 409: ErrorOut},
    summary="Edit a session",
)
def edit_session(request: HttpRequest, session_id: int, data: SessionEditIn) -> object:
    """Change what is given, all or nothing. A change attendees see (title, link, time,
    host point, agenda) raises SEQUENCE and sends an update to those already told; the late
    threshold and the check-in window change without a notice. A
    `version` older than the session's answers 409 and changes nothing."""
    session = _editable(request, session_id)
    edit = services.SessionEdit(
        title=data.title,
        meeting_url=data.meeting_url,
        host_point=selectors.get_point_for(request.user, data.host_point_id)
        if data.host_point_id
        else None,
        late_after_minutes=data.late_after_minutes,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        agenda=None
        if data.agenda is None
        else tuple(services.AgendaEntry(i.starts_at, i.title, i.speaker) for i in data.agenda),
        checkin_opens_minutes=data.checkin_opens_minutes,
        checkin_closes_minutes=data.checkin_closes_minutes,
    )
    try:
        scheduled = services.edit_session(
            actor=request.user,
            session=session,
            version=data.version,
            edit=edit,
            record_past=data.record_past,
        )
    except services.SessionChanged as error:
        return _stale(error)
    return scheduled_out(scheduled)


@router.delete(
    "/sessions/{session_id}/points/{point_id}",
    response=ScheduledOut,
    summary="Take a point away from a session",
)
def remove_point(request: HttpRequest, session_id: int, point_id: int) -> dict[str, object]:
    """Its delegates are told; its roster and any attendance stay in the history."""
    session = selectors.get_session_for(request.user, session_id)
    point = selectors.get_point_for(request.user, point_id)
    if not session.participations.filter(point=point).exists():
        raise Http404
    return scheduled_out(
        services.change_session_points(actor=request.user, session=session, remove=(point.pk,))
    )


@router.post(
    "/sessions/{session_id}/points/{point_id}/chair",
    response=ParticipationOut,
    summary="Name a point's chair",
)
def set_chair(request: HttpRequest, session_id: int, point_id: int, data: ChairIn) -> object:
    session = selectors.get_session_for(request.user, session_id)
    point = selectors.get_point_for(request.user, point_id)
    participation = (
        session.participations.filter(point=point).select_related("session", "point__unit").first()
    )
    if participation is None:
        raise Http404
    chair = get_person_for(request.user, data.chair_id) if data.chair_id else None
    return services.set_point_chair(actor=request.user, participation=participation, chair=chair)


@router.post(
    "/sessions/{session_id}/occurrences",
    response={200: list[SessionOut], 409: ErrorOut},
    summary="Edit an occurrence of a series, or it and the following",
)
def edit_occurrences(request: HttpRequest, session_id: int, data: OccurrenceEditIn) -> object:
    session = _editable(request, session_id)
    if session.series_id is None:
        raise Http404
    try:
        edited = services.edit_occurrences(
            actor=request.user,
            session=session,
            version=data.version,
            which=data.which,
            title=data.title,
            meeting_url=data.meeting_url,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            record_past=data.record_past,
        )
    except services.SessionChanged as error:
        return _stale(error)
    return list(
        selectors.sessions_with_counts(Session.objects.filter(pk__in=[s.pk for s in edited]))
    )
