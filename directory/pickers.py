"""The JSON behind the pickers of units, agencies and people, within the caller's scope."""

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.params import id_or_none
from common.pickers import picker_results

from . import selectors
from .access import staff_required
from .models import AdministrativeUnit

LEVELS = set(AdministrativeUnit.Level.values)


def _within(request: HttpRequest, name: str) -> AdministrativeUnit | None:
    unit_id = id_or_none(request.GET.get(name))
    return selectors.units_for(request.user).filter(pk=unit_id).first() if unit_id else None


def _asked_for_unknown(request: HttpRequest, name: str, found: AdministrativeUnit | None) -> bool:
    """A unit was asked for but is not in reach: the answer is empty, not everything."""
    return found is None and bool(request.GET.get(name))


@staff_required
@require_GET
def pick_units(request: HttpRequest) -> JsonResponse:
    """?level= (province, district, commune), ?current=1 for today's units, ?within=<id>."""
    day = timezone.localdate() if request.GET.get("current") == "1" else None
    units = selectors.units_for(request.user, on=day).select_related("parent")
    levels = [level for level in request.GET.getlist("level") if level in LEVELS]
    if levels:
        units = units.filter(level__in=levels)
    within = _within(request, "within")
    if within is not None:
        units = units.filter(path__startswith=within.path)
    elif _asked_for_unknown(request, "within", within):
        units = units.none()

    def hint(unit: AdministrativeUnit) -> str:
        parts = [unit.parent.name] if unit.parent and unit.depth > 1 else []
        if unit.valid_until:
            parts.append(f"→ {unit.valid_until:%d/%m/%Y}")
        return " · ".join([*parts, unit.code])

    return picker_results(
        request, units.order_by("depth", "name"), hint=hint, search=("name", "code")
    )


@staff_required
@require_GET
def pick_agencies(request: HttpRequest) -> JsonResponse:
    """?unit=<id>: agencies of that unit and the units below it."""
    agencies = selectors.agencies_for(request.user)
    unit = _within(request, "unit")
    if unit is not None:
        agencies = agencies.filter(unit__path__startswith=unit.path)
    elif _asked_for_unknown(request, "unit", unit):
        agencies = agencies.none()
    return picker_results(
        request,
        agencies.order_by("name", "pk"),
        hint=lambda agency: agency.unit.name,
        search=("name", "code"),
    )


@staff_required
@require_GET
def pick_people(request: HttpRequest) -> JsonResponse:
    """People of the caller's scope, found by name, e-mail or phone."""
    people = selectors.people_for(request.user).filter(is_active=True)
    unit = _within(request, "unit")
    if unit is not None:
        people = people.filter(agency__unit__path__startswith=unit.path)
    elif _asked_for_unknown(request, "unit", unit):
        people = people.none()

    def hint(person: object) -> str:
        return " · ".join(part for part in (person.position, person.agency.name) if part)

    return picker_results(request, people, hint=hint, search=("full_name", "email", "phone"))
