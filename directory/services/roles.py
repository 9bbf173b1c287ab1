"""Staff roles, from the web and in bulk: who may give what to whom.

An organiser gives only what they hold: a provincial organiser's grants and revocations stay
inside their province's subtree and never reach the nation. Every grant and revocation
leaves a RoleChange row, which outlives the assignment.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import AdministrativeUnit, Person, RoleAssignment, RoleChange
from ..selectors import Scope
from ..signals import role_revoked
from .staff import Role, invite_person, require_organiser


@dataclass(frozen=True)
class Grant:
    user: AbstractBaseUser
    role: str
    unit: AdministrativeUnit | None


def _users_in_scope(scope: Scope, user_ids: Iterable[int]) -> set[int]:
    """Of these accounts, those the scope reaches: through their person or a role held."""
    user_ids = set(user_ids)
    if scope.national:
        return user_ids
    through_person = Person.objects.filter(
        scope.units_q("agency__unit__"), user_id__in=user_ids
    ).values_list("user_id", flat=True)
    through_role = RoleAssignment.objects.filter(
        scope.units_q("unit__"), user_id__in=user_ids
    ).values_list("user_id", flat=True)
    return set(through_person) | set(through_role)


@dataclass(frozen=True)
class _Refusal:
    message: str
    # Beyond the actor's reach (PermissionDenied) rather than a bad choice (ValidationError).
    out_of_scope: bool = False


def _grant_refusal(scope: Scope, grant: Grant) -> _Refusal | None:
    beyond = _Refusal(_("You cannot grant a role beyond your own scope."), out_of_scope=True)
    if grant.role not in Role.values:
        return _Refusal(_("Choose a role."))
    if grant.unit is None:
        if grant.role == Role.COORDINATOR:
            return _Refusal(_("A coordinator's role needs the unit of their bridge points."))
        return None if scope.national else beyond
    if not scope.covers_unit(grant.unit):
        return beyond
    if grant.unit.valid_until is not None:
        return _Refusal(
            _("%(unit)s is a former unit (until %(day)s): grant the role at a unit of today.")
            % {"unit": grant.unit.name, "day": grant.unit.valid_until.strftime("%d/%m/%Y")}
        )
    return None


def _audit(actor: AbstractBaseUser, assignments: list, action: str, reason: str = "") -> None:
    RoleChange.objects.bulk_create(
        [
            RoleChange(
                actor=actor,
                user_id=assignment.user_id,
                username=assignment.user.get_username(),
                role=assignment.role,
                unit_id=assignment.unit_id,
                action=action,
                reason=reason[:300],
            )
            for assignment in assignments
        ]
    )


def _key(grant: Grant) -> tuple[int, str, int | None]:
    return (grant.user.pk, grant.role, grant.unit.pk if grant.unit is not None else None)


def _grant_all(
    actor: AbstractBaseUser, grants: list[Grant], reason: str
) -> tuple[list[RoleAssignment], int, dict[int, _Refusal]]:
    """(the assignment of each grant, how many are new, refusals by index)."""
    scope = require_organiser(actor)
    refusals: dict[int, _Refusal] = {}
    reachable = _users_in_scope(scope, {grant.user.pk for grant in grants})
    for index, grant in enumerate(grants):
        refusal = _grant_refusal(scope, grant)
        if refusal is None and grant.user.pk not in reachable:
            refusal = _Refusal(_("This account is outside your area."), out_of_scope=True)
        if refusal is not None:
            refusals[index] = refusal
    if refusals:
        return [], 0, refusals
    keys = {_key(grant) for grant in grants}
    unit_ids = {key[2] for key in keys}
    units_q = Q(unit_id__in=unit_ids - {None})
    if None in unit_ids:
        units_q |= Q(unit__isnull=True)
    held = RoleAssignment.objects.filter(
        units_q, user_id__in={key[0] for key in keys}, role__in={key[1] for key in keys}
    )
    existing = {(a.user_id, a.role, a.unit_id): a for a in held}
    new: list[RoleAssignment] = []
    for grant in grants:
        if _key(grant) not in existing:
            assignment = RoleAssignment(
                user=grant.user, role=grant.role, unit=grant.unit, granted_by=actor
            )
            existing[_key(grant)] = assignment
            new.append(assignment)
    RoleAssignment.objects.bulk_create(new, batch_size=1000)
    _audit(actor, new, RoleChange.Action.GRANTED, reason)
    return [existing[_key(grant)] for grant in grants], len(new), {}


@transaction.atomic
def grant_roles(*, actor: AbstractBaseUser, grants: list[Grant], reason: str = "") -> int:
    """Grant every role or none, in a fixed number of queries; idempotent (a role already
    held is left as it is). Returns how many were new. Refusals are a ValidationError keyed
    by row index (from 0)."""
    _assignments, created, refusals = _grant_all(actor, grants, reason)
    if refusals:
        raise ValidationError({index: [r.message] for index, r in refusals.items()})
    return created


@transaction.atomic
def grant_role(
    *,
    actor: AbstractBaseUser,
    user: AbstractBaseUser,
    role: str,
    unit: AdministrativeUnit | None,
    reason: str = "",
) -> RoleAssignment:
    """Give an account a role over a unit's subtree (the nation when None), within the
    actor's own scope and at a unit of today; idempotent, audited."""
    assignments, _created, refusals = _grant_all(
        actor, [Grant(user=user, role=role, unit=unit)], reason
    )
    if refusals:
        refusal = refusals[0]
        if refusal.out_of_scope:
            raise PermissionDenied(refusal.message)
        raise ValidationError(refusal.message)
    return assignments[0]


@transaction.atomic
def grant_role_to_person(
    *,
    actor: AbstractBaseUser,
    person: Person,
    role: str,
    unit: AdministrativeUnit | None,
    reason: str = "",
) -> RoleAssignment:
    """A person of the actor's area gets the role, and an account first if they have none."""
    user = invite_person(actor=actor, person=person)
    return grant_role(actor=actor, user=user, role=role, unit=unit, reason=reason)


@transaction.atomic
def revoke_role(*, actor: AbstractBaseUser, assignment: RoleAssignment, reason: str = "") -> None:
    """Take a role away, within the actor's own scope; audited. An organiser keeps at least
    one organiser role of their own, so no one locks themselves out by a slip."""
    scope = require_organiser(actor)
    if assignment.unit_id is None:
        if not scope.national:
            raise PermissionDenied(_("You cannot revoke a role beyond your own scope."))
    elif not scope.covers_unit(assignment.unit):
        raise PermissionDenied(_("You cannot revoke a role beyond your own scope."))
    if assignment.user_id == actor.pk and assignment.role == Role.ORGANISER:
        others = (
            RoleAssignment.objects.select_for_update()
            .filter(user_id=actor.pk, role=Role.ORGANISER)
            .exclude(pk=assignment.pk)
        )
        if not others.exists():
            raise ValidationError(_("You cannot revoke your own last organiser role."))
    deleted, _counts = RoleAssignment.objects.filter(pk=assignment.pk).delete()
    if deleted:
        _audit(actor, [assignment], RoleChange.Action.REVOKED, reason)
        role_revoked.send(sender=RoleAssignment, assignment=assignment, actor=actor)
