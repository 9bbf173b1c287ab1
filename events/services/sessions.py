"""Scheduling sessions and every later change to them; each change is recorded."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.bounds import offset_fits, offset_message
from directory.models import Agency
from directory.selectors import scope_for
from training.models import Programme

from ..models import AgendaItem, BridgePoint, InvitedAgency, Session, SessionChange, SessionPoint
from ..notices.planning import send_soon
from ..selectors import Conflict, find_conflicts
from ..signals import session_closed
from ..states import clock_and_day
from .points import (
    PointSelection,
    insert_participations,
    select_points,
    take_away_points,
    why_no_points,
)
from .rosters import invite_agency_here


@dataclass(frozen=True)
class AgendaEntry:
    starts_at: datetime
    title: str
    speaker: str = ""


@dataclass(frozen=True)
class Scheduled:
    """A saved session and the bookings it overlaps, for the organiser to look at."""

    session: Session
    conflicts: list[Conflict]


def check_times(
    *, starts_at: datetime, ends_at: datetime, record_past: bool, errors: dict[str, list[str]]
) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        errors.setdefault("starts_at", []).append(_("Give the time with its time zone."))
        return
    # PostgreSQL stores offsets up to ±15:59; Python reads up to ±23:59.
    impossible = [
        name for name, at in (("starts_at", starts_at), ("ends_at", ends_at)) if not offset_fits(at)
    ]
    for name in impossible:
        errors.setdefault(name, []).append(offset_message())
    if impossible:
        return
    if ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The session must end after it starts."))
    if starts_at < timezone.now() and not record_past:
        errors.setdefault("starts_at", []).append(
            _("This start is in the past. Tick “record a past session” if that is intended.")
        )


def require_host_in_scope(
    *, actor: AbstractBaseUser, host_point: BridgePoint, programme: Programme | None = None
) -> None:
    scope = scope_for(actor)
    if not scope.is_organiser:
        raise PermissionDenied(_("Only organisers can schedule sessions."))
    if not scope.covers_unit(host_point.unit):
        raise ValidationError({"host_point": _("This host point is outside your scope.")})
    if programme is not None and not scope.covers_unit(programme.unit):
        raise ValidationError({"programme": _("This programme is outside your scope.")})


def record_change(
    session: Session, kind: str, actor: AbstractBaseUser | None, **details: object
) -> SessionChange:
    return SessionChange.objects.create(session=session, kind=kind, actor=actor, details=details)


@transaction.atomic
def schedule_session(
    *,
    actor: AbstractBaseUser,
    programme: Programme,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    host_point: BridgePoint,
    selection: PointSelection,
    meeting_url: str = "",
    agenda: tuple[AgendaEntry, ...] = (),
    record_past: bool = False,
    checkin_opens_minutes: int = 60,
    checkin_closes_minutes: int = 0,
) -> Scheduled:
    """Schedule a session at many points in a fixed number of queries; records the change.

    Overlapping bookings of the same rooms or coordinators do not block: they come back
    in `conflicts`, naming the other session.
    """
    require_host_in_scope(actor=actor, host_point=host_point, programme=programme)
    errors: dict[str, list[str]] = {}
    check_times(starts_at=starts_at, ends_at=ends_at, record_past=record_past, errors=errors)
    session = Session(
        programme=programme,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        host_point=host_point,
        meeting_url=meeting_url,
        checkin_opens_minutes=checkin_opens_minutes,
        checkin_closes_minutes=checkin_closes_minutes,
        created_by=actor,
    )
    try:
        session.full_clean(exclude=["starts_at", "ends_at"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if selection.is_empty:
        errors.setdefault("points", []).append(_("Choose at least one bridge point."))
    if errors:
        raise ValidationError(errors)
    day = timezone.localdate(starts_at)
    points = select_points(selection=selection, scope=scope_for(actor), on=day)
    session.save()
    AgendaItem.objects.bulk_create(
        AgendaItem(
            session=session, starts_at=item.starts_at, title=item.title, speaker=item.speaker
        )
        for item in agenda
    )
    added = insert_participations(session_id=session.pk, points=points)
    if added == 0:
        raise ValidationError(
            {
                "points": [
                    _("The choice names no active bridge point."),
                    why_no_points(selection=selection, on=day),
                ]
            }
        )
    record_change(session, SessionChange.Kind.SCHEDULED, actor, points=added)
    return Scheduled(session=session, conflicts=find_conflicts(session=session))


def _bump(session: Session, *fields: str) -> None:
    session.sequence += 1
    session.save(update_fields=[*fields, "sequence", "updated_at"])


class SessionAlreadyClosed(ValidationError):
    """Someone (or the session itself) closed it first: nothing was done twice."""

    def __init__(self, closed_at: datetime | None) -> None:
        message = (
            _("This session was already closed at %(when)s.") % {"when": clock_and_day(closed_at)}
            if closed_at is not None
            else _("This session is already closed.")
        )
        super().__init__(message, code="already_closed")


def lock_status(session: Session, *, ending: bool = False) -> None:
    """Read the session's state again under a row lock, so that a change decided on it
    cannot cross the beat moving it to held, or a second closing.

    `ending` (closing, cancelling) takes the lock that also waits for the roster and
    attendance changes under way (see rosters.require_open) and holds off new ones."""
    row = (
        Session.objects.select_for_update(no_key=not ending)
        .filter(pk=session.pk)
        .values("status", "closed_at", "closed_by_id")
        .first()
    )
    if row is not None:
        session.status, session.closed_at, session.closed_by_id = (
            row["status"],
            row["closed_at"],
            row["closed_by_id"],
        )


def require_editable(*, actor: AbstractBaseUser, session: Session) -> None:
    """Its time, points, details and invitations change only while it is scheduled."""
    require_host_in_scope(actor=actor, host_point=session.host_point)
    if session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed: it can no longer be changed."))
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled: it can no longer be changed."))
    if session.status == Session.Status.HELD:
        # Its rosters and attendance stay open to corrections until it is closed.
        raise ValidationError(
            _(
                "The session has been held: its time and bridge points can no longer change; "
                "close it once its attendance is complete."
            ),
            code="held",
        )
    if session.status != Session.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be changed."))


@transaction.atomic
def reschedule_session(
    *,
    actor: AbstractBaseUser,
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    record_past: bool = False,
) -> Scheduled:
    """Move a session; the calendar SEQUENCE grows and the change is recorded."""
    lock_status(session)
    require_editable(actor=actor, session=session)
    errors: dict[str, list[str]] = {}
    check_times(starts_at=starts_at, ends_at=ends_at, record_past=record_past, errors=errors)
    if errors:
        raise ValidationError(errors)
    before = {"starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat()}
    shift = starts_at - session.starts_at
    session.starts_at, session.ends_at = starts_at, ends_at
    _bump(session, "starts_at", "ends_at")
    # The agenda keeps its shape: every item moves with the session.
    for item in (items := list(session.agenda_items.all())):
        item.starts_at += shift
    AgendaItem.objects.bulk_update(items, ["starts_at"])
    record_change(
        session,
        SessionChange.Kind.RESCHEDULED,
        actor,
        before=before,
        after={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    send_soon()
    return Scheduled(session=session, conflicts=find_conflicts(session=session))


@transaction.atomic
def change_session_points(
    *,
    actor: AbstractBaseUser,
    session: Session,
    add: PointSelection | None = None,
    remove: tuple[int, ...] = (),
) -> Scheduled:
    """Add points by the same bulk choice, or take some away; recorded with what changed."""
    lock_status(session)
    require_editable(actor=actor, session=session)
    scope = scope_for(actor)
    added = 0
    if add is not None and not add.is_empty:
        points = select_points(selection=add, scope=scope, on=timezone.localdate(session.starts_at))
        added = insert_participations(session_id=session.pk, points=points)
    removed_names: list[str] = []
    if remove:
        leaving = SessionPoint.objects.filter(session=session, point_id__in=remove)
        outside = leaving.exclude(scope.units_q("point__unit__"))
        if not scope.national and outside.exists():
            raise ValidationError({"points": _("Some of these points are outside your scope.")})
        removed_names = take_away_points(actor=actor, leaving=leaving)
        if not SessionPoint.objects.filter(session=session).exists():
            raise ValidationError({"points": _("A session needs at least one bridge point.")})
    if added or removed_names:
        _bump(session)
        record_change(
            session,
            SessionChange.Kind.POINTS_CHANGED,
            actor,
            added=added,
            removed=len(removed_names),
            removed_names=removed_names,
        )
    return Scheduled(session=session, conflicts=find_conflicts(session=session))


@transaction.atomic
def cancel_session(*, actor: AbstractBaseUser, session: Session, reason: str) -> Session:
    """Cancel a session; it stays, with its history, as STATUS:CANCELLED in calendars."""
    lock_status(session, ending=True)
    require_editable(actor=actor, session=session)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the session is cancelled.")})
    session.status = Session.Status.CANCELLED
    _bump(session, "status")
    record_change(session, SessionChange.Kind.CANCELLED, actor, reason=reason.strip())
    send_soon()
    return session


@transaction.atomic
def close_session(*, actor: AbstractBaseUser | None, session: Session) -> Session:
    """Close a held session, or a scheduled one that has started: its rosters and attendance
    freeze, the change is recorded and `session_closed` sent (certificates may collate).

    Without an actor it is the session closing itself (`lifecycle.close_due`). Of two
    closings at once one wins; the other raises SessionAlreadyClosed and changes nothing.
    """
    if actor is not None:
        require_host_in_scope(actor=actor, host_point=session.host_point)
    lock_status(session, ending=True)
    if session.status == Session.Status.CLOSED:
        raise SessionAlreadyClosed(session.closed_at)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled: it can no longer be changed."))
    now = timezone.now()
    if now < session.starts_at:
        raise ValidationError(_("A session can be closed only after it has started."))
    session.status = Session.Status.CLOSED
    session.closed_at, session.closed_by = now, actor
    session.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    details = {} if actor is not None else {"automatic": True}
    record_change(session, SessionChange.Kind.CLOSED, actor, **details)
    session_closed.send(sender=Session, session=session, actor=actor)
    return session


@transaction.atomic
def invite_agency(
    *,
    actor: AbstractBaseUser,
    session: Session,
    point: BridgePoint,
    agency: Agency,
    quota: int | None = None,
) -> InvitedAgency:
    """Invite an agency to send people to one point of a session; again updates the quota.

    Its people go on that point's roster."""
    require_editable(actor=actor, session=session)
    participation = (
        SessionPoint.objects.filter(session=session, point=point)
        .select_related("session", "point__unit")
        .first()
    )
    if participation is None:
        raise ValidationError({"point": _("This bridge point does not take part in the session.")})
    invitation, _result = invite_agency_here(
        actor=actor, participation=participation, agency=agency, quota=quota
    )
    return invitation
