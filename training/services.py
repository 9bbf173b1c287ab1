"""Every change to programmes and their materials goes through these functions."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from directory.models import AdministrativeUnit
from directory.selectors import scope_for

from .models import Material, Programme, ReformArea


def _require_organiser_of(actor: AbstractBaseUser, unit: AdministrativeUnit) -> None:
    scope = scope_for(actor)
    if not scope.is_organiser:
        raise PermissionDenied(_("Only organisers can manage programmes."))
    if not scope.covers_unit(unit):
        raise ValidationError({"unit": _("This unit is outside your scope.")})


@transaction.atomic
def create_programme(
    *,
    actor: AbstractBaseUser,
    title: str,
    code: str,
    year: int,
    unit: AdministrativeUnit,
    issuing_body: str,
    reform_area_numbers: Iterable[int],
    description: str = "",
    required_sessions: int | None = None,
    min_minutes_present: int = 0,
    require_on_time: bool = False,
    require_survey: bool = False,
) -> Programme:
    """Create a programme in the organiser's scope, tied to reform areas of Resolution 76."""
    _require_organiser_of(actor, unit)
    numbers = set(reform_area_numbers)
    areas = list(ReformArea.objects.filter(number__in=numbers))
    programme = Programme(
        title=title,
        code=code,
        year=year,
        unit=unit,
        issuing_body=issuing_body,
        description=description,
        required_sessions=required_sessions,
        min_minutes_present=min_minutes_present,
        require_on_time=require_on_time,
        require_survey=require_survey,
        created_by=actor,
    )
    errors = {}
    try:
        programme.full_clean()
    except ValidationError as error:
        errors = error.message_dict
    if not numbers or len(areas) != len(numbers):
        errors.setdefault("reform_areas", []).append(
            _("Choose one or more of the six reform areas (1 to 6).")
        )
    if errors:
        raise ValidationError(errors)
    programme.save()
    programme.reform_areas.set(areas)
    return programme


@transaction.atomic
def add_material(
    *,
    actor: AbstractBaseUser,
    programme: Programme,
    title: str,
    kind: str = Material.Kind.OTHER,
    url: str = "",
    file: UploadedFile | None = None,
    document_number: str = "",
    issued_on: object = None,
) -> Material:
    """Attach a legal document or material to a programme: an uploaded file or a link."""
    _require_organiser_of(actor, programme.unit)
    if not url and file is None:
        raise ValidationError({"url": _("Give a link or upload a file.")})
    material = Material(
        programme=programme,
        title=title,
        kind=kind,
        url=url,
        document_number=document_number,
        issued_on=issued_on,
        position=programme.materials.count(),
    )
    if file is not None:
        material.file = file
    material.full_clean()
    material.save()
    return material
