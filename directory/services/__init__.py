"""Every change to the directory goes through these functions."""

from .accounts import (
    SIGN_IN_LINK_LIMIT,
    email_sign_in_link,
    ensure_attendee_account,
    grant_role,
    request_sign_in_link,
    sign_in_link,
)
from .imports import (
    IMPORT_EXAMPLES,
    PEOPLE_COLUMNS,
    UNIT_COLUMNS,
    ImportResult,
    import_people,
    import_units,
    normalise_phone,
)
from .tree import (
    CURRENT_LIST_VALID_FROM,
    SeedResult,
    code_key,
    official_code,
    save_unit,
    seed_current_units,
)

__all__ = [
    "CURRENT_LIST_VALID_FROM",
    "IMPORT_EXAMPLES",
    "PEOPLE_COLUMNS",
    "SIGN_IN_LINK_LIMIT",
    "UNIT_COLUMNS",
    "ImportResult",
    "SeedResult",
    "code_key",
    "email_sign_in_link",
    "ensure_attendee_account",
    "grant_role",
    "import_people",
    "import_units",
    "normalise_phone",
    "official_code",
    "request_sign_in_link",
    "save_unit",
    "seed_current_units",
    "sign_in_link",
]
