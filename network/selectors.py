"""Reads of the bridge-point network, always through the organiser's scope."""

from dataclasses import dataclass

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from common.search import search_folded
from directory.collation import name_sort_key
from directory.models import AdministrativeUnit, UnitSuccession
from directory.selectors import AnyUser, scope_for
from events.models import BridgePoint

Level = AdministrativeUnit.Level
Coordinators = BridgePoint.coordinators.through


def network_points_for(user: AnyUser) -> QuerySet[BridgePoint]:
    """The points an organiser's scope reaches; none for anyone else."""
    scope = scope_for(user)
    if not scope.is_organiser:
        return BridgePoint.objects.none()
    return BridgePoint.objects.filter(scope.units_q("unit__")).select_related("unit")


def get_network_point_for(user: AnyUser, point_id: int) -> BridgePoint:
    """The point, or 404 when it does not exist or lies outside the organiser's scope."""
    point = (
        network_points_for(user).select_related("default_chair", "unit__parent").filter(pk=point_id)
    ).first()
    if point is None:
        raise Http404
    return point


def _has_coordinator() -> Exists:
    return Exists(Coordinators.objects.filter(bridgepoint_id=OuterRef("pk")))


@dataclass(frozen=True)
class PointFilters:
    query: str = ""
    province: AdministrativeUnit | None = None
    status: str = ""  # "active", "inactive", "former" or "" for all
    coordinator: str = ""  # "with", "without" or ""


def filter_points(points: QuerySet[BridgePoint], filters: PointFilters) -> QuerySet[BridgePoint]:
    """The list's rows: searched, filtered and marked with whether anyone keeps them."""
    points = points.annotate(has_coordinator=_has_coordinator())
    if filters.query:
        points = search_folded(points, ("name", "unit__name", "unit__code", "room"), filters.query)
    if filters.province is not None:
        points = points.filter(unit__path__startswith=filters.province.path)
    if filters.status == "active":
        points = points.filter(is_active=True, unit__valid_until__isnull=True)
    elif filters.status == "inactive":
        points = points.filter(is_active=False)
    elif filters.status == "former":
        points = points.filter(unit__valid_until__isnull=False)
    if filters.coordinator == "with":
        points = points.filter(has_coordinator=True)
    elif filters.coordinator == "without":
        points = points.filter(has_coordinator=False)
    return points.order_by("unit__path", "name")


def province_names(points: list[BridgePoint]) -> dict[int, str]:
    """The province each listed point lies in, by point id, in one query for the page."""
    province_of = {point.pk: AdministrativeUnit.province_id_in(point.unit.path) for point in points}
    names = dict(
        AdministrativeUnit.objects.filter(pk__in=set(province_of.values()) - {None}).values_list(
            "pk", "name"
        )
    )
    return {pk: names.get(province_id, "") for pk, province_id in province_of.items()}


def _count_below(*, has_coordinator: bool | None = None, **filters: object) -> Coalesce:
    """How many points lie below the outer unit: a correlated COUNT, with no GROUP BY."""
    points = BridgePoint.objects.filter(unit__path__startswith=OuterRef("path"), **filters)
    if has_coordinator is not None:
        points = points.filter(_has_coordinator() if has_coordinator else ~_has_coordinator())
    counted = points.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class ProvinceRow:
    unit: AdministrativeUnit
    points: int
    active: int
    with_coordinator: int
    without_coordinator: int

    @property
    def is_former(self) -> bool:
        return self.unit.valid_until is not None


def network_by_province(user: AnyUser) -> list[ProvinceRow]:
    """One row per province in scope, with its points counted, in a single query.

    Today's provinces always; a former province (before July 2025) only where points stand.
    Active points are counted with or without a coordinator; inactive ones only in the total.
    """
    scope = scope_for(user)
    if not scope.is_organiser:
        return []
    units = AdministrativeUnit.objects.all()
    if scope.national:
        units = units.filter(level=Level.PROVINCE)
    else:
        units = units.filter(path__in=scope.unit_paths)
    units = units.annotate(
        point_count=_count_below(),
        active_count=_count_below(is_active=True),
        kept_count=_count_below(is_active=True, has_coordinator=True),
    ).filter(Q(valid_until__isnull=True) | Q(point_count__gt=0))
    rows = [
        ProvinceRow(
            unit=unit,
            points=unit.point_count,
            active=unit.active_count,
            with_coordinator=unit.kept_count,
            without_coordinator=unit.active_count - unit.kept_count,
        )
        for unit in units
    ]
    return sorted(rows, key=lambda row: (row.is_former, place_key(row.unit.name)))


PLACE_PREFIXES = ("Thành phố ", "Tỉnh ")


def place_key(name: str) -> tuple[str, ...]:
    """Vietnamese dictionary order of a place (Đắk Lắk after Cà Mau, before Gia Lai),
    read without its "Tỉnh" or "Thành phố": word by word, each word keyed as the directory
    keys a given name."""
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return tuple(name_sort_key(word) for word in name.split())


def successors_of(units: list[AdministrativeUnit]) -> dict[int, list[AdministrativeUnit]]:
    """The units of today that took over each given former unit, in one query."""
    found: dict[int, list[AdministrativeUnit]] = {unit.pk: [] for unit in units}
    for succession in UnitSuccession.objects.filter(former__in=units).select_related("successor"):
        found[succession.former_id].append(succession.successor)
    return found


def successions_for(user: AnyUser) -> QuerySet[UnitSuccession]:
    """The former→today mapping an organiser sees: where either side lies in scope."""
    scope = scope_for(user)
    successions = UnitSuccession.objects.select_related("former", "successor").order_by(
        "former__level", "former__code"
    )
    if not scope.is_organiser:
        return successions.none()
    if scope.national:
        return successions
    return successions.filter(scope.units_q("former__") | scope.units_q("successor__"))
