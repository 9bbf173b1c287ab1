"""Bridge points: coordinators, choosing many points at once from the tree, and taking
points away from a session without losing what happened at them."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, ProtectedError, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import AdministrativeUnit, RoleAssignment
from directory.selectors import Scope, valid_on_q
from directory.services import CURRENT_LIST_VALID_FROM, grant_role

from ..models import BridgePoint, Notice, RosterChange, RosterEntry, SessionPoint
from ..notices.kinds import RegisteredKind
from ..notices.planning import queue_entry_notices

# The July 2025 reorganisation abolished the districts (directory.services.tree).
DISTRICTS_ENDED = CURRENT_LIST_VALID_FROM

POINT_REMOVED = "point_removed"


def _my_sessions_link(entry: RosterEntry) -> str:
    return settings.SITE_URL + reverse("events:my_sessions")


# Registered by the app's ready(): the delegates of a point taken away from a session.
POINT_REMOVED_KIND = RegisteredKind(
    value=POINT_REMOVED,
    label=gettext_lazy("Bridge point removed"),
    subject=gettext_lazy("Your bridge point no longer takes part: %(title)s"),
    lead=gettext_lazy(
        "Your bridge point no longer takes part in “%(title)s”, so you are no longer "
        "expected there. If you are to attend at another point, you will receive a new "
        "invitation."
    ),
    link_label=gettext_lazy("My sessions"),
    link_for=_my_sessions_link,
)


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


def why_no_points(*, selection: PointSelection, on: date) -> str:
    """Why a choice found no active point, in words an organiser can act on: a unit that no
    longer existed on the day (the districts ended on 30/06/2025), or units with no point
    made yet."""
    units = AdministrativeUnit.objects.in_bulk(
        {rule.unit_id for rule in selection.rules if rule.unit_id is not None}
    )
    ended = sorted(
        (unit for unit in units.values() if not unit.is_valid_on(on)), key=lambda u: u.name
    )
    if ended:
        return _(
            "%(unit)s no longer existed on %(day)s (it ended on %(ended)s): choose a unit "
            "of that day, such as the province that took it in."
        ) % {
            "unit": ended[0].name,
            "day": on.strftime("%d/%m/%Y"),
            "ended": ended[0].valid_until.strftime("%d/%m/%Y"),
        }
    if any(rule.level == AdministrativeUnit.Level.DISTRICT for rule in selection.rules) and (
        on >= DISTRICTS_ENDED
    ):
        return _(
            "There are no districts after 30/06/2025: choose every commune, or every province."
        )
    return _(
        "The chosen units have no active bridge point yet: create them on the bridge-point "
        "network page (Tạo theo đơn vị hành chính), then schedule again."
    )


def insert_participations(*, session_id: int, points: QuerySet[BridgePoint]) -> int:
    """Add points to a session in one INSERT ... SELECT, whatever their number.

    Each point brings its default chair. A point already taking part is left as it is; one
    taken away earlier takes part again (its old roster stays taken off).
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
        f"ON CONFLICT ({quote('session_id')}, {quote('point_id')}) DO UPDATE SET "
        f"{quote('removed_at')} = NULL, {quote('removed_by_id')} = NULL "
        f"WHERE {table}.{quote('removed_at')} IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (session_id, *params))
        return cursor.rowcount


def take_away_points(*, actor: AbstractBaseUser, leaving: QuerySet[SessionPoint]) -> list[str]:
    """Take points away from a session; the names of those taken, at most 50.

    A point whose roster never had anyone goes entirely. A point with people keeps its row
    (marked removed), its roster entries (taken off, each with a RosterChange) and any
    attendance; its delegates are told in the caller's transaction. Counts of the session's
    points and people leave it out from then on. A fixed number of queries.
    """
    now = timezone.now()
    names = list(leaving.order_by("point__name").values_list("point__name", flat=True)[:50])
    with_people = Exists(RosterEntry.objects.filter(participation=OuterRef("pk")))
    try:
        # PROTECT from rows of other apps (a scan at the point) keeps a point from going.
        with transaction.atomic():
            leaving.exclude(with_people).delete()
    except ProtectedError:
        pass
    if not leaving.exists():
        return names
    kept = leaving.values("pk")
    entries = RosterEntry.objects.filter(participation__in=kept, removed_at=None)
    entry_ids = list(entries.values_list("pk", flat=True))
    queue_entry_notices(entry_ids=entry_ids, kind=POINT_REMOVED, planned_for=now)
    # The entries are taken off next, and the sender skips notices of entries taken off:
    # this notice is about the removal itself, so it goes to the person, not the entry.
    Notice.objects.filter(kind=POINT_REMOVED, planned_for=now, participation__in=kept).update(
        entry=None
    )
    reason = _("The bridge point no longer takes part in the session.")
    RosterChange.objects.bulk_create(
        (
            RosterChange(
                entry_id=entry_id, kind=RosterChange.Kind.REMOVED, actor=actor, reason=reason
            )
            for entry_id in entry_ids
        ),
        batch_size=1000,
    )
    entries.update(removed_at=now, removed_by=actor, removal_reason=reason, changed_at=now)
    leaving.update(removed_at=now, removed_by=actor)
    return names
