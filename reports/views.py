"""Report pages: coverage per level with its chart, per bridge point, per programme, per
agency, a person's training history, and the exports of each (inline or by a worker)."""

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from directory.models import Person, PersonalDataExport
from directory.services.exports_log import record_personal_data_export
from events.models import Session
from events.selectors import choosable_units_for, sessions_for

from . import services as report_exports
from .downloads import export_progress, get_export_for
from .filters import ReportFilters
from .forms import ReportFilterForm
from .history_access import history_person_for
from .models import ReportExport
from .selectors import (
    agencies,
    coverage,
    csv_lines,
    history,
    paged_points,
    programme_sessions,
    programme_totals,
    report_programmes_for,
    resolve_filters,
    write_xlsx,
)

PAGE_SIZE = 50
CHOICES_LIMIT = 300
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_context(request: HttpRequest, filters: ReportFilters | None) -> dict[str, object]:
    """The filter form's values and choices, all in the user's scope."""
    form = ReportFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    sessions = (
        sessions_for(request.user)
        .exclude(status=Session.Status.CANCELLED)
        .select_related(None)
        .only("pk", "title", "starts_at")
        .order_by("-starts_at")[:CHOICES_LIMIT]
    )
    return {
        "form": form,
        "filters": filters,
        "unit_choices": list(choosable_units_for(request.user)),
        "programme_choices": list(report_programmes_for(request.user)[:CHOICES_LIMIT]),
        "session_choices": list(sessions),
        "query": filters.query_string() if filters else "",
    }


def _report_page(request: HttpRequest, template: str, tab: str, build) -> HttpResponse:
    try:
        filters = resolve_filters(request.user, request.GET)
    except ValidationError:
        context = _filter_context(request, None)
        context["tab"] = tab
        return render(request, template, context, status=400)
    context = _filter_context(request, filters)
    context["tab"] = tab
    context.update(build(filters))
    return render(request, template, context)


@login_required
@require_GET
def coverage_page(request: HttpRequest) -> HttpResponse:
    def build(filters: ReportFilters) -> dict[str, object]:
        report = coverage(filters)
        return {"coverage": report, "chart": report.chart()}

    return _report_page(request, "reports/coverage.html", "coverage", build)


@login_required
@require_GET
def points_page(request: HttpRequest) -> HttpResponse:
    def build(filters: ReportFilters) -> dict[str, object]:
        return {"page": paged_points(filters, request.GET.get("page"), PAGE_SIZE)}

    return _report_page(request, "reports/points.html", "points", build)


@login_required
@require_GET
def programme_page(request: HttpRequest) -> HttpResponse:
    def build(filters: ReportFilters) -> dict[str, object]:
        page = Paginator(programme_sessions(filters), PAGE_SIZE).get_page(request.GET.get("page"))
        return {"page": page, "totals": programme_totals(filters)}

    return _report_page(request, "reports/programme.html", "programme", build)


@login_required
@require_GET
def agencies_page(request: HttpRequest) -> HttpResponse:
    def build(filters: ReportFilters) -> dict[str, object]:
        page = Paginator(agencies(filters), PAGE_SIZE).get_page(request.GET.get("page"))
        return {"page": page}

    return _report_page(request, "reports/agencies.html", "agencies", build)


def _history_page(request: HttpRequest, person_id: int | None) -> HttpResponse:
    person = history_person_for(request.user, person_id)
    year = request.GET.get("year", "")
    ledger = history(person, year=int(year) if year.isdigit() else None)
    return render(
        request,
        "reports/history.html",
        {"ledger": ledger, "person": person, "own": person_id is None, "year": year},
    )


@login_required
@require_GET
def my_history(request: HttpRequest) -> HttpResponse:
    """Lịch sử tập huấn của tôi: the attendee's own ledger of sessions and hours."""
    return _history_page(request, None)


@login_required
@require_GET
def person_history(request: HttpRequest, person_id: int) -> HttpResponse:
    return _history_page(request, person_id)


# --- Exports -------------------------------------------------------------------------------

# The reports that name people; the others are counts, which are not personal data.
PERSONAL_KINDS = {
    ReportExport.Kind.HISTORY: PersonalDataExport.Kind.TRAINING_HISTORY,
    ReportExport.Kind.ROSTER: PersonalDataExport.Kind.NATIONAL_ROSTER,
}


def _record_download(
    request: HttpRequest, kind: str, file_format: str, parameters: dict, rows: int, label: str
) -> None:
    """Record a download of a report that names people (see directory's export record)."""
    if kind not in PERSONAL_KINDS:
        return
    person = (
        Person.objects.select_related("agency").filter(pk=parameters["person"]).first()
        if parameters.get("person")
        else None
    )
    record_personal_data_export(
        actor=request.user,
        kind=PERSONAL_KINDS[kind],
        file_format=file_format,
        rows=rows,
        unit_id=person.agency.unit_id if person else parameters.get("unit"),
        person=person,
        session_id=parameters.get("session"),
        programme_id=parameters.get("programme"),
        label=label,
    )


@login_required
@require_GET
def report_export(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    """The report as a file: written now when small, else by a worker (page with progress)."""
    try:
        report, parameters = report_exports.prepare_export(
            actor=request.user, kind=kind, data=request.GET
        )
    except ValidationError as error:
        context = _filter_context(request, None)
        context.update(tab="coverage", export_errors=error.messages)
        return render(request, "reports/coverage.html", context, status=400)
    rows = report.count()
    if report_exports.must_run_in_background(kind, rows):
        export = report_exports.request_export(
            actor=request.user,
            kind=kind,
            file_format=file_format,
            parameters=parameters,
            rows_total=rows,
        )
        return redirect("reports:report_export_status", export_id=export.pk)
    _record_download(request, kind, file_format, parameters, rows, report.title)
    name = f"{report.file_stem}.{file_format}"
    if file_format == ReportExport.Format.CSV:
        response = StreamingHttpResponse(csv_lines(report), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(report, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _download_url(export: ReportExport) -> str:
    return reverse("reports:report_export_file", args=[export.pk])


@login_required
@require_GET
def export_status(request: HttpRequest, export_id: int) -> HttpResponse:
    export = get_export_for(request.user, export_id)
    return render(
        request,
        "reports/export.html",
        {
            "export": export,
            "progress": export_progress(export, _download_url(export)),
            "keep_days": settings.REPORT_EXPORT_KEEP_DAYS,
        },
    )


@login_required
@require_GET
@never_cache
def export_progress_json(request: HttpRequest, export_id: int) -> JsonResponse:
    export = get_export_for(request.user, export_id)
    return JsonResponse(export_progress(export, _download_url(export)))


@login_required
@require_GET
def export_file(request: HttpRequest, export_id: int) -> FileResponse:
    export = get_export_for(request.user, export_id)
    if export.status != ReportExport.Status.DONE or not export.file:
        raise Http404
    label = f"{export.get_kind_display()} · {export.file.name.rsplit('/', 1)[-1]}"
    _record_download(
        request, export.kind, export.file_format, export.parameters, export.rows_total, label
    )
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.file.name.rsplit("/", 1)[-1],
        content_type=XLSX if export.file_format == ReportExport.Format.XLSX else "text/csv",
    )
