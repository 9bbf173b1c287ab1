"""Every change to programmes and their materials goes through these functions."""

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import AdministrativeUnit
from directory.selectors import scope_for

from .files import check_image, check_material_file
from .models import Material, Programme, ReformArea
from .signals import programme_closed

FIRST_YEAR = 2000
LAST_YEAR = 2100
# A session lasts at most a day; more minutes than that can never be met.
MAX_MINUTES_PRESENT = 24 * 60


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
    code = code.strip()
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
    errors = _programme_errors(programme, numbers, areas)
    if Programme.objects.filter(code__iexact=code).exists():
        errors.setdefault("code", []).append(_("Another programme already has this code."))
    if errors:
        raise ValidationError(errors)
    programme.save()
    programme.reform_areas.set(areas)
    return programme


def _programme_errors(
    programme: Programme, numbers: set[int], areas: list[ReformArea]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        programme.full_clean(exclude=["reform_areas"])
    except ValidationError as error:
        errors = error.message_dict
    if not FIRST_YEAR <= programme.year <= LAST_YEAR:
        errors.setdefault("year", []).append(
            _("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if not numbers or len(areas) != len(numbers):
        errors.setdefault("reform_areas", []).append(
            _("Choose one or more of the six reform areas (1 to 6).")
        )
    return errors


@transaction.atomic
def update_programme(
    *,
    actor: AbstractBaseUser,
    programme: Programme,
    title: str,
    year: int,
    issuing_body: str,
    reform_area_numbers: Iterable[int],
    description: str = "",
    status: str | None = None,
    expected_updated_at: datetime | None = None,
) -> Programme:
    """Change what a programme is called and covers. Its code never changes: certificate
    serials already printed carry it. Closing goes through `close_programme`, so its
    certificates are collated."""
    _require_organiser_of(actor, programme.unit)
    current = Programme.objects.select_for_update().get(pk=programme.pk)
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        raise ValidationError(
            _("This programme was changed by someone else since you opened it; reload the page.")
        )
    if status is not None and status not in Programme.Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    numbers = set(reform_area_numbers)
    areas = list(ReformArea.objects.filter(number__in=numbers))
    programme.title = title
    programme.year = year
    programme.issuing_body = issuing_body
    programme.description = description
    errors = _programme_errors(programme, numbers, areas)
    if errors:
        raise ValidationError(errors)
    programme.save(update_fields=["title", "year", "issuing_body", "description", "updated_at"])
    programme.reform_areas.set(areas)
    if status == Programme.Status.CLOSED and current.status != status:
        close_programme(actor=actor, programme=programme)
    elif status == Programme.Status.ACTIVE and current.status != status:
        programme.status = status
        programme.save(update_fields=["status", "updated_at"])
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
    issued_on: date | None = None,
) -> Material:
    """Attach a legal document or material to a programme: an uploaded file or a link. A
    file too large, of a type not accepted or whose content belies its name is refused
    before anything is stored."""
    _require_organiser_of(actor, programme.unit)
    if not url and file is None:
        raise ValidationError({"file": _("Upload a file or give a link.")})
    if url and file is not None:
        raise ValidationError({"url": _("Give either a file or a link, not both.")})
    material = Material(
        programme=programme,
        title=title,
        kind=kind,
        url=url,
        document_number=document_number,
        issued_on=issued_on,
        position=programme.materials.count(),
        created_by=actor,
    )
    if file is not None:
        try:
            material.content_type = check_material_file(file)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        material.file = file
        material.file_name = (file.name or "").rsplit("/", 1)[-1][-255:]
        material.size = file.size
    material.full_clean()
    material.save()
    return material


@transaction.atomic
def delete_material(*, actor: AbstractBaseUser, material: Material) -> None:
    """Remove a material; its stored file goes once the removal is committed."""
    _require_organiser_of(actor, material.programme.unit)
    stored = material.file.name if material.file else ""
    storage = material.file.storage
    material.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def set_completion_rule(
    *,
    actor: AbstractBaseUser,
    programme: Programme,
    required_sessions: int | None,
    min_minutes_present: int,
    require_on_time: bool,
    require_survey: bool,
    print_programme_period: bool = False,
) -> Programme:
    """Set or change what completing the programme takes; the next collation applies it."""
    _require_organiser_of(actor, programme.unit)
    if required_sessions is not None and required_sessions < 1:
        raise ValidationError({"required_sessions": _("Require at least one session.")})
    if not 0 <= min_minutes_present <= MAX_MINUTES_PRESENT:
        raise ValidationError(
            {
                "min_minutes_present": _("Give from 0 to %(max)s minutes.")
                % {"max": MAX_MINUTES_PRESENT}
            }
        )
    programme.required_sessions = required_sessions
    programme.min_minutes_present = min_minutes_present
    programme.require_on_time = require_on_time
    programme.require_survey = require_survey
    programme.print_programme_period = print_programme_period
    programme.completion_rule_set_at = timezone.now()
    programme.save(
        update_fields=[
            "required_sessions",
            "min_minutes_present",
            "require_on_time",
            "require_survey",
            "print_programme_period",
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
IMAGE_FIELDS = ("stamp_image", "signature_image")


@transaction.atomic
def set_certificate_design(
    *, actor: AbstractBaseUser, programme: Programme, **values: object
) -> Programme:
    """What new certificates of the programme show; certificates already issued keep theirs."""
    _require_organiser_of(actor, programme.unit)
    unknown = set(values) - set(CERTIFICATE_DESIGN_FIELDS)
    if unknown:
        raise TypeError(f"not certificate design fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    for name in IMAGE_FIELDS:
        value = values.get(name)
        if isinstance(value, UploadedFile):
            try:
                check_image(value)
            except ValidationError as error:
                errors[name] = error.messages
        elif value is False:
            # A form's "clear" box: the certificate is printed without this image.
            values[name] = ""
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        if value is not None:
            setattr(programme, name, value)
    programme.full_clean(exclude=["reform_areas"])
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
