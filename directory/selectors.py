"""Reads of the directory, always through the caller's scope."""

from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from .models import AdministrativeUnit, Agency, Person, RoleAssignment, RoleChange

AnyUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Scope:
    """What part of the administrative tree a user may see.

    `national` sees everything; otherwise `unit_paths` are the roots of the subtrees in
    reach. An attendee with no staff role sees only their own person record.
    """

    national: bool = False
    unit_paths: tuple[str, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)
    person_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.national or bool(self.unit_paths)

    @property
    def is_organiser(self) -> bool:
        return RoleAssignment.Role.ORGANISER in self.roles

    @property
    def is_coordinator(self) -> bool:
        return RoleAssignment.Role.COORDINATOR in self.roles

    def units_q(self, prefix: str = "") -> Q:
        """A filter for rows whose unit (reached through `prefix`) lies in scope."""
        if self.national:
            return Q()
        if not self.unit_paths:
            return Q(pk__in=[])
        lookup = f"{prefix}path__startswith"
        return reduce(or_, (Q(**{lookup: path}) for path in self.unit_paths))

    def covers_unit(self, unit: AdministrativeUnit) -> bool:
        return self.national or any(unit.path.startswith(path) for path in self.unit_paths)


def scope_for(user: AnyUser) -> Scope:
    """The user's scope, read once per request and cached on the user object."""
    if not user.is_authenticated:
        return Scope()
    cached = getattr(user, "_directory_scope", None)
    if cached is not None:
        return cached
    assignments = list(
        RoleAssignment.objects.filter(user=user).select_related("unit").only("role", "unit__path")
    )
    roles = frozenset(assignment.role for assignment in assignments)
    national = user.is_superuser or any(
        a.role == RoleAssignment.Role.ORGANISER and a.unit_id is None for a in assignments
    )
    paths = tuple(sorted({a.unit.path for a in assignments if a.unit_id is not None}))
    if user.is_superuser:
        roles |= {RoleAssignment.Role.ORGANISER}
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    scope = Scope(
        national=national,
        unit_paths=() if national else _outermost(paths),
        roles=roles,
        person_id=person_id,
    )
    user._directory_scope = scope
    return scope


def _outermost(paths: tuple[str, ...]) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(root) for root in kept):
            kept.append(path)
    return tuple(sorted(kept))


def valid_during_q(start: date, end: date, prefix: str = "") -> Q:
    """A filter for units that existed on some day from `start` to `end`."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": start})
    )


def valid_on_q(day: date, prefix: str = "") -> Q:
    """A filter for units that existed on `day` (districts ended on 1 July 2025)."""
    return valid_during_q(day, day, prefix)


def units_for(user: AnyUser, *, on: date | None = None) -> QuerySet[AdministrativeUnit]:
    """Units in the user's scope, optionally only those valid on a given day."""
    units = AdministrativeUnit.objects.filter(scope_for(user).units_q())
    if on is not None:
        units = units.filter(valid_on_q(on))
    return units


def get_unit_for(user: AnyUser, unit_id: int) -> AdministrativeUnit:
    """The unit, or 404 when it does not exist or lies outside the user's scope."""
    unit = units_for(user).select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def unit_ancestors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    ancestors = AdministrativeUnit.objects.in_bulk(unit.ancestor_ids)
    return [ancestors[pk] for pk in unit.ancestor_ids if pk in ancestors]


