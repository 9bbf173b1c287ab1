"""Which unit of today took over each former unit (the July 2025 reorganisation).

The province level is law (Nghị quyết 202/2025/QH15: 63 provinces became 34) and ships with
the code in directory/data/. The commune level was set by one resolution of the National
Assembly's Standing Committee per province; no package carries it in a machine-readable
form, so an organiser loads it from a file of (former code, new code) rows.
"""

from collections import defaultdict
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import AdministrativeUnit, UnitSuccession
from ..selectors import Scope, scope_for
from ..spreadsheets import RowError, TableRejected, read_table
from .tree import code_key, code_variants, prefer_exact

PROVINCE_SUCCESSIONS_CSV = (
    Path(__file__).resolve().parent.parent / "data" / "province-successions-2025-07-01.csv"
)
PROVINCE_SOURCE = "Nghị quyết 202/2025/QH15"
SUCCESSION_COLUMNS = {
    "former_code": ("Mã đơn vị cũ", "former code", "former_code"),
    "former_name": ("Tên đơn vị cũ", "former name", "former_name"),
    "successor_code": ("Mã đơn vị mới", "new code", "successor code", "successor_code"),
    "successor_name": ("Tên đơn vị mới", "new name", "successor name", "successor_name"),
    "source": ("Căn cứ", "source", "nghị quyết"),
}
SUCCESSION_EXAMPLE = (
    "08773",
    "Xã Lãng Công",
    "08782",
    "Xã Sông Lô",
    "Nghị quyết 1676/NQ-UBTVQH15",
)
NATION = AdministrativeUnit.Level.NATION


def _candidates(codes: set[str], *, former: bool) -> dict[str, list[AdministrativeUnit]]:
    by_key: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    units = AdministrativeUnit.objects.filter(
        code__in=code_variants(codes), valid_until__isnull=not former
    ).exclude(level=NATION)
    for unit in units:
        by_key[code_key(unit.code)].append(unit)
    return {code: prefer_exact(by_key.get(code_key(code), []), code) for code in codes}


def _resolve(
    table_rows: list[tuple[int, dict[str, str]]], scope: Scope | None
) -> tuple[list[tuple[AdministrativeUnit, AdministrativeUnit, str]], list[RowError]]:
    """The (former, successor, source) of each row, and what is wrong with the others.
    `scope` None loads the law's own table, where no one's reach applies."""
    formers = _candidates({values.get("former_code", "") for _, values in table_rows}, former=True)
    successors = _candidates(
        {values.get("successor_code", "") for _, values in table_rows}, former=False
    )
    pairs, errors, seen = [], [], {}
    for number, values in table_rows:
        found_former = formers.get(values.get("former_code", ""), [])
        found_successor = successors.get(values.get("successor_code", ""), [])
        row_errors = []
        if len(found_former) != 1:
            row_errors.append(
                RowError(
                    number,
                    "Mã đơn vị cũ",
                    _("No former unit has this code.")
                    if not found_former
                    else _("Several units have this code; write it in full, e.g. 08773."),
                )
            )
        if len(found_successor) != 1:
            row_errors.append(
                RowError(
                    number,
                    "Mã đơn vị mới",
                    _("No unit of today has this code.")
                    if not found_successor
                    else _("Several units have this code; write it in full, e.g. 08773."),
                )
            )
        elif scope is not None and not scope.covers_unit(found_successor[0]):
            row_errors.append(
                RowError(number, "Mã đơn vị mới", _("This unit is outside your scope."))
            )
        if row_errors:
            errors += row_errors
            continue
        key = (found_former[0].pk, found_successor[0].pk)
        if key in seen:
            errors.append(
                RowError(number, "Mã đơn vị cũ", _("Repeats row %(row)s.") % {"row": seen[key]})
            )
            continue
        seen[key] = number
        source = values.get("source", "")[: UnitSuccession._meta.get_field("source").max_length]
        pairs.append((found_former[0], found_successor[0], source))
    return pairs, errors


def _save(pairs: list[tuple[AdministrativeUnit, AdministrativeUnit, str]]) -> int:
    existing = set(
        UnitSuccession.objects.filter(
            former__in={former for former, _s, _src in pairs}
        ).values_list("former_id", "successor_id")
    )
    new = [
        UnitSuccession(former=former, successor=successor, source=source)
        for former, successor, source in pairs
        if (former.pk, successor.pk) not in existing
    ]
    UnitSuccession.objects.bulk_create(new, batch_size=1000)
    return len(new)


@transaction.atomic
def load_province_successions() -> int:
    """The 63 former provinces → the 34 of today, for those units that are loaded;
    idempotent. Returns how many links were added."""
    table = read_table(
        name=PROVINCE_SUCCESSIONS_CSV.name,
        content=PROVINCE_SUCCESSIONS_CSV.read_bytes(),
        columns=SUCCESSION_COLUMNS,
        required={"former_code", "successor_code"},
    )
    rows = [(number, {**values, "source": PROVINCE_SOURCE}) for number, values in table.rows]
    pairs, _errors = _resolve(rows, None)
    # A province the database does not hold (a test's, a partial tree) is simply skipped.
    return _save(pairs)


@transaction.atomic
def import_successions(*, actor: AbstractBaseUser, file_name: str, content: bytes) -> int:
    """Links from former units to units of today from a file; all rows or none; a link
    already known is kept. The new unit must lie in the organiser's scope."""
    scope = scope_for(actor)
    if not scope.is_organiser:
        raise PermissionDenied(_("Only organisers can import into the directory."))
    table = read_table(
        name=file_name,
        content=content,
        columns=SUCCESSION_COLUMNS,
        required={"former_code", "successor_code"},
    )
    pairs, errors = _resolve(table.rows, scope)
    if errors:
        raise TableRejected(errors)
    return _save(pairs)
