"""Bridge points through the caller's scope, who keeps their rosters, where a person
attends, and the points of a session grouped for a page."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from common.search import fold
from directory.models import AdministrativeUnit
from directory.selectors import AnyUser, scope_for, units_for

from ..models import BridgePoint, Session, SessionPoint


def points_for(user: AnyUser) -> QuerySet[BridgePoint]:
    """Points an organiser's scope reaches, or the points a coordinator keeps."""
    scope = scope_for(user)
    points = BridgePoint.objects.select_related("unit")
    if scope.is_organiser:
        return points.filter(scope.units_q("unit__"))
    if scope.is_coordinator:
        return points.filter(coordinators=user)
    return points.none()


def attendance_points(person_id: int) -> QuerySet[SessionPoint]:
    """The points a person attends at: where they are on the roster."""
    return SessionPoint.objects.filter(
        roster__person=person_id, roster__removed_at__isnull=True
    ).select_related("point")


def can_keep_roster(user: AnyUser, participation: SessionPoint) -> bool:
    """Organisers over the point's unit, and the point's own coordinators."""
    scope = scope_for(user)
    if scope.is_organiser and scope.covers_unit(participation.point.unit):
        return True
    return participation.point.coordinators.filter(pk=user.pk).exists()


def get_point_for(user: AnyUser, point_id: int) -> BridgePoint:
    """The point, or 404 when it does not exist or lies outside the user's reach."""
    point = points_for(user).filter(pk=point_id).first()
    if point is None:
        raise Http404
    return point


def attendee_location(user: AnyUser, session: Session) -> BridgePoint:
    """Where this user attends: the point whose roster they are on, else the host."""
    person_id = scope_for(user).person_id
    participation = (
        attendance_points(person_id).filter(session=session).first() if person_id else None
    )
    return participation.point if participation else session.host_point


@dataclass(frozen=True)
class ProvinceGroup:
    province: str
    points: list[tuple[int, str, str]]  # participation id, point name, unit name

    @property
    def count(self) -> int:
        return len(self.points)


def points_by_province(session: Session) -> list[ProvinceGroup]:
    """A session's points grouped under their province, in three queries for any size."""
    rows = list(
        SessionPoint.objects.filter(session=session)
        .order_by("point__unit__path", "point__name")
        .values_list("pk", "point__name", "point__unit__name", "point__unit__path")
    )
    province_of = AdministrativeUnit.province_id_in
    province_ids = {province_of(path) for *_, path in rows} - {None}
    names = dict(AdministrativeUnit.objects.filter(pk__in=province_ids).values_list("pk", "name"))
    groups: dict[str, list[tuple[int, str, str]]] = {}
    for participation_id, point_name, unit_name, path in rows:
        province = names.get(province_of(path), unit_name)
        groups.setdefault(province, []).append((participation_id, point_name, unit_name))
    return [ProvinceGroup(name, points) for name, points in sorted(groups.items())]


def choosable_units_for(user: AnyUser) -> QuerySet[AdministrativeUnit]:
    """Units a bulk choice can start from: provinces and districts in scope."""
    return (
        units_for(user)
        .filter(level__in=[AdministrativeUnit.Level.PROVINCE, AdministrativeUnit.Level.DISTRICT])
        .select_related("parent")
        .order_by("path")
    )


def upcoming_by_point(points: list[BridgePoint], *, limit: int = 5) -> dict[int, list[Session]]:
    """The sessions at each of a coordinator's points still to be held, or held and not yet
    closed (their attendance can still be corrected), oldest first, in one query."""
    now = timezone.now()
    rows = (
        SessionPoint.objects.filter(point__in=points)
        .filter(Q(session__ends_at__gte=now) | Q(session__status=Session.Status.HELD))
        .select_related("session")
        .order_by("session__starts_at")
    )
    upcoming: dict[int, list[Session]] = {point.pk: [] for point in points}
    # Up to `limit` of each kind, so that old held sessions do not hide the coming ones.
    shown: dict[tuple[int, bool], int] = {}
    for row in rows:
        key = (row.point_id, row.session.status == Session.Status.HELD)
        if shown.get(key, 0) < limit:
            shown[key] = shown.get(key, 0) + 1
            upcoming[row.point_id].append(row.session)
    return upcoming


@dataclass(frozen=True)
class ProvinceCount:
    unit_id: int
    name: str
    count: int

    @property
    def province(self) -> str:
        return self.name


def province_counts(session: Session) -> list[ProvinceCount]:
    """How many of a session's points lie in each province, in two queries.

    Reads one short column per point (3,356 paths for the national session), never the
    points themselves; a point above every province (the Ministry's) counts under its unit.
    """
    paths = SessionPoint.objects.filter(session=session).values_list(
        "point__unit_id", "point__unit__path"
    )
    counts: dict[int, int] = {}
    for unit_id, path in paths:
        key = AdministrativeUnit.province_id_in(path) or unit_id
        counts[key] = counts.get(key, 0) + 1
    names = dict(AdministrativeUnit.objects.filter(pk__in=counts).values_list("pk", "name"))
    rows = [ProvinceCount(pk, names.get(pk, ""), count) for pk, count in counts.items()]
    return sorted(rows, key=lambda row: (fold(row.name), row.unit_id))


def session_points_in(session: Session, unit: AdministrativeUnit) -> QuerySet[SessionPoint]:
    """A session's points inside a unit (or at it), with what a list row shows."""
    return (
        SessionPoint.objects.filter(session=session, point__unit__path__startswith=unit.path)
        .select_related("point__unit", "chair")
        .order_by("point__unit__path", "point__name", "pk")
    )
