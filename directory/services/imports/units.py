"""The import of a unit tree (e.g. the pre-2025 districts), keyed by level, code and end date."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import AdministrativeUnit, ImportRecord
from ...selectors import Scope, scope_for
from ...spreadsheets import RowError, Table, TableRejected, read_table
from ..tree import (
    LEVEL_DEPTH,
    Level,
    code_key,
    code_variants,
    ensure_nation,
    insert_units,
    official_code,
    place_unit,
    prefer_exact,
    repath_descendants,
)
from .shared import ImportResult, require_organiser, too_long

UNIT_COLUMNS = {
    "level": ("Cấp", "level"),
    "code": ("Mã", "code", "mã đơn vị"),
    "name": ("Tên", "name", "tên đơn vị"),
    "division_type": ("Loại", "division type", "division_type", "loại đơn vị"),
    "parent_code": ("Mã đơn vị cấp trên", "parent code", "parent_code", "mã cấp trên"),
    "valid_from": ("Hiệu lực từ", "valid from", "valid_from"),
    "valid_until": ("Hiệu lực đến", "valid until", "valid_until"),
}
LEVEL_ALIASES = {
    "tỉnh": Level.PROVINCE,
    "cấp tỉnh": Level.PROVINCE,
    "province": Level.PROVINCE,
    "huyện": Level.DISTRICT,
    "cấp huyện": Level.DISTRICT,
    "district": Level.DISTRICT,
    "xã": Level.COMMUNE,
    "cấp xã": Level.COMMUNE,
    "commune": Level.COMMUNE,
}
DATE_FORMATS = (r"^(\d{4})-(\d{2})-(\d{2})$", r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _parse_date(text: str) -> date:
    for position, pattern in enumerate(DATE_FORMATS):
        match = re.match(pattern, text)
        if match:
            parts = [int(part) for part in match.groups()]
            year, month, day = parts if position == 0 else parts[::-1]
            return date(year, month, day)
    raise ValueError(text)


@dataclass
class _UnitRow:
    number: int
    level: str
    code: str
    name: str
    division_type: str
    parent_code: str
    valid_from: date | None
    valid_until: date | None
    parent: "AdministrativeUnit | _UnitRow | None" = None
    unit: AdministrativeUnit | None = None

    @property
    def reference_day(self) -> date:
        return self.valid_until or self.valid_from or timezone.localdate()


@transaction.atomic
def import_units(*, actor: AbstractBaseUser, file_name: str, content: bytes) -> ImportResult:
    """Import a unit tree (e.g. the pre-2025 districts); all rows or none, keyed by code."""
    scope = scope_for(actor)
    require_organiser(scope)
    table = read_table(
        name=file_name,
        content=content,
        columns=UNIT_COLUMNS,
        required={"level", "code", "name"},
    )
    rows, errors = _read_unit_rows(table)
    errors += _repeated_units(rows)
    nation = ensure_nation()
    units_by_code = _known_units_by_code(rows)
    errors += _updates_outside_scope(rows, units_by_code, scope)
    errors += _attach_parents(rows, units_by_code, nation=nation, scope=scope)
    if errors:
        raise TableRejected(errors)
    return _save_unit_rows(actor=actor, file_name=file_name, rows=rows)


def _read_unit_rows(table: Table) -> tuple[list[_UnitRow], list[RowError]]:
    """The rows that passed their own checks, and the errors of those that did not."""
    rows: list[_UnitRow] = []
    errors: list[RowError] = []
    for number, values in table.rows:
        row, row_errors = _read_unit_row(number, values)
        errors += row_errors
        if row is not None:
            rows.append(row)
    return rows, errors


def _read_unit_row(number: int, values: dict[str, str]) -> tuple[_UnitRow | None, list[RowError]]:
    errors: list[RowError] = []
    level = LEVEL_ALIASES.get(values.get("level", "").lower())
    if level is None:
        errors.append(RowError(number, "Cấp", _("Use tỉnh, huyện or xã.")))
    if not values.get("code"):
        errors.append(RowError(number, "Mã", _("The code is required.")))
    if not values.get("name"):
        errors.append(RowError(number, "Tên", _("The name is required.")))
    for key, header in (("code", "Mã"), ("name", "Tên"), ("division_type", "Loại")):
        if too_long(values.get(key, ""), AdministrativeUnit, key):
            errors.append(RowError(number, header, _("This value is too long.")))
    dates, date_errors = _read_validity(number, values)
    errors += date_errors
    if level != Level.PROVINCE and level is not None and not values.get("parent_code"):
        errors.append(
            RowError(number, "Mã đơn vị cấp trên", _("A district or commune needs a parent."))
        )
    if errors:
        return None, errors
    row = _UnitRow(
        number=number,
        level=level,
        code=official_code(values["code"], level),
        name=values["name"],
        division_type=values.get("division_type", ""),
        parent_code=values.get("parent_code", ""),
        valid_from=dates.get("valid_from"),
        valid_until=dates.get("valid_until"),
    )
    return row, []


def _read_validity(
    number: int, values: dict[str, str]
) -> tuple[dict[str, date | None], list[RowError]]:
    errors: list[RowError] = []
    dates: dict[str, date | None] = {}
    for key, header in (("valid_from", "Hiệu lực từ"), ("valid_until", "Hiệu lực đến")):
        text = values.get(key, "")
        try:
            dates[key] = _parse_date(text) if text else None
        except ValueError:
            errors.append(
                RowError(number, header, _("Write the date as dd/mm/yyyy or yyyy-mm-dd."))
            )
    if (
        dates.get("valid_from")
        and dates.get("valid_until")
        and dates["valid_from"] > dates["valid_until"]
    ):
        errors.append(RowError(number, "Hiệu lực đến", _("Ends before it starts.")))
    return dates, errors


def _repeated_units(rows: list[_UnitRow]) -> list[RowError]:
    errors: list[RowError] = []
    seen: dict[tuple[str, str, date | None], int] = {}
    for row in rows:
        key = (row.level, row.code, row.valid_until)
        if key in seen:
            errors.append(
                RowError(row.number, "Mã", _("Repeats row %(row)s.") % {"row": seen[key]})
            )
        seen.setdefault(key, row.number)
    return errors


def _known_units_by_code(rows: list[_UnitRow]) -> dict[str, list[AdministrativeUnit]]:
    """The stored units the rows name, as themselves or as parents, by code_key."""
    units_by_code: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    codes = {row.parent_code for row in rows if row.parent_code} | {row.code for row in rows}
    for unit in AdministrativeUnit.objects.filter(code__in=code_variants(codes)):
        units_by_code[code_key(unit.code)].append(unit)
    return units_by_code


def _updates_outside_scope(
    rows: list[_UnitRow], units_by_code: dict[str, list[AdministrativeUnit]], scope: Scope
) -> list[RowError]:
    # A row that updates a unit must not reach into another organiser's subtree.
    errors: list[RowError] = []
    for row in rows:
        for unit in units_by_code.get(code_key(row.code), ()):
            same = (unit.level, unit.code, unit.valid_until) == (
                row.level,
                row.code,
                row.valid_until,
            )
            if same and not scope.covers_unit(unit):
                errors.append(RowError(row.number, "Mã", _("This unit is outside your scope.")))
    return errors


def _attach_parents(
    rows: list[_UnitRow],
    units_by_code: dict[str, list[AdministrativeUnit]],
    *,
    nation: AdministrativeUnit,
    scope: Scope,
) -> list[RowError]:
    """Set each row's parent, a stored unit or another row of the file, where exactly one fits."""
    rows_by_code: dict[str, list[_UnitRow]] = defaultdict(list)
    for row in rows:
        rows_by_code[code_key(row.code)].append(row)
    errors: list[RowError] = []
    for row in rows:
        if row.level == Level.PROVINCE:
            row.parent = nation
            if not scope.national:
                errors.append(
                    RowError(row.number, "Cấp", _("Only a national organiser can add provinces."))
                )
            continue
        candidates = _parent_candidates(row, rows_by_code, units_by_code)
        if len(candidates) != 1:
            errors.append(
                RowError(
                    row.number,
                    "Mã đơn vị cấp trên",
                    _("No unit with this code existed on %(day)s.")
                    % {"day": row.reference_day.strftime("%d/%m/%Y")}
                    if not candidates
                    else _("Several units have this code; give the validity dates."),
                )
            )
            continue
        row.parent = candidates[0]
        if isinstance(row.parent, AdministrativeUnit) and not scope.covers_unit(row.parent):
            errors.append(
                RowError(row.number, "Mã đơn vị cấp trên", _("This unit is outside your scope."))
            )
    return errors


