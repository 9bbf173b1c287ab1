"""What the unit and the people imports share: who may import, what an import reports, the
length check, and the example rows of the downloadable templates."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ...selectors import Scope


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    agencies_created: int = 0


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


def require_organiser(scope: Scope) -> None:
    if not scope.is_organiser:
        raise PermissionDenied(_("Only organisers can import into the directory."))


def too_long(value: str, model: type, field: str) -> bool:
    return len(value) > model._meta.get_field(field).max_length
