"""Coverage reports, their exports and downloads. Over JSON, in the caller's scope.

Every report endpoint takes the same filters as the pages (`unit`, `programme`, `session`,
`date_from`, `date_to`, dates as dd/mm/yyyy or yyyy-mm-dd) and answers 400 for bad values
(`errors`, Vietnamese messages per field), 403 for a caller who is not an organiser, 404 for
a unit, programme or session out of scope. Exports are queued for a Celery worker and
followed by their id; an export is found only by its requester or an organiser whose scope
covers what it reports on.
"""

from datetime import date, datetime
from typing import Literal

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from . import services as report_exports
from . import views as report_views
from .downloads import export_progress, get_export_for
from .filters import ReportFilters
from .history_access import history_person_for
from .selectors import (
    CoverageRow,
    agencies,
    coverage,
    history,
    points,
    programme_sessions,
    programme_totals,
    resolve_filters,
)

router = Router(tags=["reports"])
PAGE_SIZE = 100


# --- Input ---------------------------------------------------------------------------------

# The filters stay strings, as on the pages: the page's form checks them and answers 400 with
# a Vietnamese message per field, rather than the framework's 422 in English.
_UNIT = "An administrative unit in scope (its id); the caller's own unit by default."
_PROGRAMME = "A programme in scope, or whose sessions reach into it (its id)."
_SESSION = "One session in scope (its id); of the chosen programme, if one is chosen."
_DATE = "A day as dd/mm/yyyy or yyyy-mm-dd, between 2000 and 2100."


class ReportQuery(Schema):
    unit: str | None = Field(None, description=_UNIT, examples=["4"])
    programme: str | None = Field(None, description=_PROGRAMME, examples=["1"])
    session: str | None = Field(None, description=_SESSION, examples=["12"])
    date_from: str | None = Field(None, description=_DATE, examples=["01/01/2021"])
    date_to: str | None = Field(
        None,
        description=f"{_DATE} Not before `date_from`. With no session, programme nor dates, "
        "the report covers the latest calendar year in which someone in scope checked in.",
        examples=["31/12/2021"],
    )

    def data(self) -> dict[str, str]:
        return {
            name: value
            for name, value in self.model_dump(include=set(ReportQuery.model_fields)).items()
            if value is not None
        }


class PagedReportQuery(ReportQuery):
    page: int = Field(
        1, ge=1, description=f"The page, {PAGE_SIZE} rows each; past the last one, the last."
    )


# Spelled out rather than the model's enums, whose names (Kind, Format) other models share.
ExportKind = Literal["coverage", "points", "programme", "agencies", "history", "roster"]
ExportFormat = Literal["xlsx", "csv"]


class ExportIn(Schema):
    kind: ExportKind = Field(
        description="coverage, points, programme, agencies, history (a person's; one's own "
        "by default) or roster (a session's national roster; needs `session`)."
    )
    format: ExportFormat = Field("xlsx", description="xlsx or csv.")
    unit: int | None = Field(None, description=_UNIT)
    programme: int | None = Field(None, description=_PROGRAMME)
    session: int | None = Field(None, description=_SESSION)
    date_from: str | None = Field(None, description=_DATE)
    date_to: str | None = Field(None, description=_DATE)
    person: int | None = Field(
        None, description="For `history`: whose (an organiser's scope); the caller by default."
    )

    def filters(self) -> dict[str, object]:
        return self.model_dump(
            include={"unit", "programme", "session", "date_from", "date_to"}, exclude_none=True
        )


# --- Output --------------------------------------------------------------------------------


class ReportErrorsOut(Schema):
    errors: dict[str, list[str]] = Field(
        description="Vietnamese messages per field; `__all__` for the request as a whole."
    )


class ReportDetailOut(Schema):
    detail: str = Field(description="Why: not an organiser (403), or `Not Found` (404).")


class ReportUnitOut(Schema):
    id: int
    name: str
    level: str = Field(description="nation, province, district or commune.")


class FiltersOut(Schema):
    """The filters as the report understood them."""

    unit: ReportUnitOut = Field(description="The unit reported on (all the units below it).")
    programme: int | None = Field(description="The programme's id, if one was chosen.")
    session: int | None = Field(description="The session's id, if one was chosen.")
    date_from: date | None = Field(
        description="First day counted; set to 1 January of the default year when nothing "
        "was chosen."
    )
    date_to: date | None = Field(description="Last day counted.")


