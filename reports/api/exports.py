"""Report exports over JSON: started, followed, and their files downloaded."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status

from common.api import ErrorOut

from .. import services as report_exports
from .. import views as report_views
from ..downloads import export_progress, get_export_for
from .schemas import ERRORS, ExportIn, ExportOut, ExportProgressOut

# Each operation keeps the id it had when the endpoints were one module, reports.api: clients
# generated from the OpenAPI document name their methods after it.
router = Router()


@router.post(
    "/exports",
    response={202: ExportOut, **ERRORS},
    url_name="report_exports",
    summary="Export a report to a file",
    operation_id="reports_api_start_export",
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
    response={200: ExportProgressOut, 404: ErrorOut},
    url_name="report_export",
    summary="An export's progress",
    operation_id="reports_api_export_status",
)
def export_status(request: HttpRequest, export_id: int) -> dict[str, object]:
    """Status, rows written of how many, percent, error, and once done the file's URL. An
    export is found by its requester or an organiser whose scope covers what it reports on;
    to anyone else it answers 404."""
    export = get_export_for(request.user, export_id)
    return export_progress(export, reverse("api:report_export_file", args=[export.pk]))


@router.get(
    "/exports/{export_id}/file",
    response={200: None, 404: ErrorOut},
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
    operation_id="reports_api_export_file",
)
def export_file(request: HttpRequest, export_id: int) -> HttpResponse:
    """The written file, with the same checks as the export's page: 404 while it is not done,
    once it expired, or to anyone who may not see the export."""
    # The page's own view, so both refuse and answer alike; through its module, as its
    # function has this endpoint's name.
    return report_views.export_file(request, export_id)
