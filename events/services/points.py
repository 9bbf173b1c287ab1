"""Bridge points: coordinators, and choosing many points at once from the tree."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from directory.models import AdministrativeUnit, RoleAssignment
from directory.selectors import Scope, valid_on_q
from directory.services import grant_role

from ..models import BridgePoint, SessionPoint


@transaction.atomic
def assign_coordinator(
    *, point: BridgePoint, user: AbstractBaseUser, granted_by: AbstractBaseUser | None = None
) -> None:
    """Make a user a coordinator of a point, with the directory scope of its unit; idempotent."""
    grant_role(
        user=user, role=RoleAssignment.Role.COORDINATOR, unit=point.unit, granted_by=granted_by
    )
    point.coordinators.add(user)


@dataclass(frozen=True)
class UnitRule:
    """Every point below a unit (the nation when None), optionally only at one level."""

    unit_id: int | None = None
    level: str | None = None


@dataclass(frozen=True)
class PointSelection:
    """A bulk choice of bridge points: rules over the tree, plus single additions and removals.

    "Every province" is UnitRule(level="province"); "every commune of Vĩnh Phúc" is
    UnitRule(unit_id=<Vĩnh Phúc>, level="commune"); "these 9 points" is add=(...).
    """

    rules: tuple[UnitRule, ...] = ()
    add: tuple[int, ...] = ()
    remove: tuple[int, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.rules and not self.add


def select_points(
    *, selection: PointSelection, scope: Scope, on: date, field_name: str = "points"
) -> QuerySet[BridgePoint]:
    """The active points a selection names, all inside the scope; a fixed number of queries.

    Rules take the units that existed on the session's day, so "every district" of a 2021
    session finds the districts that were abolished in 2025. Raises ValidationError naming
    what lies outside the scope.
    """
    units = AdministrativeUnit.objects.in_bulk(
        {rule.unit_id for rule in selection.rules if rule.unit_id is not None}
    )
    outside = [unit.name for unit in units.values() if not scope.covers_unit(unit)]
    if len({rule.unit_id for rule in selection.rules if rule.unit_id is not None}) != len(units):
        raise ValidationError({field_name: _("One of the chosen units does not exist.")})
    wanted = Q(pk__in=selection.add) if selection.add else Q(pk__in=[])
    for rule in selection.rules:
        condition = valid_on_q(on, prefix="unit__")
        if rule.unit_id is not None:
            condition &= Q(unit__path__startswith=units[rule.unit_id].path)
        if rule.level:
            condition &= Q(unit__level=rule.level)
        wanted |= condition
    # exclude(Q()) would exclude every row, so a national scope skips the check.
    if selection.add and not scope.national:
        outside += list(
            BridgePoint.objects.filter(pk__in=selection.add)
            .exclude(scope.units_q("unit__"))
            .values_list("name", flat=True)[:20]
        )
    if outside:
        raise ValidationError(
            {
                field_name: _("Outside your scope: %(names)s.")
                % {"names": ", ".join(sorted(outside))}
            }
        )
    return (
        BridgePoint.objects.filter(wanted, scope.units_q("unit__"), is_active=True)
        .exclude(pk__in=selection.remove)
        .order_by()
    )


def insert_participations(*, session_id: int, points: QuerySet[BridgePoint]) -> int:
    """Add points to a session in one INSERT ... SELECT, whatever their number.

    Each point brings its default chair. A point already taking part is left as it is.
    """
    chosen = points.annotate(chosen_point=F("pk"), chosen_chair=F("default_chair_id"))
    select_sql, params = chosen.values_list("chosen_point", "chosen_chair").query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(SessionPoint._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({quote('session_id')}, {quote('point_id')}, {quote('chair_id')}) "
        f"SELECT %s, chosen.{quote('chosen_point')}, chosen.{quote('chosen_chair')} "
        # "WHERE 1 = 1" keeps SQLite from reading ON CONFLICT as a join constraint.
        f"FROM ({select_sql}) chosen WHERE 1 = 1 "
        f"ON CONFLICT ({quote('session_id')}, {quote('point_id')}) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (session_id, *params))
        return cursor.rowcount
