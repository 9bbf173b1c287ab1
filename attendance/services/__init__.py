"""Every check-in and every change to attendance goes through these functions."""

from .changes import check_in_walk_in, correct_times, decide_excuse, request_excuse, undo_check_in
from .checkin import record_scan, self_check_in
from .invitations import invitation_link
from .recording import upsert_arrival
from .scans import CHECK_IN, CHECK_OUT, ScanRequest, ScanResult

__all__ = [
    "CHECK_IN",
    "CHECK_OUT",
    "ScanRequest",
    "ScanResult",
    "check_in_walk_in",
    "correct_times",
    "decide_excuse",
    "invitation_link",
    "record_scan",
    "request_excuse",
    "self_check_in",
    "undo_check_in",
    "upsert_arrival",
]
