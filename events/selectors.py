"""Reads of bridge points and sessions, through the caller's scope."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from directory.selectors import AnyUser, scope_for

from .models import BridgePoint, Session, SessionPoint

CONFLICTS_SHOWN = 50


@dataclass(frozen=True)
class Conflict:
    """Another session booking the same room, or the same coordinator, at an overlapping time."""

    kind: str  # "room" or "coordinator"
    point_name: str
    other_session_id: int
    other_title: str
    other_starts_at: datetime
    other_ends_at: datetime
    coordinator: str = ""


def _overlapping(session: Session) -> Q:
    return Q(
        session__starts_at__lt=session.ends_at,
        session__ends_at__gt=session.starts_at,
        session__status=Session.Status.SCHEDULED,
    ) & ~Q(session=session)


def find_conflicts(*, session: Session) -> list[Conflict]:
    """Rooms and coordinators of this session already booked at overlapping times.

    Two queries whatever the number of points; at most CONFLICTS_SHOWN of each kind.
    """
    mine = SessionPoint.objects.filter(session=session).values("point_id")
    columns = (
        "point__name",
        "session_id",
        "session__title",
        "session__starts_at",
        "session__ends_at",
    )
    rooms = (
        SessionPoint.objects.filter(_overlapping(session), point_id__in=mine)
        .order_by("session__starts_at", "point__name")
        .values_list(*columns)[:CONFLICTS_SHOWN]
    )
    conflicts = [Conflict("room", *row) for row in rooms]
    people = (
        SessionPoint.objects.filter(
            _overlapping(session),
            point__coordinators__coordinated_points__in=mine,
        )
        .exclude(point_id__in=mine)
        .order_by("session__starts_at", "point__name")
        .values_list(*columns, "point__coordinators__username")
        .distinct()[:CONFLICTS_SHOWN]
    )
    conflicts += [Conflict("coordinator", *row[:5], coordinator=row[5]) for row in people]
    return conflicts


def points_for(user: AnyUser) -> QuerySet[BridgePoint]:
    """Points an organiser's scope reaches, or the points a coordinator keeps."""
    scope = scope_for(user)
    points = BridgePoint.objects.select_related("unit")
    if scope.is_organiser:
        return points.filter(scope.units_q("unit__"))
    if scope.is_coordinator:
        return points.filter(coordinators=user)
    return points.none()
