"""Pages of personal data protection: the public notice, a person's own data with its
downloads and the correction form, and for organisers the requests and the export record."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.downloads import attachment
from common.forms import add_service_errors
from common.params import page_of
from directory.access import organiser_required
from directory.models import PersonalDataExport
from directory.services.exports_log import record_personal_data_export

from . import selectors, services
from .downloads import display_tables, holdings_json, holdings_xlsx
from .forms import AnswerForm, CorrectionFilterForm, CorrectionForm, ExportFilterForm
from .holdings import holdings_of

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """Thông báo xử lý dữ liệu cá nhân: readable by anyone, signed in or not."""
    context = {
        "controller": settings.PRIVACY_CONTROLLER,
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        "upload_days": settings.RETENTION_UPLOAD_DAYS,
        "scan_device_days": settings.RETENTION_SCAN_DEVICE_DAYS,
        "export_days": settings.REPORT_EXPORT_KEEP_DAYS,
    }
    return render(request, "privacy/notice.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """Dữ liệu cá nhân của tôi: what is held, the downloads, and the correction form."""
    holdings = holdings_of(request.user)
    form = CorrectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.request_correction(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your request was sent to your organiser. Its answer will show here."),
                )
                return redirect("privacy:my_data")
        status = 400
    context = {
        "holdings": holdings,
        "tables": display_tables(holdings),
        "requests": selectors.requests_of(holdings.person),
        "form": form,
    }
    return render(request, "privacy/my_data.html", context, status=status)


@login_required
@require_GET
def my_data_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """Everything held about the signed-in person, as JSON or XLSX; the download is recorded
    like any other export of personal data."""
    holdings = holdings_of(request.user)
    person = holdings.person
    name = person.full_name if person else request.user.get_username()
    record_personal_data_export(
        actor=request.user,
        kind=PersonalDataExport.Kind.OWN_DATA,
        file_format=file_format,
        rows=holdings.row_count,
        unit_id=person.agency.unit_id if person else None,
        person=person,
        label=name,
    )
    stem = f"du-lieu-ca-nhan-{timezone.localdate():%Y%m%d}"
    if file_format == "json":
        return attachment(
            holdings_json(holdings),
            filename=f"{stem}.json",
            content_type="application/json; charset=utf-8",
        )
    return attachment(
        holdings_xlsx(holdings, name=name), filename=f"{stem}.xlsx", content_type=XLSX
    )


@organiser_required
@require_GET
def corrections(request: HttpRequest) -> HttpResponse:
    """Correction requests of people in scope, the waiting ones first by default."""
    # Waiting requests first: the filter stays on them until someone chooses otherwise.
    form = CorrectionFilterForm({"status": request.GET.get("status", "open")})
    if not form.is_valid():
        return render(request, "privacy/correction_list.html", {"form": form}, status=400)
    status = form.cleaned_data["status"]
    requests = selectors.corrections_for(request.user)
    if status:
        requests = requests.filter(status=status)
    page = page_of(request, requests, PAGE_SIZE)
    return render(request, "privacy/correction_list.html", {"form": form, "page": page})


@organiser_required
@require_http_methods(["GET", "POST"])
def correction(request: HttpRequest, pk: int) -> HttpResponse:
    """One request with the answer form; answered requests show their answer."""
    item = selectors.get_correction_for(request.user, pk)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_correction(actor=request.user, request_id=pk, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The answer was saved and sent to the person."))
                return redirect("privacy:corrections")
        status = 400
    return render(
        request, "privacy/correction_detail.html", {"item": item, "form": form}, status=status
    )


@organiser_required
@require_GET
def export_log(request: HttpRequest) -> HttpResponse:
    """Who exported personal data, when, what and how many rows: in the organiser's scope."""
    form = ExportFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "privacy/export_log.html", {"form": form}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    records = selectors.search_exports(
        selectors.exports_for(request.user),
        kind=filters.get("kind", ""),
        actor=filters.get("actor", "").strip(),
    )
    page = page_of(request, records, PAGE_SIZE)
    return render(request, "privacy/export_log.html", {"form": form, "page": page})
