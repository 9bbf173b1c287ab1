from .certificates import Certificate, CertificateCounter, Collation, Completion
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
    "Certificate",
    "CertificateCounter",
    "Collation",
    "Completion",
    "Method",
    "ScanAttempt",
    "attendance_status",
    "minutes_present",
]