def unit_children(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return unit.children.annotate(
        child_count=Count("children", distinct=True),
        agency_count=Count("agencies", distinct=True),
    )


def agencies_for(user: AnyUser) -> QuerySet[Agency]:
    return Agency.objects.filter(scope_for(user).units_q("unit__")).select_related("unit")


def get_agency_for(user: AnyUser, agency_id: int) -> Agency:
    agency = agencies_for(user).filter(pk=agency_id).first()
    if agency is None:
        raise Http404
    return agency


def people_for(user: AnyUser) -> QuerySet[Person]:
    """People the user may see: their scope's agencies, or only themselves."""
    scope = scope_for(user)
    people = Person.objects.select_related("agency", "agency__unit")
    if scope.is_staff:
        return people.filter(scope.units_q("agency__unit__"))
    if scope.person_id is not None:
        return people.filter(pk=scope.person_id)
    return people.none()


def get_person_for(user: AnyUser, person_id: int) -> Person:
    """The person, or 404: someone outside the scope is indistinguishable from no one."""
    person = people_for(user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def search_people(
    people: QuerySet[Person],
    *,
    query: str = "",
    unit: AdministrativeUnit | None = None,
    agency_id: int | None = None,
) -> QuerySet[Person]:
    if query:
        people = people.filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(phone__icontains=query)
            | Q(position__icontains=query)
        )
    if unit is not None:
        people = people.filter(agency__unit__path__startswith=unit.path)
    if agency_id is not None:
        people = people.filter(agency_id=agency_id)
    return people


def unit_level_counts(units: QuerySet[AdministrativeUnit]) -> dict[str, int]:
    """How many of the given units stand at each level, every level named."""
    counts = dict(units.order_by().values_list("level").annotate(n=Count("pk")))
    return {level: counts.get(level, 0) for level in AdministrativeUnit.Level.values}


def level_counts_for(user: AnyUser, *, on: date | None) -> dict[str, int]:
    return unit_level_counts(units_for(user, on=on))


def root_units_for(user: AnyUser, *, on: date | None) -> QuerySet[AdministrativeUnit]:
    """Where a user's browsing starts: the provinces valid on `on`, or the roots of their
    scope whatever their dates (a 2021 organiser's province may since have merged)."""
    scope = scope_for(user)
    units = AdministrativeUnit.objects.select_related("parent")
    if not scope.national:
        return units.filter(path__in=scope.unit_paths)
    units = units.filter(parent__level=AdministrativeUnit.Level.NATION)
    return units.filter(valid_on_q(on)) if on is not None else units


def agencies_in_unit(user: AnyUser, unit: AdministrativeUnit) -> QuerySet[Agency]:
    return agencies_for(user).filter(unit=unit).annotate(people_count=Count("people"))


def role_assignments_for(user: AnyUser) -> QuerySet[RoleAssignment]:
    """Roles held in the user's scope (national ones only for a national organiser), with
    what a list of them shows."""
    scope = scope_for(user)
    if not scope.is_organiser:
        return RoleAssignment.objects.none()
    return (
        RoleAssignment.objects.filter(scope.units_q("unit__"))
        .select_related("user", "user__person", "unit", "granted_by")
        .order_by("-created_at", "-pk")
    )


def get_role_assignment_for(user: AnyUser, assignment_id: int) -> RoleAssignment:
    assignment = role_assignments_for(user).filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    return assignment


def role_changes_for(user: AnyUser) -> QuerySet[RoleChange]:
    """Grants and revocations at units in the user's scope, newest first."""
    scope = scope_for(user)
    if not scope.is_organiser:
        return RoleChange.objects.none()
    return RoleChange.objects.filter(scope.units_q("unit__")).select_related(
        "actor", "user", "unit"
    )


def staff_users_for(user: AnyUser) -> QuerySet:
    """Accounts an organiser may give a role to: those whose person or a role lies in scope."""
    scope = scope_for(user)
    User = get_user_model()
    if not scope.is_organiser:
        return User.objects.none()
    if scope.national:
        return User.objects.filter(is_active=True)
    reached = Q(person__in=Person.objects.filter(scope.units_q("agency__unit__"))) | Q(
        role_assignments__in=RoleAssignment.objects.filter(scope.units_q("unit__"))
    )
    return User.objects.filter(reached, is_active=True).distinct()


def agencies_to_review(user: AnyUser) -> QuerySet[Agency]:
    return agencies_for(user).filter(needs_review=True)
