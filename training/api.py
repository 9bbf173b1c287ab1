from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from common.api import BoundedPageNumberPagination
from directory.selectors import get_unit_for

from . import selectors, services
from .models import Material, Programme

router = Router(tags=["training"])

# Plain literals: enum classes would each be a named schema, and "Status" is taken.
ProgrammeStatus = Literal["active", "closed"]
MaterialKind = Literal["legal_document", "plan", "slides", "other"]


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
    print_programme_period: bool
    description: str
    completion_rule_set_at: datetime | None
    signer_name: str
    signer_title: str
    signing_place: str
    has_stamp_image: bool
    has_signature_image: bool
    updated_at: datetime

    @staticmethod
    def resolve_has_stamp_image(programme: Programme) -> bool:
        return bool(programme.stamp_image)

    @staticmethod
    def resolve_has_signature_image(programme: Programme) -> bool:
        return bool(programme.signature_image)


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
def list_programmes(
    request: HttpRequest,
    q: str = "",
    year: int | None = Query(None, ge=1, le=9999),
    status: ProgrammeStatus | None = None,
) -> object:
    return selectors.filter_programmes(
        selectors.programmes_for(request.user),
        query=q.strip(),
        year=year,
        status=status or "",
    )


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


class ProgrammeEditIn(Schema):
    title: str | None = None
    year: int | None = Field(None, ge=1, le=9999)
    issuing_body: str | None = None
    reform_areas: list[int] | None = None
    description: str | None = None
    status: ProgrammeStatus | None = None
    code: str | None = Field(
        None, description="Accepted only unchanged: certificate serials carry the code."
    )
    expected_updated_at: datetime | None = Field(
        None,
        description="The `updated_at` the caller last read; a programme changed since is "
        "refused rather than overwritten.",
    )


@router.patch("/programmes/{programme_id}", response=ProgrammeOut, summary="Edit a programme")
def edit_programme(request: HttpRequest, programme_id: int, data: ProgrammeEditIn) -> Programme:
    programme = selectors.get_programme_for(request.user, programme_id)
    if data.code is not None and data.code != programme.code:
        raise ValidationError(
            {"code": _("The code cannot be changed: certificate serial numbers carry it.")}
        )
    areas = data.reform_areas
    if areas is None:
        areas = [area.number for area in programme.reform_areas.all()]
    return services.update_programme(
        actor=request.user,
        programme=programme,
        title=programme.title if data.title is None else data.title,
        year=programme.year if data.year is None else data.year,
        issuing_body=programme.issuing_body if data.issuing_body is None else data.issuing_body,
        reform_area_numbers=areas,
        description=programme.description if data.description is None else data.description,
        status=data.status,
        expected_updated_at=data.expected_updated_at,
    )


class MaterialOut(Schema):
    id: int
    title: str
    kind: str
    document_number: str
    issued_on: date | None
    url: str
    file_name: str
    content_type: str
    size: int | None
    download_url: str | None = Field(description="Where signed-in readers download the file.")

    @staticmethod
    def resolve_download_url(material: Material) -> str | None:
        if not material.file:
            return None
        return reverse("training:material_file", args=[material.pk])


@router.get(
    "/programmes/{programme_id}/materials",
    response=list[MaterialOut],
    summary="A programme's materials",
)
def list_materials(request: HttpRequest, programme_id: int) -> object:
    programme = selectors.get_programme_for(request.user, programme_id)
    return selectors.materials_of(programme)


@router.post(
    "/programmes/{programme_id}/materials",
    response={201: MaterialOut},
    summary="Add a material: upload a file (multipart) or give a link",
    description="PDF, DOC(X), XLS(X), PPT(X), ODT/ODS/ODP, PNG or JPEG, within the size "
    "limit (MATERIAL_MAX_BYTES); a file whose content does not match its extension is "
    "refused (400) and nothing is stored.",
)
def add_material(
    request: HttpRequest,
    programme_id: int,
    title: Form[str],
    kind: Form[MaterialKind] = "other",
    document_number: Form[str] = "",
    issued_on: Form[date | None] = None,
    url: Form[str] = "",
    file: File[UploadedFile | None] = None,
) -> Status:
    programme = selectors.get_programme_for(request.user, programme_id)
    material = services.add_material(
        actor=request.user,
        programme=programme,
        title=title,
        kind=kind,
        url=url,
        file=file,
        document_number=document_number,
        issued_on=issued_on,
    )
    return Status(201, material)


@router.delete(
    "/programmes/{programme_id}/materials/{material_id}",
    response={204: None},
    summary="Delete a material",
)
def delete_material(request: HttpRequest, programme_id: int, material_id: int) -> Status:
    programme = selectors.get_programme_for(request.user, programme_id)
    material = selectors.get_material_for(request.user, programme, material_id)
    services.delete_material(actor=request.user, material=material)
    return Status(204, None)


class CompletionRuleIn(Schema):
    required_sessions: int | None = Field(
        None, ge=1, le=1000, description="Empty (null) to require every session."
    )
    min_minutes_present: int = Field(0, ge=0, le=services.MAX_MINUTES_PRESENT)
    require_on_time: bool = False
    require_survey: bool = False
    print_programme_period: bool = Field(
        False,
        description="Certificates give the programme's held days rather than the holder's.",
    )


@router.put(
    "/programmes/{programme_id}/completion-rule",
    response=ProgrammeOut,
    summary="Set the completion rule",
)
def set_completion_rule(
    request: HttpRequest, programme_id: int, data: CompletionRuleIn
) -> Programme:
    programme = selectors.get_programme_for(request.user, programme_id)
    return services.set_completion_rule(actor=request.user, programme=programme, **data.dict())


@router.post(
    "/programmes/{programme_id}/certificate-design",
    response=ProgrammeOut,
    summary="Set the certificate design (multipart; fields left out stay as they are)",
    description="Stamp and signature images: PNG or JPEG within MATERIAL_IMAGE_MAX_BYTES.",
)
def set_certificate_design(
    request: HttpRequest,
    programme_id: int,
    issuing_body: Form[str | None] = None,
    signing_place: Form[str | None] = None,
    signer_title: Form[str | None] = None,
    signer_name: Form[str | None] = None,
    remove_stamp_image: Form[bool] = False,
    remove_signature_image: Form[bool] = False,
    stamp_image: File[UploadedFile | None] = None,
    signature_image: File[UploadedFile | None] = None,
) -> Programme:
    programme = selectors.get_programme_for(request.user, programme_id)
    values: dict[str, object] = {
        "issuing_body": issuing_body,
        "signing_place": signing_place,
        "signer_title": signer_title,
        "signer_name": signer_name,
        "stamp_image": stamp_image or (False if remove_stamp_image else None),
        "signature_image": signature_image or (False if remove_signature_image else None),
    }
    return services.set_certificate_design(actor=request.user, programme=programme, **values)
