"""The limits the database puts on values, checked before a value reaches it.

PostgreSQL refuses a text with a NUL character, a number past its bigint, and a time whose
UTC offset is beyond ±15:59 (Python takes up to ±23:59), each with an error that would
otherwise surface as a server error. SQLite takes the text and the time but not the number.
"""

import re
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

BIGINT_MAX = 2**63 - 1
BIGINT_MIN = -(2**63)
# The widest offsets in use are -12:00 and +14:00; PostgreSQL stores up to this.
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)

# An ISO 8601 time with its offset, as the API and the forms' fallback parser read it.
_ISO_WITH_OFFSET = re.compile(
    r"^\s*\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*"
    r"(?P<sign>[+-])(?P<hours>\d\d):?(?P<minutes>\d\d)\s*$"
)


def nul_message() -> str:
    return _("This text contains a NUL character (\\0), which can be neither stored nor searched.")


def offset_message() -> str:
    return _("This time's UTC offset is beyond ±15:59, which no time zone uses.")


def number_message() -> str:
    return _("This number is too large.")


def has_nul(text: str) -> bool:
    return "\x00" in text


def fits_bigint(number: int) -> bool:
    return BIGINT_MIN <= number <= BIGINT_MAX


def offset_fits(moment: datetime) -> bool:
    """True for a naive time or one whose UTC offset PostgreSQL can store."""
    offset = moment.utcoffset()
    return offset is None or abs(offset) <= MAX_UTC_OFFSET


def text_offset_fits(text: str) -> bool:
    """False for an ISO 8601 time written with an offset beyond ±15:59; True otherwise."""
    match = _ISO_WITH_OFFSET.match(text)
    if match is None:
        return True
    offset = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"]))
    return offset <= MAX_UTC_OFFSET