class PeriodOut(Schema):
    from_: date = Field(alias="from", description="First day of the sessions counted.")
    to: date = Field(description="Last day of the sessions counted.")


class CoveragePartOut(Schema):
    level: str = Field(description="The level counted: province, district, commune...")
    level_label: str = Field(description="The level in Vietnamese: 'cấp tỉnh'.")
    counts: Literal["agencies", "units"] = Field(
        description="`agencies`: specialised agencies at the unit's own level; `units`: "
        "units of a lower level."
    )
    noun: str = Field(description="What is counted, in Vietnamese: 'cơ quan chuyên môn'.")
    took_part: int = Field(description="How many had at least one person check in.")
    total: int = Field(description="How many should have taken part (valid in the period).")
    percent: float | None = Field(description="took_part / total, one decimal; null if none.")


class CoverageRowOut(Schema):
    unit_id: int
    name: str
    level: str
    sentence: str = Field(
        description="The parts as the official documents write them: 'cấp tỉnh 14/19 cơ quan "
        "chuyên môn; cấp huyện 9/10 đơn vị; ...'."
    )
    took_part: int = Field(description="The parts' took_part added up.")
    total: int = Field(description="The parts' totals added up.")
    percent: float | None
    parts: list[CoveragePartOut] = Field(description="One figure per level, top down.")


class CoverageOut(Schema):
    filters: FiltersOut
    period: PeriodOut
    sessions: int = Field(description="How many sessions were counted (never cancelled ones).")
    sentence: str = Field(description="The summary row's sentence.")
    summary: CoverageRowOut = Field(description="The unit reported on.")
    children: list[CoverageRowOut] = Field(description="Each unit directly below it.")


class PagedOut(Schema):
    filters: FiltersOut
    count: int = Field(description="Rows in all pages.")
    page: int = Field(description="This page's number, from 1.")
    pages: int = Field(description="How many pages there are.")


class PointRowOut(Schema):
    point_id: int
    name: str = Field(description="The bridge point.")
    unit: str = Field(description="Its administrative unit.")
    sessions: int = Field(description="Sessions counted at which it was a point.")
    invited: int = Field(description="Roster entries (removed ones are not invited).")
    checked_in: int
    on_time: int
    late: int
    completed: int = Field(description="People of its rosters who completed the programme.")


class PointsOut(PagedOut):
    results: list[PointRowOut]


class ProgrammeTotalsOut(Schema):
    sessions: int
    invited: int = Field(description="Invitations, all sessions added up.")
    checked_in: int
    on_time: int
    late: int
    people_invited: int = Field(description="Distinct people invited.")
    people_attended: int = Field(description="Distinct people who checked in at least once.")
    completed: int = Field(description="Distinct people who completed the programme.")


class ProgrammeSessionOut(Schema):
    session_id: int
    title: str
    starts_at: datetime
    points: int = Field(description="Its bridge points under the unit reported on.")
    invited: int
    checked_in: int
    on_time: int
    late: int


class ProgrammeReportOut(PagedOut):
    totals: ProgrammeTotalsOut
    results: list[ProgrammeSessionOut]


class AgencyRowOut(Schema):
    agency_id: int
    name: str
    unit: str = Field(description="The administrative unit the agency is located in.")
    invited: int = Field(description="Distinct people invited.")
    attended: int = Field(description="Distinct people who checked in at least once.")
    completed: int = Field(description="Distinct people who completed the programme.")


class AgenciesOut(PagedOut):
    results: list[AgencyRowOut]


class HistoryPersonOut(Schema):
    id: int
    full_name: str


class YearOut(Schema):
    year: int = Field(description="Calendar year of the sessions.")
    sessions: int = Field(description="Sessions the person was invited to.")
    attended: int = Field(description="Sessions the person checked in at.")
    minutes: int = Field(description="Minutes present, counted as for certificates.")
    hours: float = Field(description="The minutes in hours, one decimal.")


class HistoryLineOut(Schema):
    session_id: int
    title: str
    programme: str
    starts_at: datetime
    point: str = Field(description="The bridge point the person was invited to.")
    checked_in_at: datetime | None
    status: str = Field(description="on_time, late, absent, excused... or upcoming.")
    minutes: int


