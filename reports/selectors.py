"""Reports: coverage per level, per bridge point, per programme, per agency, a person's
training history and the national roster of a session; pure reads in the caller's scope."""

from .coverage import Coverage, CoveragePart, CoverageRow, coverage
from .exports import Report, build_report, csv_lines, write_csv, write_xlsx
from .filters import (
    ReportFilters,
    report_programmes_for,
    require_organiser,
    resolve_filters,
    validated,
)
from .history import History, history
from .points import agencies, paged_points, points, programme_sessions, programme_totals
from .roster import roster_count, roster_rows

__all__ = [
    "Coverage",
    "CoveragePart",
    "CoverageRow",
    "History",
    "Report",
    "ReportFilters",
    "agencies",
    "build_report",
    "coverage",
    "csv_lines",
    "history",
    "paged_points",
    "points",
    "programme_sessions",
    "programme_totals",
    "report_programmes_for",
    "require_organiser",
    "resolve_filters",
    "roster_count",
    "roster_rows",
    "validated",
    "write_csv",
    "write_xlsx",
]
