"""Agencies: those made by imports from a bare name, their correction, and merging duplicates.

A merge moves every row that points at the duplicate, in this app or any app above it, found
through the model's relations rather than a list: a table added later moves too.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from ..models import AdministrativeUnit, Agency
from ..selectors import scope_for


def ensure_agencies(*, wanted: set[tuple[int, str]]) -> tuple[dict[tuple[int, str], Agency], int]:
    """The agency of each (unit id, name), made when missing and marked for review (an
    import knows only the name, so its kind is a guess), and how many were made. Two
    queries whatever the count."""
    if not wanted:
        return {}, 0
    found = {
        (agency.unit_id, agency.name): agency
        for agency in Agency.objects.filter(
            unit_id__in={unit_id for unit_id, _name in wanted},
            name__in={name for _unit, name in wanted},
        )
    }
    missing = [
        Agency(unit_id=unit_id, name=name, needs_review=True)
        for unit_id, name in sorted(wanted - found.keys())
    ]
    for agency in Agency.objects.bulk_create(missing):
        found[(agency.unit_id, agency.name)] = agency
    return {key: found[key] for key in wanted}, len(missing)


def _require_organiser_over(actor: AbstractBaseUser, *agencies: Agency) -> None:
    scope = scope_for(actor)
    if not scope.is_organiser or not all(scope.covers_unit(a.unit) for a in agencies):
        raise PermissionDenied(_("This agency is outside your area."))


@transaction.atomic
def update_agency(
    *,
    actor: AbstractBaseUser,
    agency: Agency,
    name: str,
    kind: str,
    parent: Agency | None = None,
) -> Agency:
    """Correct an agency's name, kind and parent; it no longer needs review."""
    _require_organiser_over(actor, agency, *([parent] if parent is not None else []))
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter the agency's name.")
    elif Agency.objects.filter(unit_id=agency.unit_id, name=name).exclude(pk=agency.pk).exists():
        errors["name"] = _(
            "Another agency of this unit already bears this name: merge the two instead."
        )
    if kind not in Agency.Kind.values:
        errors["kind"] = _("Choose a kind.")
    if parent is not None and _is_within(parent, agency):
        errors["parent"] = _("An agency cannot be part of itself or of one of its departments.")
    if errors:
        raise ValidationError(errors)
    agency.name, agency.kind, agency.parent = name, kind, parent
    agency.needs_review = False
    agency.full_clean()
    agency.save(update_fields=["name", "kind", "parent", "needs_review", "updated_at"])
    return agency


def _is_within(candidate: Agency, agency: Agency) -> bool:
    """Whether `candidate` is `agency` or lies below it (a cycle if made its parent)."""
    seen: set[int] = set()
    current: Agency | None = candidate
    while current is not None and current.pk not in seen:
        if current.pk == agency.pk:
            return True
        seen.add(current.pk)
        current = (
            Agency.objects.only("pk", "parent_id").filter(pk=current.parent_id).first()
            if current.parent_id
            else None
        )
    return False


@dataclass(frozen=True)
class Reference:
    """One kind of row that points at an agency: its table and the field that points."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def rows(self, agency: Agency) -> models.QuerySet:
        return self.model._base_manager.filter(**{self.field.name: agency})


def agency_references() -> list[Reference]:
    """Every foreign key to Agency, in any app, including many-to-many tables."""
    found = []
    for relation in Agency._meta.related_objects:
        if relation.many_to_many:
            field = relation.field
            through = field.remote_field.through
            pointing = through._meta.get_field(field.m2m_reverse_field_name())
            found.append(Reference(through, pointing))
        else:
            found.append(Reference(relation.related_model, relation.field))
    return found


@dataclass(frozen=True)
class MergeLine:
    label: str
    count: int


def merge_preview(*, duplicate: Agency) -> list[MergeLine]:
    """What a merge would move from the duplicate: a count per kind of row (one query each)."""
    return [
        MergeLine(label=reference.label, count=reference.rows(duplicate).count())
        for reference in agency_references()
    ]


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[list[str], Q | None]]:
    """The other fields that, with `field_name`, must be unique (and when)."""
    meta = model._meta
    sets: list[tuple[list[str], Q | None]] = []
    if meta.get_field(field_name).unique:
        sets.append(([], None))
    for together in meta.unique_together:
        if field_name in together:
            sets.append(([name for name in together if name != field_name], None))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field_name in constraint.fields:
            others = [name for name in constraint.fields if name != field_name]
            sets.append((others, constraint.condition))
    return sets


def _drop_collisions(reference: Reference, duplicate: Agency, survivor: Agency) -> int:
    """Delete the duplicate's rows that would repeat one of the survivor's under a unique
    constraint (the agency invited twice to one point): the survivor's row is kept."""
    dropped = 0
    for others, condition in _unique_sets(reference.model, reference.field.name):
        attnames = [reference.model._meta.get_field(name).attname for name in others]
        kept = reference.rows(survivor)
        moving = reference.rows(duplicate)
        if condition is not None:
            kept, moving = kept.filter(condition), moving.filter(condition)
        if attnames:
            taken = set(kept.values_list(*attnames))
            colliding = [
                pk for pk, *values in moving.values_list("pk", *attnames) if tuple(values) in taken
            ]
        else:
            colliding = list(moving.values_list("pk", flat=True)) if kept.exists() else []
        if colliding:
            dropped += len(colliding)
            reference.model._base_manager.filter(pk__in=colliding).delete()
    return dropped


def check_merge(*, actor: AbstractBaseUser, duplicate: Agency, survivor: Agency) -> None:
    """Refuses a merge the actor may not make: outside their area, into itself, or across
    provinces."""
    _require_organiser_over(actor, duplicate, survivor)
    if duplicate.pk == survivor.pk:
        raise ValidationError({"survivor": _("Choose another agency to keep: not this one.")})
    if AdministrativeUnit.province_id_in(duplicate.unit.path) != AdministrativeUnit.province_id_in(
        survivor.unit.path
    ):
        raise ValidationError(
            {"survivor": _("Choose an agency of the same province as the one merged into it.")}
        )


@transaction.atomic
def merge_agencies(
    *, actor: AbstractBaseUser, duplicate: Agency, survivor: Agency
) -> dict[str, int]:
    """Move everything that points at the duplicate to the survivor, then delete the
    duplicate; all or nothing. Returns how many rows moved, by table."""
    check_merge(actor=actor, duplicate=duplicate, survivor=survivor)
    # Lock both, so two organisers merging at once cannot move rows to a deleted agency.
    locked = Agency.objects.select_for_update().filter(pk__in=[duplicate.pk, survivor.pk])
    if len(locked) != 2:
        raise ValidationError(_("One of the two agencies no longer exists: reload the page."))
    if survivor.parent_id == duplicate.pk:
        survivor.parent_id = duplicate.parent_id
        survivor.save(update_fields=["parent", "updated_at"])
    moved: dict[str, int] = {}
    try:
        for reference in agency_references():
            _drop_collisions(reference, duplicate, survivor)
            count = reference.rows(duplicate).update(**{reference.field.name: survivor})
            if count:
                moved[reference.label] = count
        duplicate.delete()
    except ProtectedError as error:
        # A repeated row that other records still point at: nothing is merged.
        raise ValidationError(
            _("These two agencies cannot be merged here: some of their records overlap.")
        ) from error
    return moved