def _parent_candidates(
    row: _UnitRow,
    rows_by_code: dict[str, list[_UnitRow]],
    units_by_code: dict[str, list[AdministrativeUnit]],
) -> list["AdministrativeUnit | _UnitRow"]:
    """Higher units with the parent code that existed on the row's day; the file's own win."""
    depth = LEVEL_DEPTH[row.level]
    in_file = [
        other
        for other in rows_by_code.get(code_key(row.parent_code), ())
        if LEVEL_DEPTH[other.level] < depth and _overlaps(other, row.reference_day)
    ]
    in_db = [
        unit
        for unit in units_by_code.get(code_key(row.parent_code), ())
        if unit.depth < depth and unit.is_valid_on(row.reference_day)
    ]
    return prefer_exact(in_file, row.parent_code) or prefer_exact(in_db, row.parent_code)


def _overlaps(row: _UnitRow, day: date) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (
        row.valid_until is None or day <= row.valid_until
    )


@transaction.atomic
def _save_unit_rows(
    *, actor: AbstractBaseUser, file_name: str, rows: list[_UnitRow]
) -> ImportResult:
    existing = {
        (unit.level, unit.code, unit.valid_until): unit
        for unit in AdministrativeUnit.objects.filter(code__in={row.code for row in rows})
    }
    created = updated = 0
    moved: list[AdministrativeUnit] = []
    for depth in sorted({LEVEL_DEPTH[row.level] for row in rows}):
        new_units, new_parents, changed = [], [], []
        for row in (row for row in rows if LEVEL_DEPTH[row.level] == depth):
            parent = row.parent.unit if isinstance(row.parent, _UnitRow) else row.parent
            unit = existing.get((row.level, row.code, row.valid_until))
            if unit is None:
                unit = AdministrativeUnit(
                    level=row.level,
                    code=row.code,
                    name=row.name,
                    division_type=row.division_type,
                    valid_from=row.valid_from,
                    valid_until=row.valid_until,
                )
                new_units.append(unit)
                new_parents.append(parent)
            elif (unit.name, unit.division_type, unit.valid_from, unit.parent_id) != (
                row.name,
                row.division_type,
                row.valid_from,
                parent.pk,
            ):
                if unit.parent_id != parent.pk:
                    moved.append(unit)
                unit.name, unit.division_type, unit.valid_from = (
                    row.name,
                    row.division_type,
                    row.valid_from,
                )
                place_unit(unit, parent)
                changed.append(unit)
            row.unit = unit
        insert_units(new_units, new_parents)
        AdministrativeUnit.objects.bulk_update(
            changed, ["name", "division_type", "valid_from", "parent", "path", "depth"]
        )
        created += len(new_units)
        updated += len(changed)
    repath_descendants(moved)
    ImportRecord.objects.create(
        kind=ImportRecord.Kind.UNITS,
        file_name=file_name[:255],
        imported_by=actor,
        row_count=len(rows),
        created_count=created,
        updated_count=updated,
    )
    return ImportResult(rows=len(rows), created=created, updated=updated)
