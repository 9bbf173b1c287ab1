"""Sessions through the caller's scope: which a user may see, how a list is filtered, and
which bookings a session overlaps."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from directory.models import AdministrativeUnit
from directory.selectors import AnyUser, scope_for, units_for
from training.models import Programme

from ..models import BridgePoint, RosterEntry, Session, SessionPoint

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
        session__status__in=[Session.Status.SCHEDULED, Session.Status.HELD],
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


def sessions_for(user: AnyUser) -> QuerySet[Session]:
    """Sessions a user may see: in an organiser's scope (by programme, host or any point),
    at a coordinator's points, or, for an attendee, where they are on the roster."""
    scope = scope_for(user)
    sessions = Session.objects.select_related("programme", "host_point", "series")
    if scope.national:
        return sessions
    visible = Q(pk__in=[])
    if scope.is_organiser:
        visible |= (
            Q(programme__in=Programme.objects.filter(scope.units_q("unit__")))
            | Q(host_point__in=BridgePoint.objects.filter(scope.units_q("unit__")))
            | Exists(
                SessionPoint.objects.filter(scope.units_q("point__unit__"), session=OuterRef("pk"))
            )
        )
    if scope.is_coordinator:
        visible |= Q(host_point__coordinators=user) | Exists(
            SessionPoint.objects.filter(session=OuterRef("pk"), point__coordinators=user)
        )
    if scope.person_id is not None:
        visible |= Exists(
            RosterEntry.objects.filter(
                session=OuterRef("pk"), person=scope.person_id, removed_at__isnull=True
            )
        )
    return sessions.filter(visible)


def reads_programme_materials(user: AnyUser, programme: Programme) -> bool:
    """Whoever sees a session of the programme sees its materials listed on the session page,
    so may download them (handed to training.access when this app loads)."""
    return sessions_for(user).filter(programme=programme).exists()


def get_session_for(user: AnyUser, session_id: int) -> Session:
    session = sessions_for(user).filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def sessions_with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.annotate(
        point_count=Count(
            "participations", filter=Q(participations__removed_at=None), distinct=True
        )
    )


def province_units_for(user: AnyUser) -> QuerySet[AdministrativeUnit]:
    return units_for(user).filter(level=AdministrativeUnit.Level.PROVINCE).order_by("name")


def filter_sessions(
    sessions: QuerySet[Session],
    *,
    query: str = "",
    programme: object = None,
    province: AdministrativeUnit | None = None,
    status: str = "",
) -> QuerySet[Session]:
    if query:
        sessions = sessions.filter(title__icontains=query)
    if programme is not None:
        sessions = sessions.filter(programme=programme)
    if province is not None:
        sessions = sessions.filter(
            Exists(
                SessionPoint.objects.filter(
                    session=OuterRef("pk"), point__unit__path__startswith=province.path
                )
            )
        )
    if status:
        sessions = sessions.filter(status=status)
    return sessions