class HistoryOut(Schema):
    person: HistoryPersonOut
    years: list[YearOut] = Field(description="Totals per calendar year, newest first.")
    sessions: list[HistoryLineOut] = Field(description="The sessions, newest first.")


class ExportOut(Schema):
    id: int
    status: str = Field(description="queued, running, done or failed.")
    status_label: str = Field(description="The status in Vietnamese.")
    rows_total: int = Field(description="Rows the report had when it was asked for.")
    progress_url: str = Field(description="Where to follow it: GET /api/reports/exports/{id}.")
    page_url: str = Field(description="The same export's page, with its progress bar.")


class ExportProgressOut(Schema):
    id: int
    active: bool = Field(description="Still queued or running: ask again in a few seconds.")
    status: str = Field(description="queued, running, done or failed.")
    status_label: str
    rows_done: int = Field(description="Rows written so far.")
    rows_total: int
    percent: int = Field(description="0 to 100; 100 only once done.")
    download_url: str = Field(description="The file, once done (empty before, or once expired).")
    error: str = Field(description="Why it failed, or that its file has expired.")


ERRORS = {400: ReportErrorsOut, 403: ReportDetailOut, 404: ReportDetailOut}


# --- Reports -------------------------------------------------------------------------------


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


@router.get("/coverage", response={200: CoverageOut, **ERRORS}, by_alias=True)
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


@router.get("/points", response={200: PointsOut, **ERRORS})
def points_report(request: HttpRequest, query: Query[PagedReportQuery]) -> dict[str, object]:
    """Per bridge point: invited, checked in, on time, late, completed."""
    filters = resolve_filters(request.user, query.data())
    page, paging = _page(query, points(filters))
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


@router.get("/programme", response={200: ProgrammeReportOut, **ERRORS})
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


@router.get("/agencies", response={200: AgenciesOut, **ERRORS})
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


@router.get("/history", response={200: HistoryOut, 404: ReportDetailOut})
def history_report(
    request: HttpRequest,
    person: int | None = Query(
        None, description="Whose history (an organiser's scope); the caller's own by default."
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


# --- Exports -------------------------------------------------------------------------------


@router.post(
    "/exports",
    response={202: ExportOut, **ERRORS},
    url_name="report_exports",
    summary="Export a report to a file",
)
def start_export(request: HttpRequest, body: ExportIn) -> Status:
    """Queue the report for a worker, which writes the XLSX or CSV after commit, checking the
    filters again in the caller's scope. Answers 202 at once, however small the report:
    follow `progress_url` until `download_url` is given. The filters are checked as the
    page's: 400 for bad values (or a roster without a session), 403 for a caller who is not an
    organiser (except for their own history), 404 for anything out of scope."""
    report, parameters = report_exports.prepare_export(
        actor=request.user, kind=body.kind, data={**body.filters(), "person": body.person}
    )
    export = report_exports.request_export(
        actor=request.user,
        kind=body.kind,
        file_format=body.format,
        parameters=parameters,
        rows_total=report.count(),
    )
    return Status(
        202,
        {
            "id": export.pk,
            "status": export.status,
            "status_label": str(export.get_status_display()),
            "rows_total": export.rows_total,
            "progress_url": reverse("api:report_export", args=[export.pk]),
            "page_url": reverse("reports:report_export_status", args=[export.pk]),
        },
    )


@router.get(
    "/exports/{export_id}",
    response={200: ExportProgressOut, 404: ReportDetailOut},
    url_name="report_export",
    summary="An export's progress",
)
def export_status(request: HttpRequest, export_id: int) -> dict[str, object]:
    """Status, rows written of how many, percent, error, and once done the file's URL. An
    export is found by its requester or an organiser whose scope covers what it reports on;
    to anyone else it answers 404."""
    export = get_export_for(request.user, export_id)
    return export_progress(export, reverse("api:report_export_file", args=[export.pk]))


@router.get(
    "/exports/{export_id}/file",
    response={200: None, 404: ReportDetailOut},
    url_name="report_export_file",
    summary="An export's file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The XLSX or CSV file, as an attachment.",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                    "text/csv": {},
                },
            }
        }
    },
)
def export_file(request: HttpRequest, export_id: int) -> HttpResponse:
    """The written file, with the same checks as the export's page: 404 while it is not done,
    once it expired, or to anyone who may not see the export."""
    return report_views.export_file(request, export_id)
