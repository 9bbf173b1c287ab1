"""Reads of programmes, through the caller's scope."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from directory.models import AdministrativeUnit
from directory.selectors import AnyUser, scope_for

from .access import can_read_materials
from .models import Material, Programme


def programmes_for(user: AnyUser) -> QuerySet[Programme]:
    """Programmes an organiser's scope reaches; staff of a point see every programme whose
    sessions they receive through the sessions selector instead."""
    scope = scope_for(user)
    programmes = Programme.objects.select_related("unit").prefetch_related("reform_areas")
    if scope.is_organiser:
        return programmes.filter(scope.units_q("unit__"))
    return programmes.none()


def get_programme_for(user: AnyUser, programme_id: int) -> Programme:
    programme = programmes_for(user).filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return programme


def filter_programmes(
    programmes: QuerySet[Programme],
    *,
    query: str = "",
    year: int | None = None,
    status: str = "",
) -> QuerySet[Programme]:
    if query:
        programmes = programmes.filter(
            Q(title__icontains=query) | Q(code__icontains=query) | Q(issuing_body__icontains=query)
        )
    if year is not None:
        programmes = programmes.filter(year=year)
    if status:
        programmes = programmes.filter(status=status)
    return programmes


def programmes_with_counts(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.annotate(material_count=Count("materials", distinct=True))


def programme_years(programmes: QuerySet[Programme]) -> list[int]:
    return list(programmes.order_by("-year").values_list("year", flat=True).distinct())


def programme_units_for(user: AnyUser) -> QuerySet[AdministrativeUnit]:
    """The units an organiser may give a new programme: the nation for the national
    organiser, the roots of their scope (their province) for the others."""
    scope = scope_for(user)
    units = AdministrativeUnit.objects.order_by("depth", "name")
    if not scope.is_organiser:
        return units.none()
    if scope.national:
        return units.filter(level=AdministrativeUnit.Level.NATION)
    return units.filter(path__in=scope.unit_paths)


def materials_of(programme: Programme) -> QuerySet[Material]:
    return programme.materials.all()


def get_material_for(user: AnyUser, programme: Programme, material_id: int) -> Material:
    """A material of a programme the caller manages (the programme already checked)."""
    material = programme.materials.filter(pk=material_id).first()
    if material is None:
        raise Http404
    return material


def get_material_to_read(user: AnyUser, material_id: int) -> Material:
    """A material's file for a signed-in reader: staff whose scope covers its programme, or
    whom another app vouches for (see training.access); anyone else gets a 404."""
    material = (
        Material.objects.select_related("programme__unit")
        .exclude(file="")
        .filter(pk=material_id)
        .first()
    )
    if material is None or not can_read_materials(user, material.programme):
        raise Http404
    return material
