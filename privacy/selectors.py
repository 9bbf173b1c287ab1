"""Reads for organisers, always through their scope: the correction requests of people they
reach, the record of personal data exports, and who is told of a new request."""

from django.db.models import Q, QuerySet
from django.http import Http404

from directory.models import AdministrativeUnit, Person, PersonalDataExport, RoleAssignment
from directory.selectors import AnyUser, scope_for

from .models import CorrectionRequest


def corrections_for(user: AnyUser) -> QuerySet[CorrectionRequest]:
    """The requests of people in an organiser's scope; none for anyone else."""
    scope = scope_for(user)
    if not scope.is_organiser:
        return CorrectionRequest.objects.none()
    return CorrectionRequest.objects.filter(scope.units_q("person__agency__unit__")).select_related(
        "person__agency__unit", "answered_by"
    )


def requests_of(person: Person | None) -> list[CorrectionRequest]:
    """A person's own requests, newest first, as their page lists them."""
    if person is None:
        return []
    return list(CorrectionRequest.objects.filter(person=person)[:50])


def get_correction_for(user: AnyUser, request_id: int) -> CorrectionRequest:
    """The request, or 404: one about someone outside the scope is no one's."""
    request = corrections_for(user).filter(pk=request_id).first()
    if request is None:
        raise Http404
    return request


def exports_for(user: AnyUser) -> QuerySet[PersonalDataExport]:
    """Exports an organiser may read: those of data in their scope, and their own."""
    scope = scope_for(user)
    if not scope.is_organiser:
        return PersonalDataExport.objects.none()
    records = PersonalDataExport.objects.select_related("actor", "unit", "person")
    if scope.national:
        return records
    return records.filter(scope.units_q("unit__") | Q(actor=user))


def search_exports(
    records: QuerySet[PersonalDataExport], *, kind: str = "", actor: str = ""
) -> QuerySet[PersonalDataExport]:
    if kind:
        records = records.filter(kind=kind)
    if actor:
        records = records.filter(
            Q(actor__username__icontains=actor)
            | Q(actor__first_name__icontains=actor)
            | Q(actor__last_name__icontains=actor)
            | Q(actor__email__icontains=actor)
        )
    return records


def organiser_addresses(unit: AdministrativeUnit) -> list[str]:
    """The e-mail addresses of the organisers nearest to a unit: those of the deepest unit
    above it (or itself) that has any, else the national ones. A commune's request goes to
    its province's home affairs office, not to every organiser in the country."""
    paths = [unit.path[: index + 1] for index, char in enumerate(unit.path) if char == "/"][1:]
    assignments = (
        RoleAssignment.objects.filter(role=RoleAssignment.Role.ORGANISER, user__is_active=True)
        .filter(Q(unit__isnull=True) | Q(unit__path__in=paths))
        .exclude(user__email="")
        .values_list("unit__path", "user__email")
    )
    by_depth: dict[int, set[str]] = {}
    for path, address in assignments:
        by_depth.setdefault(len(path or ""), set()).add(address.lower())
    return sorted(by_depth[max(by_depth)]) if by_depth else []
