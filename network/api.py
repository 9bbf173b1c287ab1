"""The bridge-point network in the API: list, read, edit, generate and import points, within
the caller's organiser scope (a point outside it answers 404)."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate

from common.api import BoundedPageNumberPagination, Id
from directory.selectors import get_person_for, get_unit_for
from directory.spreadsheets import TableRejected
from events.models import BridgePoint

from . import selectors
from .services import generate, imports, points

router = Router(tags=["network"])


class NetworkPointOut(Schema):
    id: int
    name: str
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    unit_name: str = Field(alias="unit.name")
    room: str
    address: str
    capacity: int | None
    equipment_notes: str
    default_chair_id: int | None
    is_active: bool
    is_former: bool = Field(description="The point's unit ended before today (July 2025).")
    has_coordinator: bool

    @staticmethod
    def resolve_is_former(point: BridgePoint) -> bool:
        return point.unit.valid_until is not None

    @staticmethod
    def resolve_has_coordinator(point: BridgePoint) -> bool:
        found = getattr(point, "has_coordinator", None)
        return found if found is not None else point.coordinators.exists()


class PointFilterIn(Schema):
    q: str = Field("", max_length=100)
    province: Id | None = None
    status: Literal["", "active", "inactive", "former"] = ""
    coordinator: Literal["", "with", "without"] = ""


TEXT_FIELDS = ("room", "address", "equipment_notes")


class NetworkPointPatch(Schema):
    """Only the fields sent change; null clears a text or the capacity."""

    room: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    capacity: int | None = Field(None, ge=1, le=imports.MAX_CAPACITY)
    equipment_notes: str | None = Field(None, max_length=5000)
    default_chair_id: Id | None = None
    is_active: bool | None = None


class GenerateIn(Schema):
    within_id: Id | None = Field(None, description="A unit of today; null for the country.")
    level: Literal["province", "commune"]
    dry_run: bool = Field(False, description="Only count what would be created.")


class GenerateOut(Schema):
    created: int
    reactivated: int
    already: int = Field(description="Units that already had an active point.")
    saved: bool


class PointImportOut(Schema):
    rows: int
    created: int
    updated: int
    appointed: int
    people_created: int
    saved: bool


@router.get("/points", response=list[NetworkPointOut], summary="Bridge points in scope")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_points(request: HttpRequest, filters: Query[PointFilterIn]) -> object:
    province = get_unit_for(request.user, filters.province) if filters.province else None
    return selectors.filter_points(
        selectors.network_points_for(request.user),
        selectors.PointFilters(
            query=filters.q,
            province=province,
            status=filters.status,
            coordinator=filters.coordinator,
        ),
    )


@router.get("/points/{point_id}", response=NetworkPointOut, summary="A bridge point")
def get_point(request: HttpRequest, point_id: Id) -> BridgePoint:
    return selectors.get_network_point_for(request.user, point_id)


@router.patch("/points/{point_id}", response=NetworkPointOut, summary="Edit a bridge point")
def edit_point(request: HttpRequest, point_id: Id, data: NetworkPointPatch) -> BridgePoint:
    point = selectors.get_network_point_for(request.user, point_id)
    fields = data.dict(exclude_unset=True)
    active = fields.pop("is_active", None)
    # The text columns hold no null: a null sent for one of them clears it.
    for name in TEXT_FIELDS:
        if name in fields and fields[name] is None:
            fields[name] = ""
    if "default_chair_id" in fields:
        chair_id = fields.pop("default_chair_id")
        fields["default_chair"] = get_person_for(request.user, chair_id) if chair_id else None
    if fields:
        points.update_point(actor=request.user, point=point, **fields)
    if active is not None:
        points.set_point_active(actor=request.user, point=point, active=active)
    return point


@router.post(
    "/generate",
    response=GenerateOut,
    summary="A point at every province or commune of today, within a unit or the country",
    description="Idempotent: units that already have an active point are left alone. "
    "A provincial organiser must give a unit of their own scope.",
)
def generate_network(request: HttpRequest, data: GenerateIn) -> dict:
    within = get_unit_for(request.user, data.within_id) if data.within_id else None
    if data.dry_run:
        missing, already = generate.count_missing_points(
            actor=request.user, within=within, level=data.level
        )
        return {"created": missing, "reactivated": 0, "already": already, "saved": False}
    result = generate.generate_points(actor=request.user, within=within, level=data.level)
    return {**result.__dict__, "saved": True}


@router.post(
    "/import",
    response=PointImportOut,
    summary="Import bridge points from CSV or XLSX (multipart)",
    description="The columns of the template at /network/import/template.csv. With dry_run "
    "the file is checked and counted, nothing saved. A bad row refuses the whole file (400, "
    "`errors` keyed `row N: column`).",
)
def import_network(
    request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = False
) -> dict:
    try:
        result = imports.import_points(
            actor=request.user, file_name=file.name or "", content=file.read(), dry_run=dry_run
        )
    except TableRejected as rejected:
        errors: dict[str, list[str]] = {}
        for error in rejected.errors:
            errors.setdefault(f"row {error.row}: {error.column}", []).append(error.reason)
        raise ValidationError(errors) from rejected
    return {
        "rows": len(result.rows),
        "created": result.created,
        "updated": result.updated,
        "appointed": result.appointed,
        "people_created": result.people_created,
        "saved": result.saved,
    }
