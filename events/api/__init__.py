from datetime import datetime, timedelta
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from common.api import BoundedPageNumberPagination, ErrorOut, Id, error_body
from directory.selectors import get_agency_for, get_unit_for
from training.selectors import get_programme_for

from .. import selectors, services
from ..models import Session
from ..models.sessions import CHECKIN_WIDEN_LIMIT_MINUTES

router = Router(tags=["events"])


class PointOut(Schema):
    id: int
    name: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    room: str
    address: str
    capacity: int | None
    is_host: bool


class AgendaItemIn(Schema):
    starts_at: datetime
    title: str
    speaker: str = ""


class AgendaItemOut(AgendaItemIn):
    pass


class UnitRuleIn(Schema):
    unit_id: int | None = None
    level: str | None = None


class SelectionIn(Schema):
    rules: list[UnitRuleIn] = []
    add: list[int] = []
    remove: list[int] = []

    def to_selection(self) -> services.PointSelection:
        return services.PointSelection(
            rules=tuple(services.UnitRule(r.unit_id, r.level) for r in self.rules),
            add=tuple(self.add),
            remove=tuple(self.remove),
        )


CHECKIN_OPENS = Field(
    60,
    ge=0,
    le=CHECKIN_WIDEN_LIMIT_MINUTES,
    description="Check-in opens this many minutes before the start; scans before are refused.",
)
CHECKIN_CLOSES = Field(
    0,
    ge=0,
    le=CHECKIN_WIDEN_LIMIT_MINUTES,
    description="Check-in stays open this many minutes after the end; scans after are refused.",
)


class SessionIn(Schema):
    programme_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    host_point_id: int
    meeting_url: str = ""
    agenda: list[AgendaItemIn] = []
    points: SelectionIn
    checkin_opens_minutes: int = CHECKIN_OPENS
    checkin_closes_minutes: int = CHECKIN_CLOSES
    record_past: bool = False


class SessionOut(Schema):
    id: int
    uid: UUID
    title: str
    programme_id: int
    starts_at: datetime
    ends_at: datetime
    host_point_id: int
    meeting_url: str
    status: str = Field(description="scheduled, held (its end has passed), closed or cancelled.")
    held_at: datetime | None = Field(description="When its end passed and it became held.")
    closed_at: datetime | None = Field(description="When it was closed, by hand or by itself.")
    sequence: int
    series_id: int | None
    point_count: int


class SessionDetailOut(SessionOut):
    agenda: list[AgendaItemOut]
    late_after_minutes: int
    checkin_opens_minutes: int
    checkin_closes_minutes: int
    checkin_opens_at: datetime
    checkin_closes_at: datetime
    version: str = Field(
        description="Send it back with an edit: a session saved by someone else since answers 409."
    )


class ConflictOut(Schema):
    kind: str
    point_name: str
    other_session_id: int
    other_title: str
    other_starts_at: datetime
    other_ends_at: datetime
    coordinator: str


class ScheduledOut(Schema):
    session: SessionDetailOut
    conflicts: list[ConflictOut]


