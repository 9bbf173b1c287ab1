"""Imports of units and people from CSV/XLSX: the whole file is checked, then saved or not."""

from .people import PEOPLE_COLUMNS, import_people, normalise_phone
from .shared import IMPORT_EXAMPLES, ImportResult
from .units import UNIT_COLUMNS, import_units

__all__ = [
    "IMPORT_EXAMPLES",
    "PEOPLE_COLUMNS",
    "UNIT_COLUMNS",
    "ImportResult",
    "import_people",
    "import_units",
    "normalise_phone",
]
