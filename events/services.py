"""Every change to bridge points goes through these functions."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from directory.models import RoleAssignment
from directory.services import grant_role

from .models import BridgePoint


@transaction.atomic
def assign_coordinator(
    *, point: BridgePoint, user: AbstractBaseUser, granted_by: AbstractBaseUser | None = None
) -> None:
    """Make a user a coordinator of a point, with the directory scope of its unit; idempotent."""
    grant_role(
        user=user, role=RoleAssignment.Role.COORDINATOR, unit=point.unit, granted_by=granted_by
    )
    point.coordinators.add(user)
