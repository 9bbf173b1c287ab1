from .checkin import (
    Attendance,
    AttendanceChange,
    Method,
    ScanAttempt,
    attendance_status,
    minutes_present,
)

__all__ = [
    "Attendance",
    "AttendanceChange",
    "Method",
    "ScanAttempt",
    "attendance_status",
    "minutes_present",
]
