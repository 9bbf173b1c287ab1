from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from common.api import BoundedPageNumberPagination, Id

from . import selectors
from .models import AdministrativeUnit

router = Router(tags=["directory"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: AdministrativeUnit.Level
    division_type: str
    parent_id: int | None
    valid_from: date | None
    valid_until: date | None


class AgencyOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")


class PersonOut(Schema):
    id: int
    full_name: str
    position: str
    agency_id: int
    agency_name: str = Field(alias="agency.name")
    unit_name: str = Field(alias="agency.unit.name")
    email: str
    phone: str


class MeOut(Schema):
    username: str
    national: bool
    roles: list[str]
    unit_ids: list[int]
    person_id: int | None


@router.get("/me", response=MeOut, summary="The caller and their scope")
def me(request: HttpRequest) -> MeOut:
    scope = selectors.scope_for(request.user)
    unit_ids = [int(path.strip("/").split("/")[-1]) for path in scope.unit_paths]
    return MeOut(
        username=request.user.get_username(),
        national=scope.national,
        roles=sorted(scope.roles),
        unit_ids=unit_ids,
        person_id=scope.person_id,
    )


@router.get("/units", response=list[UnitOut], summary="Administrative units in scope")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_units(
    request: HttpRequest,
    parent: Id | None = None,
    level: AdministrativeUnit.Level | None = None,
    q: str = "",
    on: date | None = None,
    include_former: bool = False,
) -> object:
    day = None if include_former else (on or timezone.localdate())
    if not selectors.scope_for(request.user).is_staff:
        return AdministrativeUnit.objects.none()
    units = selectors.units_for(request.user, on=day)
    if parent is not None:
        units = units.filter(parent_id=parent)
    if level is not None:
        units = units.filter(level=level)
    if q:
        units = units.filter(name__icontains=q)
    return units


@router.get("/units/{unit_id}", response=UnitOut, summary="One administrative unit")
def get_unit(request: HttpRequest, unit_id: int) -> AdministrativeUnit:
    return selectors.get_unit_for(request.user, unit_id)


@router.get("/agencies", response=list[AgencyOut], summary="Agencies in scope")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_agencies(request: HttpRequest, unit: Id | None = None, q: str = "") -> object:
    agencies = selectors.agencies_for(request.user)
    if unit is not None:
        agencies = agencies.filter(
            unit__path__startswith=selectors.get_unit_for(request.user, unit).path
        )
    if q:
        agencies = agencies.filter(name__icontains=q)
    return agencies


@router.get("/people", response=list[PersonOut], summary="People in scope")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_people(
    request: HttpRequest, q: str = "", unit: Id | None = None, agency: Id | None = None
) -> object:
    return selectors.search_people(
        selectors.people_for(request.user),
        query=q,
        unit=selectors.get_unit_for(request.user, unit) if unit is not None else None,
        agency_id=selectors.get_agency_for(request.user, agency).pk if agency else None,
    )


@router.get("/people/{person_id}", response=PersonOut, summary="One person")
def get_person(request: HttpRequest, person_id: int) -> object:
    return selectors.get_person_for(request.user, person_id)
