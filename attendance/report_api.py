"""Coverage reports, their exports and downloads. Over JSON, in the caller's scope.

Every endpoint takes the same filters as the pages (`unit`, `programme`, `session`,
`date_from`, `date_to`, dates as dd/mm/yyyy or yyyy-mm-dd) and answers 400 for bad values,
403 for a caller who is not an organiser, 404 for a unit, programme or session out of scope.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router

from .reports import (
    CoverageRow,
    agencies,
    coverage,
    history,
    points,
    programme_sessions,
    programme_totals,
    resolve_filters,
)
from .reports.filters import ReportFilters
from .reports.history_access import history_person_for

router = Router(tags=["reports"])
PAGE_SIZE = 100


def _filters(request: HttpRequest) -> ReportFilters:
    return resolve_filters(request.user, request.GET)


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


def _page(request: HttpRequest, rows: object) -> tuple[object, dict[str, object]]:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }


@router.get("/coverage", response=dict)
def coverage_report(request: HttpRequest) -> dict[str, object]:
    """How many of the agencies and units that should take part did, level by level, for
    the unit and for each unit below it (the seeds' "cấp tỉnh 14/19 cơ quan chuyên môn...")."""
    filters = _filters(request)
    report = coverage(filters)
    return {
        "filters": _scope(filters),
        "period": {"from": report.period[0], "to": report.period[1]},
        "sessions": report.session_count,
        "sentence": report.sentence,
        "summary": _row(report.summary),
        "children": [_row(row) for row in report.children],
    }


@router.get("/points", response=dict)
def points_report(request: HttpRequest) -> dict[str, object]:
    """Per bridge point: invited, checked in, on time, late, completed."""
    filters = _filters(request)
    page, paging = _page(request, points(filters))
    return {
        "filters": _scope(filters),
        **paging,
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


@router.get("/programme", response=dict)
def programme_report(request: HttpRequest) -> dict[str, object]:
    """Session by session, with totals and distinct people."""
    filters = _filters(request)
    page, paging = _page(request, programme_sessions(filters))
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


@router.get("/agencies", response=dict)
def agencies_report(request: HttpRequest) -> dict[str, object]:
    """Per agency: people invited, people who attended, people who completed."""
    filters = _filters(request)
    page, paging = _page(request, agencies(filters))
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


@router.get("/history", response=dict)
def history_report(request: HttpRequest, person: int | None = None) -> dict[str, object]:
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
