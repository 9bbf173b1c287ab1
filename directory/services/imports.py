"""Imports of units and people from CSV/XLSX: the whole file is checked, then saved or not."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..collation import name_sort_key
from ..models import AdministrativeUnit, Agency, ImportRecord, Person
from ..selectors import Scope, scope_for
from ..spreadsheets import RowError, TableRejected, read_table
from .tree import (
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


def _too_long(value: str, model: type, field: str) -> bool:
    return len(value) > model._meta.get_field(field).max_length


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


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    agencies_created: int = 0


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


def _require_organiser(scope: Scope) -> None:
    if not scope.is_organiser:
        raise PermissionDenied(_("Only organisers can import into the directory."))


@transaction.atomic
def import_units(*, actor: AbstractBaseUser, file_name: str, content: bytes) -> ImportResult:
    """Import a unit tree (e.g. the pre-2025 districts); all rows or none, keyed by code."""
    scope = scope_for(actor)
    _require_organiser(scope)
    table = read_table(
        name=file_name,
        content=content,
        columns=UNIT_COLUMNS,
        required={"level", "code", "name"},
    )
    errors: list[RowError] = []
    rows: list[_UnitRow] = []
    for number, values in table.rows:
        row_errors = len(errors)
        level = LEVEL_ALIASES.get(values.get("level", "").lower())
        if level is None:
            errors.append(RowError(number, "Cấp", _("Use tỉnh, huyện or xã.")))
        if not values.get("code"):
            errors.append(RowError(number, "Mã", _("The code is required.")))
        if not values.get("name"):
            errors.append(RowError(number, "Tên", _("The name is required.")))
        for key, header in (("code", "Mã"), ("name", "Tên"), ("division_type", "Loại")):
            if _too_long(values.get(key, ""), AdministrativeUnit, key):
                errors.append(RowError(number, header, _("This value is too long.")))
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
        if level != Level.PROVINCE and level is not None and not values.get("parent_code"):
            errors.append(
                RowError(number, "Mã đơn vị cấp trên", _("A district or commune needs a parent."))
            )
        if len(errors) == row_errors:
            rows.append(
                _UnitRow(
                    number=number,
                    level=level,
                    code=official_code(values["code"], level),
                    name=values["name"],
                    division_type=values.get("division_type", ""),
                    parent_code=values.get("parent_code", ""),
                    valid_from=dates.get("valid_from"),
                    valid_until=dates.get("valid_until"),
                )
            )

    seen: dict[tuple[str, str, date | None], int] = {}
    for row in rows:
        key = (row.level, row.code, row.valid_until)
        if key in seen:
            errors.append(
                RowError(row.number, "Mã", _("Repeats row %(row)s.") % {"row": seen[key]})
            )
        seen.setdefault(key, row.number)

    nation = ensure_nation()
    rows_by_code: dict[str, list[_UnitRow]] = defaultdict(list)
    for row in rows:
        rows_by_code[code_key(row.code)].append(row)
    units_by_code: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    codes = {row.parent_code for row in rows if row.parent_code} | {row.code for row in rows}
    for unit in AdministrativeUnit.objects.filter(code__in=code_variants(codes)):
        units_by_code[code_key(unit.code)].append(unit)
    for row in rows:
        # A row that updates a unit must not reach into another organiser's subtree.
        for unit in units_by_code.get(code_key(row.code), ()):
            same = (unit.level, unit.code, unit.valid_until) == (
                row.level,
                row.code,
                row.valid_until,
            )
            if same and not scope.covers_unit(unit):
                errors.append(RowError(row.number, "Mã", _("This unit is outside your scope.")))
    for row in rows:
        if row.level == Level.PROVINCE:
            row.parent = nation
            if not scope.national:
                errors.append(
                    RowError(row.number, "Cấp", _("Only a national organiser can add provinces."))
                )
            continue
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
        candidates = prefer_exact(in_file, row.parent_code) or prefer_exact(in_db, row.parent_code)
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
    if errors:
        raise TableRejected(errors)
    return _save_unit_rows(actor=actor, file_name=file_name, rows=rows)


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


PEOPLE_COLUMNS = {
    "full_name": ("Họ và tên", "full name", "full_name", "họ tên"),
    "position": ("Chức vụ", "position", "chức danh"),
    "agency": ("Cơ quan", "agency", "đơn vị", "cơ quan, đơn vị"),
    "unit_code": ("Mã đơn vị hành chính", "unit code", "unit_code", "mã địa bàn"),
    "email": ("Email", "e-mail", "thư điện tử"),
    "phone": ("Điện thoại", "phone", "số điện thoại"),
}
IMPORT_EXAMPLES = {
    "people": (
        "Trần Văn An",
        "Chuyên viên",
        "Sở Nội vụ tỉnh Vĩnh Long",
        "86",
        "tran.van.an@example.vn",
        "0912345678",
    ),
    "units": ("huyện", "253", "Huyện Sông Lô", "huyện", "26", "", "30/06/2025"),
}
PHONE_PATTERN = re.compile(r"^0\d{9}$")


def normalise_phone(text: str) -> str:
    """Vietnamese numbers as 0XXXXXXXXX; raises ValueError for anything else."""
    digits = re.sub(r"[\s.\-()]", "", text)
    if re.fullmatch(r"[1-9]\d{8}", digits):
        # A spreadsheet that stored the number as a number dropped its leading zero.
        digits = "0" + digits
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not PHONE_PATTERN.match(digits):
        raise ValueError(text)
    return digits


def _units_by_code(codes: set[str], scope: Scope) -> dict[str, AdministrativeUnit]:
    """The unit each code names for this importer.

    A code written exactly wins over one that lost its zeros in Excel. Codes were reused
    when the tiers changed in 2025, so one code may name a former and a current unit:
    then prefer one in the importer's scope, then today's, then the deeper level.
    """
    today = timezone.localdate()
    by_key: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    for unit in AdministrativeUnit.objects.filter(code__in=code_variants(codes)):
        by_key[code_key(unit.code)].append(unit)
    chosen = {}
    for code in codes:
        candidates = by_key.get(code_key(code))
        if candidates:
            chosen[code] = max(
                candidates,
                key=lambda unit, code=code: (
                    unit.code == code,
                    scope.covers_unit(unit),
                    unit.is_valid_on(today),
                    unit.depth,
                ),
            )
    return chosen


def import_people(*, actor: AbstractBaseUser, file_name: str, content: bytes) -> ImportResult:
    """Import civil servants; all rows or none. A known e-mail or phone updates that person."""
    scope = scope_for(actor)
    _require_organiser(scope)
    table = read_table(
        name=file_name,
        content=content,
        columns=PEOPLE_COLUMNS,
        required={"full_name", "agency", "unit_code"},
    )
    unit_codes = {values.get("unit_code", "") for _, values in table.rows}
    units = _units_by_code(unit_codes, scope)

    errors: list[RowError] = []
    clean: list[tuple[int, dict[str, str], AdministrativeUnit]] = []
    first_seen: dict[str, int] = {}
    for number, values in table.rows:
        row_errors = len(errors)
        if not values.get("full_name"):
            errors.append(RowError(number, "Họ và tên", _("The full name is required.")))
        if not values.get("agency"):
            errors.append(RowError(number, "Cơ quan", _("The agency is required.")))
        for key, header, model, field in (
            ("full_name", "Họ và tên", Person, "full_name"),
            ("position", "Chức vụ", Person, "position"),
            ("agency", "Cơ quan", Agency, "name"),
            ("email", "Email", Person, "email"),
        ):
            if _too_long(values.get(key, ""), model, field):
                errors.append(RowError(number, header, _("This value is too long.")))
        unit = units.get(values.get("unit_code", ""))
        if unit is None:
            errors.append(RowError(number, "Mã đơn vị hành chính", _("No unit has this code.")))
        elif not scope.covers_unit(unit):
            errors.append(
                RowError(number, "Mã đơn vị hành chính", _("This unit is outside your scope."))
            )
        email = values.get("email", "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(RowError(number, "Email", _("This is not a valid e-mail address.")))
        phone = values.get("phone", "")
        if phone:
            try:
                phone = normalise_phone(phone)
            except ValueError:
                errors.append(
                    RowError(number, "Điện thoại", _("Write a Vietnamese number, e.g. 0912345678."))
                )
        if not email and not phone:
            errors.append(RowError(number, "Email", _("Give an e-mail address or a phone number.")))
        for column, value in (("Email", email), ("Điện thoại", phone)):
            if value and value in first_seen:
                errors.append(
                    RowError(number, column, _("Repeats row %(row)s.") % {"row": first_seen[value]})
                )
            elif value:
                first_seen[value] = number
        if len(errors) == row_errors:
            clean.append((number, {**values, "email": email, "phone": phone}, unit))

    emails = {values["email"] for _, values, _unit in clean if values["email"]}
    phones = {values["phone"] for _, values, _unit in clean if values["phone"]}
    known = list(
        Person.objects.filter(Q(email__in=emails) | Q(phone__in=phones)).select_related(
            "agency__unit"
        )
    )
    by_email = {person.email: person for person in known if person.email}
    by_phone = {person.phone: person for person in known if person.phone}
    matches: dict[int, Person] = {}
    for number, values, _unit in clean:
        found = {
            p.pk: p
            for p in (by_email.get(values["email"]), by_phone.get(values["phone"]))
            if p is not None
        }
        if len(found) > 1:
            errors.append(
                RowError(
                    number,
                    "Điện thoại",
                    _("The e-mail and the phone belong to two different people."),
                )
            )
        elif found:
            person = next(iter(found.values()))
            if not scope.covers_unit(person.agency.unit):
                errors.append(
                    RowError(
                        number,
                        "Email",
                        _("This person is already registered by a unit outside your scope."),
                    )
                )
            matches[number] = person
    if errors:
        raise TableRejected(sorted(errors, key=lambda error: error.row))
    return _save_people(actor=actor, file_name=file_name, rows=clean, matches=matches)


@transaction.atomic
def _save_people(
    *,
    actor: AbstractBaseUser,
    file_name: str,
    rows: list[tuple[int, dict[str, str], AdministrativeUnit]],
    matches: dict[int, Person],
) -> ImportResult:
    wanted = {(unit.pk, values["agency"]) for _, values, unit in rows}
    agencies = {
        (agency.unit_id, agency.name): agency
        for agency in Agency.objects.filter(
            unit_id__in={unit_id for unit_id, _ in wanted}, name__in={name for _, name in wanted}
        )
    }
    missing = [Agency(unit_id=unit_id, name=name) for unit_id, name in wanted - agencies.keys()]
    for agency in Agency.objects.bulk_create(missing):
        agencies[(agency.unit_id, agency.name)] = agency

    new_people, changed = [], []
    for number, values, unit in rows:
        fields = {
            "full_name": values["full_name"],
            "position": values.get("position", ""),
            "agency": agencies[(unit.pk, values["agency"])],
            "email": values["email"],
            "phone": values["phone"],
        }
        person = matches.get(number)
        if person is None:
            new_people.append(Person(**fields, sort_name=name_sort_key(fields["full_name"])))
            continue
        # A blank cell leaves the stored e-mail or phone as it was.
        fields = {key: value for key, value in fields.items() if value != ""}
        if any(getattr(person, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(person, key, value)
            person.sort_name = name_sort_key(person.full_name)
            changed.append(person)
    Person.objects.bulk_create(new_people, batch_size=1000)
    Person.objects.bulk_update(
        changed, ["full_name", "sort_name", "position", "agency", "email", "phone"], batch_size=1000
    )
    ImportRecord.objects.create(
        kind=ImportRecord.Kind.PEOPLE,
        file_name=file_name[:255],
        imported_by=actor,
        row_count=len(rows),
        created_count=len(new_people),
        updated_count=len(changed),
    )
    return ImportResult(
        rows=len(rows),
        created=len(new_people),
        updated=len(changed),
        agencies_created=len(missing),
    )