class SeriesIn(Schema):
    programme_id: int
    title: str
    rule: str
    first_start: datetime
    duration_minutes: int = Field(
        ge=1,
        le=int(services.MAX_SERIES_DURATION.total_seconds() // 60),
        description="How long each session lasts: at most a day.",
    )
    host_point_id: int
    meeting_url: str = ""
    points: SelectionIn
    record_past: bool = False


class SeriesOut(Schema):
    id: int
    title: str
    rule: str
    sessions: list[SessionOut]


class InvitationIn(Schema):
    point_id: int
    agency_id: int
    quota: int | None = None


class InvitationOut(Schema):
    id: int
    point_id: int = Field(alias="participation.point_id")
    agency_id: int
    quota: int | None


class RescheduleIn(Schema):
    starts_at: datetime
    ends_at: datetime
    record_past: bool = False


class PointsChangeIn(Schema):
    add: SelectionIn | None = None
    remove: list[int] = []


class CancelIn(Schema):
    reason: str


def session_out(session: Session) -> dict[str, object]:
    return {
        **{
            field: getattr(session, field)
            for field in SessionOut.model_fields
            if field != "point_count"
        },
        "point_count": session.participations.count(),
        "agenda": list(session.agenda_items.all()),
        "late_after_minutes": session.late_after_minutes,
        "checkin_opens_minutes": session.checkin_opens_minutes,
        "checkin_closes_minutes": session.checkin_closes_minutes,
        "checkin_opens_at": session.checkin_opens_at,
        "checkin_closes_at": session.checkin_closes_at,
        "version": services.session_version(session),
    }


def scheduled_out(scheduled: services.Scheduled) -> dict[str, object]:
    return {"session": session_out(scheduled.session), "conflicts": scheduled.conflicts}


@router.get("/points", response=list[PointOut], summary="Bridge points in scope")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_points(request: HttpRequest, unit: Id | None = None, q: str = "") -> object:
    points = selectors.points_for(request.user)
    if unit is not None:
        points = points.filter(unit__path__startswith=get_unit_for(request.user, unit).path)
    if q:
        points = points.filter(name__icontains=q)
    return points


@router.get("/sessions", response=list[SessionOut], summary="Sessions in scope")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_sessions(
    request: HttpRequest,
    programme: Id | None = None,
    status: Session.Status | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
) -> object:
    sessions = selectors.sessions_with_counts(selectors.sessions_for(request.user))
    if programme is not None:
        sessions = sessions.filter(programme_id=programme)
    if status is not None:
        sessions = sessions.filter(status=status)
    if starts_after is not None:
        sessions = sessions.filter(starts_at__gte=starts_after)
    if starts_before is not None:
        sessions = sessions.filter(starts_at__lt=starts_before)
    return sessions


@router.post("/sessions", response={201: ScheduledOut}, summary="Schedule a session")
def schedule_session(request: HttpRequest, data: SessionIn) -> Status:
    scheduled = services.schedule_session(
        actor=request.user,
        programme=get_programme_for(request.user, data.programme_id),
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        host_point=selectors.get_point_for(request.user, data.host_point_id),
        meeting_url=data.meeting_url,
        agenda=tuple(services.AgendaEntry(i.starts_at, i.title, i.speaker) for i in data.agenda),
        selection=data.points.to_selection(),
        checkin_opens_minutes=data.checkin_opens_minutes,
        checkin_closes_minutes=data.checkin_closes_minutes,
        record_past=data.record_past,
    )
    return Status(201, scheduled_out(scheduled))


@router.get("/sessions/{session_id}", response=SessionDetailOut, summary="One session")
def get_session(request: HttpRequest, session_id: int) -> dict[str, object]:
    return session_out(selectors.get_session_for(request.user, session_id))


@router.post("/sessions/{session_id}/reschedule", response=ScheduledOut, summary="Move a session")
def reschedule_session(
    request: HttpRequest, session_id: int, data: RescheduleIn
) -> dict[str, object]:
    session = selectors.get_session_for(request.user, session_id)
    return scheduled_out(
        services.reschedule_session(actor=request.user, session=session, **data.dict())
    )


@router.post("/sessions/{session_id}/points", response=ScheduledOut, summary="Change points")
def change_points(request: HttpRequest, session_id: int, data: PointsChangeIn) -> dict[str, object]:
    session = selectors.get_session_for(request.user, session_id)
    scheduled = services.change_session_points(
        actor=request.user,
        session=session,
        add=data.add.to_selection() if data.add else None,
        remove=tuple(data.remove),
    )
    return scheduled_out(scheduled)


@router.post("/sessions/{session_id}/cancel", response=SessionDetailOut, summary="Cancel")
def cancel_session(request: HttpRequest, session_id: int, data: CancelIn) -> dict[str, object]:
    session = selectors.get_session_for(request.user, session_id)
    return session_out(
        services.cancel_session(actor=request.user, session=session, reason=data.reason)
    )


@router.post(
    "/sessions/{session_id}/close",
    response={200: SessionDetailOut, 409: ErrorOut},
    summary="Close",
)
def close_session(request: HttpRequest, session_id: int) -> object:
    """Close a held session (or one that has started): its rosters and attendance freeze
    and the programme's certificates may be collated. A session already closed answers 409
    `already_closed` and changes nothing."""
    session = selectors.get_session_for(request.user, session_id)
    try:
        return session_out(services.close_session(actor=request.user, session=session))
    except services.SessionAlreadyClosed as error:
        return Status(409, error_body("already_closed", error.messages[0]))


@router.post("/series", response={201: SeriesOut}, summary="Schedule a recurring session")
def schedule_series(request: HttpRequest, data: SeriesIn) -> Status:
    series = services.schedule_series(
        actor=request.user,
        programme=get_programme_for(request.user, data.programme_id),
        title=data.title,
        rule=data.rule,
        first_start=data.first_start,
        duration=timedelta(minutes=data.duration_minutes),
        host_point=selectors.get_point_for(request.user, data.host_point_id),
        meeting_url=data.meeting_url,
        selection=data.points.to_selection(),
        record_past=data.record_past,
    )
    sessions = selectors.sessions_with_counts(series.occurrences.all()).order_by("starts_at")
    return Status(
        201, {"id": series.pk, "title": series.title, "rule": series.rule, "sessions": sessions}
    )


@router.post(
    "/sessions/{session_id}/invitations",
    response={201: InvitationOut},
    summary="Invite an agency to a point",
)
def invite_agency(request: HttpRequest, session_id: int, data: InvitationIn) -> Status:
    session = selectors.get_session_for(request.user, session_id)
    invitation = services.invite_agency(
        actor=request.user,
        session=session,
        point=selectors.get_point_for(request.user, data.point_id),
        agency=get_agency_for(request.user, data.agency_id),
        quota=data.quota,
    )
    return Status(201, invitation)


# The edits after scheduling add their operations to this router.
from . import editing  # noqa: E402, F401
