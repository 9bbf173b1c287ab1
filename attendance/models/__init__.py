from .checkin import (
    Attendance,
    AttendanceChange,
    Method,
    ScanAttempt,
    attendance_status,
    minutes_present,
)
from .devices import ScannerDevice

__all__ = [
    "Attendance",
    "AttendanceChange",
    "Method",
    "ScanAttempt",
    "ScannerDevice",
    "attendance_status",
    "minutes_present",
]
