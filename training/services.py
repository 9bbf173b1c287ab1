"""Every change to programmes and their materials goes through these functions."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import AdministrativeUnit
from directory.selectors import scope_for

from .models import Material, Programme, ReformArea
from .signals import programme_closed


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


@transaction.atomic
def set_completion_rule(
    *,
    actor: AbstractBaseUser,
    programme: Programme,
    required_sessions: int | None,
    min_minutes_present: int,
    require_on_time: bool,
    require_survey: bool,
) -> Programme:
    """Set or change what completing the programme takes; the next collation applies it."""
    _require_organiser_of(actor, programme.unit)
    if required_sessions is not None and required_sessions < 1:
        raise ValidationError({"required_sessions": _("Require at least one session.")})
    programme.required_sessions = required_sessions
    programme.min_minutes_present = min_minutes_present
    programme.require_on_time = require_on_time
    programme.require_survey = require_survey
    programme.completion_rule_set_at = timezone.now()
    programme.save(
        update_fields=[
            "required_sessions",
            "min_minutes_present",
            "require_on_time",
            "require_survey",
            "completion_rule_set_at",
            "updated_at",
        ]
    )
    return programme


CERTIFICATE_DESIGN_FIELDS = (
    "issuing_body",
    "signer_name",
    "signer_title",
    "signing_place",
    "stamp_image",
    "signature_image",
)


@transaction.atomic
def set_certificate_design(
    *, actor: AbstractBaseUser, programme: Programme, **values: object
) -> Programme:
    """What new certificates of the programme show; certificates already issued keep theirs."""
    _require_organiser_of(actor, programme.unit)
    unknown = set(values) - set(CERTIFICATE_DESIGN_FIELDS)
    if unknown:
        raise TypeError(f"not certificate design fields: {sorted(unknown)}")
    for name, value in values.items():
        if value is not None:
            setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def close_programme(*, actor: AbstractBaseUser, programme: Programme) -> Programme:
    """Close a programme; its certificates are then collated (see `programme_closed`)."""
    _require_organiser_of(actor, programme.unit)
    if programme.status == Programme.Status.CLOSED:
        return programme
    programme.status = Programme.Status.CLOSED
    programme.save(update_fields=["status", "updated_at"])
    programme_closed.send(sender=Programme, programme=programme, actor=actor)
    return programme
