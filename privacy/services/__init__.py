"""Every change this app makes goes through these functions."""

from .corrections import (
    OPEN_LIMIT,
    answer_correction,
    notify_organisers,
    notify_person,
    request_correction,
)
from .retention import PurgeResult, purge_personal_data

__all__ = [
    "OPEN_LIMIT",
    "PurgeResult",
    "answer_correction",
    "notify_organisers",
    "notify_person",
    "purge_personal_data",
    "request_correction",
]
