"""The import of civil servants, matched to those already known by e-mail or phone."""

import re
from collections import defaultdict

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ...collation import name_sort_key
from ...models import AdministrativeUnit, Agency, ImportRecord, Person
from ...selectors import Scope, scope_for
from ...spreadsheets import RowError, TableRejected, read_table
from ..agencies import ensure_agencies
from ..tree import code_key, code_variants
from .shared import ImportResult, require_organiser, too_long

PEOPLE_COLUMNS = {
    "full_name": ("Họ và tên", "full name", "full_name", "họ tên"),
    "position": ("Chức vụ", "position", "chức danh"),
    "agency": ("Cơ quan", "agency", "đơn vị", "cơ quan, đơn vị"),
    "unit_code": ("Mã đơn vị hành chính", "unit code", "unit_code", "mã địa bàn"),
    "email": ("Email", "e-mail", "thư điện tử"),
    "phone": ("Điện thoại", "phone", "số điện thoại"),
}
PHONE_PATTERN = re.compile(r"^0\d{9}$")

# A row that passed its checks: its number, its values (e-mail and phone normalised), its unit.
_PersonRow = tuple[int, dict[str, str], AdministrativeUnit]


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
    require_organiser(scope)
    table = read_table(
        name=file_name,
        content=content,
        columns=PEOPLE_COLUMNS,
        required={"full_name", "agency", "unit_code"},
    )
    unit_codes = {values.get("unit_code", "") for _, values in table.rows}
    units = _units_by_code(unit_codes, scope)
    clean, errors = _check_people_rows(table.rows, units, scope)
    matches, match_errors = _match_known_people(clean, scope)
    errors += match_errors
    if errors:
        raise TableRejected(sorted(errors, key=lambda error: error.row))
    return _save_people(actor=actor, file_name=file_name, rows=clean, matches=matches)


def _check_people_rows(
    rows: list[tuple[int, dict[str, str]]],
    units: dict[str, AdministrativeUnit],
    scope: Scope,
) -> tuple[list[_PersonRow], list[RowError]]:
    """The rows that passed their checks, and the errors of those that did not."""
    errors: list[RowError] = []
    clean: list[_PersonRow] = []
    first_seen: dict[str, int] = {}
    for number, values in rows:
        unit = units.get(values.get("unit_code", ""))
        email, phone, contact_errors = _read_contacts(number, values)
        row_errors = [
            *_field_errors(number, values),
            *_unit_errors(number, unit, scope),
            *contact_errors,
            *_repeated_contacts(number, email, phone, first_seen),
        ]
        errors += row_errors
        if not row_errors:
            clean.append((number, {**values, "email": email, "phone": phone}, unit))
    return clean, errors


def _field_errors(number: int, values: dict[str, str]) -> list[RowError]:
    errors: list[RowError] = []
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
        if too_long(values.get(key, ""), model, field):
            errors.append(RowError(number, header, _("This value is too long.")))
    return errors


def _unit_errors(number: int, unit: AdministrativeUnit | None, scope: Scope) -> list[RowError]:
    if unit is None:
        return [RowError(number, "Mã đơn vị hành chính", _("No unit has this code."))]
    if not scope.covers_unit(unit):
        return [RowError(number, "Mã đơn vị hành chính", _("This unit is outside your scope."))]
    return []


def _read_contacts(number: int, values: dict[str, str]) -> tuple[str, str, list[RowError]]:
    """The row's e-mail and phone, normalised where they are valid, and what is wrong."""
    errors: list[RowError] = []
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
    return email, phone, errors


def _repeated_contacts(
    number: int, email: str, phone: str, first_seen: dict[str, int]
) -> list[RowError]:
    """Errors for contacts an earlier row gave; records the ones seen for the first time."""
    errors: list[RowError] = []
    for column, value in (("Email", email), ("Điện thoại", phone)):
        if value and value in first_seen:
            errors.append(
                RowError(number, column, _("Repeats row %(row)s.") % {"row": first_seen[value]})
            )
        elif value:
            first_seen[value] = number
    return errors


def _match_known_people(
    clean: list[_PersonRow], scope: Scope
) -> tuple[dict[int, Person], list[RowError]]:
    """The stored person each row updates, by row number, found by e-mail or phone."""
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
    errors: list[RowError] = []
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
    return matches, errors


@transaction.atomic
def _save_people(
    *,
    actor: AbstractBaseUser,
    file_name: str,
    rows: list[_PersonRow],
    matches: dict[int, Person],
) -> ImportResult:
    agencies, agencies_created = ensure_agencies(
        wanted={(unit.pk, values["agency"]) for _, values, unit in rows}
    )

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
        agencies_created=agencies_created,
    )
