"""The administrative tree: seeding today's list, placing units, matching codes."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from vietnam_provinces import Province, Ward

from ..models import AdministrativeUnit

Level = AdministrativeUnit.Level

# The two-tier list published by vietnam-provinces took effect on this day.
CURRENT_LIST_VALID_FROM = date(2025, 7, 1)
NATION_CODE = "VN"
LEVEL_DEPTH = {Level.NATION: 0, Level.PROVINCE: 1, Level.DISTRICT: 2, Level.COMMUNE: 3}


def place_unit(unit: AdministrativeUnit, parent: AdministrativeUnit | None) -> None:
    unit.parent = parent
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0


def repath_descendants(units: list[AdministrativeUnit]) -> None:
    """Re-derive the paths below units that moved, one query per level of the tree."""
    frontier = {unit.pk: unit for unit in units}
    while frontier:
        children = list(AdministrativeUnit.objects.filter(parent_id__in=frontier))
        for child in children:
            place_unit(child, frontier[child.parent_id])
        AdministrativeUnit.objects.bulk_update(children, ["path", "depth"], batch_size=1000)
        frontier = {child.pk: child for child in children}


# Official codes have a fixed width; Excel turns "08773" into the number 8773.
CODE_WIDTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}


def official_code(text: str, level: str | None) -> str:
    width = CODE_WIDTH.get(level)
    return text.zfill(width) if width and text.isdigit() else text


def code_key(text: str) -> str:
    """A code compared without its leading zeros, whatever width it was written in."""
    return (text.lstrip("0") or "0") if text.isdigit() else text


def code_variants(codes: set[str]) -> set[str]:
    return codes | {official_code(code, level) for code in codes for level in CODE_WIDTH}


def prefer_exact(candidates: list, code: str) -> list:
    """Among units matched without leading zeros, those written exactly so, if any.

    "01" (Hà Nội) and "001" (Ba Đình) are both "1" once the zeros go; the zeros decide.
    """
    exact = [candidate for candidate in candidates if candidate.code == code]
    return exact or candidates


def insert_units(units: list[AdministrativeUnit], parents: list[AdministrativeUnit]) -> None:
    """Insert units in two statements: the rows, then their paths (which need the keys)."""
    for unit, parent in zip(units, parents, strict=True):
        unit.parent, unit.path = parent, "/"
    created = AdministrativeUnit.objects.bulk_create(units)
    for unit, parent in zip(created, parents, strict=True):
        place_unit(unit, parent)
    AdministrativeUnit.objects.bulk_update(created, ["path", "depth"], batch_size=1000)


def ensure_nation() -> AdministrativeUnit:
    nation = AdministrativeUnit.objects.filter(
        level=Level.NATION, code=NATION_CODE, valid_until__isnull=True
    ).first()
    if nation is None:
        nation = AdministrativeUnit(
            level=Level.NATION, code=NATION_CODE, name="Việt Nam", division_type="quốc gia"
        )
        insert_units([nation], [None])
    return nation


@dataclass(frozen=True)
class SeedResult:
    created: int
    updated: int


@transaction.atomic
def seed_current_units() -> SeedResult:
    """Bring today's official provinces and communes in; idempotent, a fixed query count."""
    nation = ensure_nation()
    provinces_created, provinces_updated = _upsert_current(
        Level.PROVINCE,
        [
            (f"{p.code.value:02d}", p.name, p.division_type.value, nation)
            for p in Province.iter_all()
        ],
    )
    provinces = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.filter(
            level=Level.PROVINCE, valid_until__isnull=True
        )
    }
    communes_created, communes_updated = _upsert_current(
        Level.COMMUNE,
        [
            (
                f"{w.code.value:05d}",
                w.name,
                w.division_type.value,
                provinces[f"{w.province_code.value:02d}"],
            )
            for w in Ward.iter_all()
        ],
    )
    return SeedResult(
        created=provinces_created + communes_created,
        updated=provinces_updated + communes_updated,
    )


def _upsert_current(
    level: str, entries: list[tuple[str, str, str, AdministrativeUnit]]
) -> tuple[int, int]:
    """Insert the units of a level that are new and update those that changed, matched by
    code among today's units; returns how many were created and how many updated."""
    existing = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.filter(level=level, valid_until__isnull=True)
    }
    new_units, new_parents, changed = [], [], []
    for code, name, division_type, parent in entries:
        unit = existing.get(code)
        if unit is None:
            new_units.append(
                AdministrativeUnit(
                    level=level,
                    code=code,
                    name=name,
                    division_type=division_type,
                    valid_from=CURRENT_LIST_VALID_FROM,
                )
            )
            new_parents.append(parent)
        elif (unit.name, unit.division_type, unit.parent_id) != (name, division_type, parent.pk):
            unit.name, unit.division_type = name, division_type
            place_unit(unit, parent)
            changed.append(unit)
    insert_units(new_units, new_parents)
    AdministrativeUnit.objects.bulk_update(
        changed, ["name", "division_type", "parent", "path", "depth"], batch_size=1000
    )
    return len(new_units), len(changed)


@transaction.atomic
def save_unit(*, unit: AdministrativeUnit) -> AdministrativeUnit:
    """Save one unit edited by hand, re-rooting its subtree when its parent changed."""
    old_path = unit.path if unit.pk else ""
    if not unit.pk:
        unit.path = "/"
        unit.full_clean()
        unit.save()
    place_unit(unit, unit.parent)
    unit.full_clean()
    unit.save()
    if old_path and old_path != unit.path:
        repath_descendants([unit])
    return unit
