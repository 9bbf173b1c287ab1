"""Edits of one bridge point by an organiser: its room, its chair, whether it is in use."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from directory.models import Person
from directory.selectors import scope_for
from events.models import BridgePoint

EDITABLE = ("room", "address", "capacity", "equipment_notes", "default_chair")


def _require_organiser_over(actor: AbstractBaseUser, point: BridgePoint) -> None:
    scope = scope_for(actor)
    if not scope.is_organiser or not scope.covers_unit(point.unit):
        raise PermissionDenied(_("This unit is outside your scope."))


@transaction.atomic
def update_point(*, actor: AbstractBaseUser, point: BridgePoint, **fields: object) -> BridgePoint:
    """Change what an organiser may change of a point; other fields are refused."""
    _require_organiser_over(actor, point)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    chair = fields.get("default_chair")
    if isinstance(chair, Person) and not scope_for(actor).covers_unit(chair.agency.unit):
        raise PermissionDenied(_("This person is already registered by a unit outside your scope."))
    for name, value in fields.items():
        setattr(point, name, value)
    point.full_clean()
    point.save(update_fields=[*fields, "updated_at"])
    return point


@transaction.atomic
def set_point_active(*, actor: AbstractBaseUser, point: BridgePoint, active: bool) -> BridgePoint:
    """Take a point out of use or back; a point is never deleted, so its sessions keep it."""
    _require_organiser_over(actor, point)
    if point.is_active != active:
        point.is_active = active
        point.save(update_fields=["is_active", "updated_at"])
    return point
