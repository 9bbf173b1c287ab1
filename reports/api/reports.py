"""The reports over JSON: coverage, points, programme, agencies and a person's history."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from ninja import Query, Router

from common.api import ErrorOut
from common.bounds import BIGINT_MAX

from ..filters import ReportFilters
from ..history_access import history_person_for
from ..selectors import (
    CoverageRow,
    agencies,
    coverage,
    history,
    paged_points,
    programme_sessions,
    programme_totals,
    resolve_filters,
)
from .schemas import (
    ERRORS,
    PAGE_SIZE,
    AgenciesOut,
    CoverageOut,
    HistoryOut,
    PagedReportQuery,
    PointsOut,
    ProgrammeReportOut,
    ReportQuery,
)

# Each operation keeps the id it had when the endpoints were one module, reports.api: clients
# generated from the OpenAPI document name their methods after it.
router = Router()


def _scope(filters: ReportFilters) -> dict[str, object]:
    return {
        "unit": {"id": filters.root.pk, "name": filters.root.name, "level": filters.root.level},
        "programme": filters.programme.pk if filters.programme else None,
        "session": filters.session.pk if filters.session else None,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
    }


def _row(row: CoverageRow) -> dict[str, object]:
    return {
        "unit_id": row.unit_id,
        "name": row.name,
        "level": row.level,
        "sentence": row.sentence,
        "took_part": row.took_part,
        "total": row.total,
        "percent": row.percent,
        "parts": [
            {
                "level": part.level,
                "level_label": part.level_label,
                "counts": "agencies" if part.own else "units",
                "noun": part.noun,
                "took_part": part.took_part,
                "total": part.total,
                "percent": part.percent,
            }
            for part in row.parts
        ],
    }


def _page(query: PagedReportQuery, rows: object) -> tuple[Page, dict[str, object]]:
    page = Paginator(rows, PAGE_SIZE).get_page(query.page)
    return page, {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }


@router.get(
    "/coverage",
    response={200: CoverageOut, **ERRORS},
    by_alias=True,
    operation_id="reports_api_coverage_report",
)
def coverage_report(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, object]:
    """How many of the agencies and units that should take part did, level by level, for
    the unit and for each unit below it (the seeds' "cấp tỉnh 14/19 cơ quan chuyên môn...")."""
    filters = resolve_filters(request.user, query.data())
    report = coverage(filters)
    return {
        "filters": _scope(filters),
        "period": {"from": report.period[0], "to": report.period[1]},
        "sessions": report.session_count,
        "sentence": report.sentence,
        "summary": _row(report.summary),
        "children": [_row(row) for row in report.children],
    }


@router.get(
    "/points", response={200: PointsOut, **ERRORS}, operation_id="reports_api_points_report"
)
def points_report(request: HttpRequest, query: Query[PagedReportQuery]) -> dict[str, object]:
    """Per bridge point: invited, checked in, on time, late, completed."""
    filters = resolve_filters(request.user, query.data())
    page = paged_points(filters, query.page, PAGE_SIZE)
    return {
        "filters": _scope(filters),
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [
            {
                "point_id": point.pk,
                "name": point.name,
                "unit": point.unit.name,
                "sessions": point.sessions_count,
                "invited": point.invited,
                "checked_in": point.checked_in,
                "on_time": point.on_time,
                "late": point.late,
                "completed": point.completed,
            }
            for point in page
        ],
    }


@router.get(
    "/programme",
    response={200: ProgrammeReportOut, **ERRORS},
    operation_id="reports_api_programme_report",
)
def programme_report(request: HttpRequest, query: Query[PagedReportQuery]) -> dict[str, object]:
    """Session by session, with totals and distinct people."""
    filters = resolve_filters(request.user, query.data())
    page, paging = _page(query, programme_sessions(filters))
    totals = programme_totals(filters)
    return {
        "filters": _scope(filters),
        **paging,
        "totals": totals.__dict__,
        "results": [
            {
                "session_id": session.pk,
                "title": session.title,
                "starts_at": session.starts_at,
                "points": session.points_count,
                "invited": session.invited,
                "checked_in": session.checked_in,
                "on_time": session.on_time,
                "late": session.late,
            }
            for session in page
        ],
    }


@router.get(
    "/agencies", response={200: AgenciesOut, **ERRORS}, operation_id="reports_api_agencies_report"
)
def agencies_report(request: HttpRequest, query: Query[PagedReportQuery]) -> dict[str, object]:
    """Per agency: people invited, people who attended, people who completed."""
    filters = resolve_filters(request.user, query.data())
    page, paging = _page(query, agencies(filters))
    return {
        "filters": _scope(filters),
        **paging,
        "results": [
            {
                "agency_id": agency.pk,
                "name": agency.name,
                "unit": agency.unit.name,
                "invited": agency.invited,
                "attended": agency.attended,
                "completed": agency.completed,
            }
            for agency in page
        ],
    }


@router.get(
    "/history",
    response={200: HistoryOut, 404: ErrorOut},
    operation_id="reports_api_history_report",
)
def history_report(
    request: HttpRequest,
    person: int | None = Query(
        None,
        ge=1,
        le=BIGINT_MAX,
        description="Whose history (an organiser's scope); the caller's own by default.",
    ),
) -> dict[str, object]:
    """A person's training history and hours per year: one's own, or (for an organiser)
    anyone's in scope; 404 for anyone else."""
    ledger = history(history_person_for(request.user, person))
    return {
        "person": {"id": ledger.person.pk, "full_name": ledger.person.full_name},
        "years": [
            {
                "year": year.year,
                "sessions": year.sessions,
                "attended": year.attended,
                "minutes": year.minutes,
                "hours": year.hours,
            }
            for year in ledger.years
        ],
        "sessions": [
            {
                "session_id": line.session_id,
                "title": line.title,
                "programme": line.programme,
                "starts_at": line.starts_at,
                "point": line.point,
                "checked_in_at": line.checked_in_at,
                "status": line.status,
                "minutes": line.minutes,
            }
            for line in ledger.lines
        ],
    }
