from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from common.api import BoundedPageNumberPagination
from directory.selectors import get_unit_for

from . import selectors, services
from .models import Programme

router = Router(tags=["training"])


class ReformAreaOut(Schema):
    number: int
    name: str


class ProgrammeOut(Schema):
    id: int
    title: str
    code: str
    year: int
    unit_id: int
    issuing_body: str
    status: str
    reform_areas: list[ReformAreaOut]
    required_sessions: int | None
    min_minutes_present: int
    require_on_time: bool
    require_survey: bool


class ProgrammeIn(Schema):
    title: str
    code: str
    year: int
    unit_id: int
    issuing_body: str
    reform_areas: list[int]
    description: str = ""
    required_sessions: int | None = None
    min_minutes_present: int = 0
    require_on_time: bool = False
    require_survey: bool = False


@router.get("/programmes", response=list[ProgrammeOut], summary="Programmes in scope")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_programmes(request: HttpRequest, q: str = "", year: int | None = None) -> object:
    programmes = selectors.programmes_for(request.user)
    if q:
        programmes = programmes.filter(title__icontains=q)
    if year is not None:
        programmes = programmes.filter(year=year)
    return programmes


@router.post("/programmes", response={201: ProgrammeOut}, summary="Create a programme")
def create_programme(request: HttpRequest, data: ProgrammeIn) -> Status:
    fields = data.dict()
    unit = get_unit_for(request.user, fields.pop("unit_id"))
    areas = fields.pop("reform_areas")
    programme = services.create_programme(
        actor=request.user, unit=unit, reform_area_numbers=areas, **fields
    )
    return Status(201, programme)


@router.get("/programmes/{programme_id}", response=ProgrammeOut, summary="One programme")
def get_programme(request: HttpRequest, programme_id: int) -> Programme:
    return selectors.get_programme_for(request.user, programme_id)
