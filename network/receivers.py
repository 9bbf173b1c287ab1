"""What the network does when the directory changes a role."""

from django.dispatch import receiver

from directory.models import RoleAssignment
from directory.signals import role_revoked
from events.models import BridgePoint

Coordinators = BridgePoint.coordinators.through


@receiver(role_revoked, dispatch_uid="network.withdraw_coordinated_points")
def withdraw_coordinated_points(
    sender: object, assignment: RoleAssignment, **kwargs: object
) -> None:
    """A coordinator whose role at a unit is revoked no longer keeps that unit's points:
    the point list would otherwise show a keeper who cannot open the roster."""
    if assignment.role != RoleAssignment.Role.COORDINATOR or assignment.unit_id is None:
        return
    Coordinators.objects.filter(
        user_id=assignment.user_id, bridgepoint__unit_id=assignment.unit_id
    ).delete()
