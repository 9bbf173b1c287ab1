"""Bridge points made from the unit tree: one per unit of a level, within the organiser's scope."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from directory.models import AdministrativeUnit
from directory.selectors import Scope, scope_for
from events.models import BridgePoint

Level = AdministrativeUnit.Level
GENERATED_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
NAME_PREFIX = "Điểm cầu "
# One INSERT for the whole country on PostgreSQL (5,000 rows stay under its 65,535
# parameters); Django splits further where the backend needs it (SQLite).
BATCH_SIZE = 5000


@dataclass(frozen=True)
class GenerateResult:
    created: int
    reactivated: int
    already: int

    @property
    def added(self) -> int:
        return self.created + self.reactivated


def point_name(unit_name: str) -> str:
    """What a generated point is called: "Điểm cầu Xã Lãng Công"."""
    return (NAME_PREFIX + unit_name)[: BridgePoint._meta.get_field("name").max_length]


def _require_reach(scope: Scope, within: AdministrativeUnit | None, level: str) -> None:
    if not scope.is_organiser:
        raise PermissionDenied(_("Only organisers can create bridge points."))
    if level not in GENERATED_LEVELS:
        raise ValidationError({"level": _("Choose the province or the commune level.")})
    if within is None:
        if not scope.national:
            raise PermissionDenied(
                _("Only a national organiser can create points across the whole country.")
            )
        return
    if not scope.covers_unit(within):
        raise PermissionDenied(_("This unit is outside your scope."))
    if within.valid_until is not None:
        raise ValidationError(
            {
                "within": _("%(unit)s is a former unit (until %(day)s); choose a unit of today.")
                % {"unit": within.name, "day": within.valid_until.strftime("%d/%m/%Y")}
            }
        )


def target_units(within: AdministrativeUnit | None, level: str) -> QuerySet[AdministrativeUnit]:
    """Today's units of the level below (or at) `within`, the whole country when None."""
    units = AdministrativeUnit.objects.filter(level=level, valid_until__isnull=True)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    return units


def _without_active_point(units: QuerySet[AdministrativeUnit]) -> QuerySet[AdministrativeUnit]:
    active = BridgePoint.objects.filter(unit=OuterRef("pk"), is_active=True)
    return units.filter(~Exists(active))


def count_missing_points(
    *, actor: AbstractBaseUser, within: AdministrativeUnit | None, level: str
) -> tuple[int, int]:
    """The preview: how many units would get a point, and how many already have one."""
    _require_reach(scope_for(actor), within, level)
    units = target_units(within, level)
    total = units.count()
    missing = _without_active_point(units).count()
    return missing, total - missing


@transaction.atomic
def generate_points(
    *, actor: AbstractBaseUser, within: AdministrativeUnit | None, level: str
) -> GenerateResult:
    """A point at every unit of `level` under `within` that has no active point yet;
    idempotent, and the same few statements for 9 units or 3,321."""
    _require_reach(scope_for(actor), within, level)
    units = target_units(within, level)
    missing = list(_without_active_point(units).values_list("pk", "name"))
    total = units.count()
    # A point someone deactivated by the same name comes back rather than colliding with
    # the one-name-per-unit constraint.
    dormant = {
        (unit_id, name): pk
        for pk, unit_id, name in BridgePoint.objects.filter(
            unit__in=_without_active_point(units), is_active=False, name__startswith=NAME_PREFIX
        ).values_list("pk", "unit_id", "name")
    }
    revive = {
        unit_id: dormant[(unit_id, point_name(name))]
        for unit_id, name in missing
        if (unit_id, point_name(name)) in dormant
    }
    if revive:
        BridgePoint.objects.filter(pk__in=revive.values()).update(is_active=True)
    BridgePoint.objects.bulk_create(
        [
            BridgePoint(name=point_name(name), unit_id=unit_id)
            for unit_id, name in missing
            if unit_id not in revive
        ],
        batch_size=BATCH_SIZE,
    )
    return GenerateResult(
        created=len(missing) - len(revive),
        reactivated=len(revive),
        already=total - len(missing),
    )
