"""Bridge points from a CSV or XLSX file: every row checked, then all saved or none.

A row names a unit of today by its official code, and optionally the point's name, room,
address, capacity and coordinator. A point is found by its unit and name, so importing the
same file twice changes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from directory.models import AdministrativeUnit, Person
from directory.selectors import Scope, scope_for
from directory.services.tree import code_key, code_variants
from directory.spreadsheets import RowError, TableRejected, read_table
from events.models import BridgePoint

from .coordinators import Appointment, CoordinatorDetails, appoint_coordinators, match_people
from .coordinators import read_details as read_coordinator
from .generate import point_name

POINT_COLUMNS = {
    "unit_code": ("Mã đơn vị hành chính", "unit code", "unit_code", "mã đơn vị"),
    "name": ("Tên điểm cầu", "name", "point name", "tên"),
    "room": ("Phòng họp", "room", "phòng"),
    "address": ("Địa chỉ", "address"),
    "capacity": ("Sức chứa", "capacity", "số chỗ"),
    "coordinator": ("Họ tên cán bộ đầu mối", "coordinator", "coordinator name", "cán bộ đầu mối"),
    "email": ("Email", "e-mail", "thư điện tử", "email đầu mối"),
    "phone": ("Điện thoại", "phone", "số điện thoại", "điện thoại đầu mối"),
}
HEADER = {key: names[0] for key, names in POINT_COLUMNS.items()}
POINT_EXAMPLE = (
    "08773",
    "Điểm cầu Xã Lãng Công",
    "Hội trường UBND xã",
    "Thôn Đồng Bông, xã Lãng Công",
    "60",
    "Trần Văn An",
    "tran.van.an@example.vn",
    "0912345678",
)
MAX_CAPACITY = 100_000


@dataclass
class PointRow:
    number: int
    unit: AdministrativeUnit
    name: str
    room: str
    address: str
    capacity: int | None
    coordinator: CoordinatorDetails | None
    outcome: str = ""  # "new", "updated" or "unchanged", once compared with what is stored


@dataclass(frozen=True)
class PointImportResult:
    rows: list[PointRow] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    appointed: int = 0
    people_created: int = 0
    saved: bool = False


def import_points(
    *, actor: AbstractBaseUser, file_name: str, content: bytes, dry_run: bool
) -> PointImportResult:
    """Check a file of points and, unless `dry_run`, save it whole; raises TableRejected with
    every problem, by row, when any row is wrong. The preview and the import run the same
    checks and the same statements; the preview rolls them back."""
    scope = scope_for(actor)
    if not scope.is_organiser:
        raise PermissionDenied(_("Only organisers can create bridge points."))
    table = read_table(
        name=file_name, content=content, columns=POINT_COLUMNS, required={"unit_code"}
    )
    units = _units_by_code({values.get("unit_code", "") for _, values in table.rows})
    rows, errors = _check_rows(table.rows, units, scope)
    known, refused = match_people([row.coordinator for row in rows if row.coordinator], scope)
    for row in rows:
        if row.coordinator and row.coordinator.key in refused:
            column, message = refused[row.coordinator.key]
            errors.append(RowError(row.number, HEADER[column], message))
    if errors:
        raise TableRejected(sorted(errors, key=lambda error: (error.row, error.column)))
    with transaction.atomic():
        result = _save(actor=actor, rows=rows, known=known)
        if dry_run:
            transaction.set_rollback(True)
    return PointImportResult(**{**result.__dict__, "saved": not dry_run})


def _units_by_code(codes: set[str]) -> dict[str, list[AdministrativeUnit]]:
    """The units each written code may name: exactly as written if any, else without the
    zeros Excel drops."""
    by_key: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    for unit in AdministrativeUnit.objects.filter(code__in=code_variants(codes)).exclude(
        level=AdministrativeUnit.Level.NATION
    ):
        by_key[code_key(unit.code)].append(unit)
    found = {}
    for code in codes:
        candidates = by_key.get(code_key(code), [])
        found[code] = [unit for unit in candidates if unit.code == code] or candidates
    return found


def _unit_error(number: int, candidates: list[AdministrativeUnit], scope: Scope) -> RowError | None:
    column = HEADER["unit_code"]
    current = [unit for unit in candidates if unit.valid_until is None]
    if not candidates:
        return RowError(number, column, _("No unit has this code."))
    if not current:
        former = candidates[0]
        return RowError(
            number,
            column,
            _("%(unit)s is a former unit (until %(day)s); choose a unit of today.")
            % {"unit": former.name, "day": former.valid_until.strftime("%d/%m/%Y")},
        )
    if len(current) > 1:
        return RowError(
            number, column, _("Several units have this code; write it in full, e.g. 08773.")
        )
    if not scope.covers_unit(current[0]):
        return RowError(number, column, _("This unit is outside your scope."))
    return None


def _check_rows(
    table_rows: list[tuple[int, dict[str, str]]],
    units: dict[str, list[AdministrativeUnit]],
    scope: Scope,
) -> tuple[list[PointRow], list[RowError]]:
    rows: list[PointRow] = []
    errors: list[RowError] = []
    seen_points: dict[tuple[int, str], int] = {}
    seen_contacts: dict[str, tuple[int, CoordinatorDetails]] = {}
    for number, values in table_rows:
        candidates = units.get(values.get("unit_code", ""), [])
        unit_error = _unit_error(number, candidates, scope)
        row_errors = [unit_error] if unit_error else []
        row_errors += _length_errors(number, values)
        capacity, capacity_error = _read_capacity(number, values.get("capacity", ""))
        row_errors += capacity_error
        coordinator = None
        if any(values.get(key) for key in ("coordinator", "email", "phone")):
            coordinator, problems = read_coordinator(
                values.get("coordinator", ""), values.get("email", ""), values.get("phone", "")
            )
            row_errors += [
                RowError(number, HEADER["coordinator" if key == "full_name" else key], message)
                for key, message in problems.items()
            ]
        if row_errors:
            errors += row_errors
            continue
        unit = next(unit for unit in candidates if unit.valid_until is None)
        name = values.get("name") or point_name(unit.name)
        first = seen_points.setdefault((unit.pk, name), number)
        if first != number:
            errors.append(
                RowError(number, HEADER["name"], _("Repeats row %(row)s.") % {"row": first})
            )
            continue
        if coordinator is not None:
            errors += _contact_conflicts(number, coordinator, seen_contacts)
        rows.append(
            PointRow(
                number=number,
                unit=unit,
                name=name,
                room=values.get("room", ""),
                address=values.get("address", ""),
                capacity=capacity,
                coordinator=coordinator,
            )
        )
    return rows, errors


def _length_errors(number: int, values: dict[str, str]) -> list[RowError]:
    return [
        RowError(number, HEADER[key], _("This value is too long."))
        for key in ("name", "room", "address")
        if len(values.get(key, "")) > BridgePoint._meta.get_field(key).max_length
    ]


def _read_capacity(number: int, text: str) -> tuple[int | None, list[RowError]]:
    if not text:
        return None, []
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_CAPACITY:
        return int(text), []
    return None, [RowError(number, HEADER["capacity"], _("Write a whole number of seats."))]


def _contact_conflicts(
    number: int, coordinator: CoordinatorDetails, seen: dict[str, tuple[int, CoordinatorDetails]]
) -> list[RowError]:
    """The same person may keep several points, but a contact must name one person in a file."""
    errors: list[RowError] = []
    for key, value in (("email", coordinator.email), ("phone", coordinator.phone)):
        if not value:
            continue
        first_row, first = seen.setdefault(value, (number, coordinator))
        if first != coordinator:
            errors.append(
                RowError(
                    number,
                    HEADER[key],
                    _("Row %(row)s gives this contact with another name or contact.")
                    % {"row": first_row},
                )
            )
    return errors


def _save(
    *, actor: AbstractBaseUser, rows: list[PointRow], known: dict[str, Person]
) -> PointImportResult:
    stored = {
        (point.unit_id, point.name): point
        for point in BridgePoint.objects.filter(
            unit_id__in={row.unit.pk for row in rows}, name__in={row.name for row in rows}
        ).select_related("unit")
    }
    new_points, changed = [], []
    points: list[BridgePoint] = []
    for row in rows:
        point = stored.get((row.unit.pk, row.name))
        if point is None:
            point = BridgePoint(
                unit=row.unit,
                name=row.name,
                room=row.room,
                address=row.address,
                capacity=row.capacity,
            )
            new_points.append(point)
            row.outcome = "new"
        else:
            # A blank cell keeps what is stored.
            given = {
                key: value
                for key, value in (
                    ("room", row.room),
                    ("address", row.address),
                    ("capacity", row.capacity),
                )
                if value not in ("", None)
            }
            if any(getattr(point, key) != value for key, value in given.items()):
                for key, value in given.items():
                    setattr(point, key, value)
                changed.append(point)
                row.outcome = "updated"
            else:
                row.outcome = "unchanged"
        points.append(point)
    BridgePoint.objects.bulk_create(new_points, batch_size=5000)
    BridgePoint.objects.bulk_update(changed, ["room", "address", "capacity"], batch_size=1000)
    appointments = [
        Appointment(point, details=row.coordinator)
        for row, point in zip(rows, points, strict=True)
        if row.coordinator is not None
    ]
    people_created = (
        appoint_coordinators(actor=actor, appointments=appointments, known=known)
        if appointments
        else 0
    )
    return PointImportResult(
        rows=rows,
        created=len(new_points),
        updated=len(changed),
        appointed=len(appointments),
        people_created=people_created,
    )
