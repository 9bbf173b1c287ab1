from .certificates import Certificate, CertificateCounter, Collation, Completion
from .checkin import (
    Attendance,
    AttendanceChange,
    Method,
    ScanAttempt,
    attendance_status,
    minutes_present,
)
from .reports import ReportExport
from .surveys import Survey, SurveyAnswer, SurveyQuestion, SurveyReceipt, SurveyResponse

__all__ = [
    "Attendance",
    "AttendanceChange",
    "Certificate",
    "CertificateCounter",
    "Collation",
    "Completion",
    "Method",
    "ReportExport",
    "ScanAttempt",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyReceipt",
    "SurveyResponse",
    "attendance_status",
    "minutes_present",
]
