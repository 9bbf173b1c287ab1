import base64
import io

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.downloads import attachment, template_csv
from common.forms import add_service_errors
from common.params import id_or_none, page_of
from common.spreadsheets import csv_writer, workbook
from directory.access import organiser_required
from directory.forms import ImportForm
from directory.models import PersonalDataExport
from directory.selectors import get_unit_for
from directory.services import succession
from directory.services.exports_log import record_personal_data_export
from directory.spreadsheets import TableRejected

from . import selectors
from .forms import CoordinatorForm, GenerateForm, PointFilterForm, PointForm
from .services import coordinators, generate, imports, points
from .services.exports import EXPORT_HEADER, point_export_rows

PAGE_SIZE = 50
UPLOAD_SALT = "network.point-import"
# How long a previewed file may wait for its confirmation.
UPLOAD_MAX_AGE = 60 * 60


@organiser_required
def network_overview(request: HttpRequest) -> HttpResponse:
    rows = selectors.network_by_province(request.user)
    # A scope of former units only (a province merged in 2025) still counts its points.
    current = [row for row in rows if not row.is_former] or rows
    totals = {
        "points": sum(row.points for row in current),
        "active": sum(row.active for row in current),
        "with_coordinator": sum(row.with_coordinator for row in current),
        "without_coordinator": sum(row.without_coordinator for row in current),
    }
    return render(request, "network/network_overview.html", {"rows": rows, "totals": totals})


@organiser_required
@require_http_methods(["GET", "POST"])
def generate_points(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST or None, user=request.user)
    preview = None
    status = 200
    if request.method == "POST" and form.is_valid():
        within, level = form.cleaned_data["within"], form.cleaned_data["level"]
        try:
            if request.POST.get("confirm") == "1":
                result = generate.generate_points(actor=request.user, within=within, level=level)
                messages.success(
                    request,
                    _("%(added)s bridge points added; %(already)s units already had one.")
                    % {"added": result.added, "already": result.already},
                )
                return redirect("network:overview")
            missing, already = generate.count_missing_points(
                actor=request.user, within=within, level=level
            )
            preview = {"missing": missing, "already": already, "within": within, "level": level}
        except (ValidationError, PermissionDenied) as refused:
            if isinstance(refused, PermissionDenied):
                form.add_error(None, str(refused))
            else:
                add_service_errors(form, refused)
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request, "network/generate.html", {"form": form, "preview": preview}, status=status
    )


def _filters(request: HttpRequest) -> tuple[PointFilterForm, selectors.PointFilters]:
    form = PointFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.PointFilters(
        query=data.get("q", ""),
        province=data.get("province"),
        status=data.get("status", ""),
        coordinator=data.get("coordinator", ""),
    )


@organiser_required
def point_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    found = selectors.filter_points(selectors.network_points_for(request.user), filters)
    page = page_of(request, found, PAGE_SIZE)
    provinces = selectors.province_names(list(page.object_list))
    rows = [(point, provinces.get(point.pk, "")) for point in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "network/point_list.html", context)


@organiser_required
def point_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx"):
        raise Http404
    _form, filters = _filters(request)
    found = selectors.filter_points(selectors.network_points_for(request.user), filters)
    rows = list(point_export_rows(found))
    # The file names each point's coordinators with their e-mail and phone.
    record_personal_data_export(
        actor=request.user,
        kind=PersonalDataExport.Kind.BRIDGE_POINTS,
        file_format=file_format,
        rows=len(rows),
        unit_id=filters.province.pk if filters.province else None,
        label=_("Bridge points") + (f" · {filters.query}" if filters.query else ""),
    )
    if file_format == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv_writer(buffer)
        writer.writerow(EXPORT_HEADER)
        writer.writerows(rows)
        return attachment(
            buffer.getvalue(), filename="diem-cau.csv", content_type="text/csv; charset=utf-8"
        )
    content = workbook(
        "Điểm cầu",
        _("Bridge points"),
        EXPORT_HEADER,
        rows,
        widths={"A": 12, "B": 40, "C": 24, "D": 36, "E": 10, "F": 26, "G": 28, "H": 14, "I": 22},
    )
    return attachment(
        content,
        filename="diem-cau.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.get_network_point_for(request.user, pk)
    form = PointForm(request.POST or None, instance=point, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                points.update_point(
                    actor=request.user,
                    point=point,
                    **{name: form.cleaned_data[name] for name in points.EDITABLE},
                )
            except (ValidationError, PermissionDenied) as refused:
                form.add_error(None, " ".join(getattr(refused, "messages", [str(refused)])))
            else:
                messages.success(request, _("The bridge point was saved."))
                return redirect("network:point_detail", pk=point.pk)
        status = 400
    return render(
        request, "network/point_detail.html", _point_context(request, point, form), status=status
    )


def _point_context(request: HttpRequest, point: object, form: PointForm, **extra: object) -> dict:
    successors = (
        selectors.successors_of([point.unit])[point.unit.pk] if point.unit.valid_until else []
    )
    return {
        "point": point,
        "form": form,
        "coordinator_form": extra.get("coordinator_form")
        or CoordinatorForm(user=request.user, prefix="coordinator"),
        "coordinators": point.coordinators.select_related("person").order_by("first_name"),
        "successors": successors,
    }


@organiser_required
@require_POST
def point_active(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.get_network_point_for(request.user, pk)
    active = request.POST.get("active") == "1"
    points.set_point_active(actor=request.user, point=point, active=active)
    messages.success(
        request,
        _("The bridge point is active again.")
        if active
        else _("The bridge point was deactivated."),
    )
    return redirect("network:point_detail", pk=point.pk)


@organiser_required
@require_POST
def coordinator_add(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.get_network_point_for(request.user, pk)
    form = CoordinatorForm(request.POST, user=request.user, prefix="coordinator")
    if form.is_valid():
        data = form.cleaned_data
        try:
            person = coordinators.appoint_coordinator(
                actor=request.user,
                point=point,
                person=data["person"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except ValidationError as refused:
            add_service_errors(form, refused)
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("%(name)s now coordinates this point.") % {"name": person.full_name}
            )
            return redirect("network:point_detail", pk=point.pk)
    context = _point_context(
        request, point, PointForm(instance=point, user=request.user), coordinator_form=form
    )
    return render(request, "network/point_detail.html", context, status=400)


@organiser_required
@require_POST
def coordinator_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    point = selectors.get_network_point_for(request.user, pk)
    if not point.coordinators.filter(pk=user_id).exists():
        raise Http404
    coordinators.remove_coordinator(actor=request.user, point=point, user_id=user_id)
    messages.success(request, _("The coordinator was removed from this point."))
    return redirect("network:point_detail", pk=point.pk)


@organiser_required
@require_http_methods(["GET", "POST"])
def point_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, preview, upload_token = [], None, ""
    status = 200
    if request.method == "POST" and request.POST.get("upload"):
        # The confirmation of a previewed file: checked again, then saved.
        try:
            file_name, content = _unsigned_upload(request.POST["upload"])
        except signing.BadSignature:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("network:point_import")
        try:
            result = imports.import_points(
                actor=request.user, file_name=file_name, content=content, dry_run=False
            )
        except TableRejected as rejected:
            errors, status = rejected.errors, 400
        else:
            messages.success(request, _import_message(result))
            return redirect("network:point_list")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            preview = imports.import_points(
                actor=request.user, file_name=upload.name, content=content, dry_run=True
            )
        except TableRejected as rejected:
            errors, status = rejected.errors, 400
        else:
            upload_token = _signed_upload(upload.name, content)
    elif request.method == "POST":
        status = 400
    context = {"form": form, "errors": errors, "preview": preview, "upload": upload_token}
    return render(request, "network/point_import.html", context, status=status)


def _signed_upload(file_name: str, content: bytes) -> str:
    payload = {"name": file_name, "content": base64.b64encode(content).decode()}
    return signing.dumps(payload, salt=UPLOAD_SALT, compress=True)


def _unsigned_upload(token: str) -> tuple[str, bytes]:
    payload = signing.loads(token, salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE)
    return payload["name"], base64.b64decode(payload["content"])


def _import_message(result: imports.PointImportResult) -> str:
    return _(
        "Imported %(rows)s rows: %(created)s new points, %(updated)s updated, "
        "%(appointed)s coordinators assigned (%(people)s new people)."
    ) % {
        "rows": len(result.rows),
        "created": result.created,
        "updated": result.updated,
        "appointed": result.appointed,
        "people": result.people_created,
    }


@organiser_required
def point_import_template(request: HttpRequest) -> HttpResponse:
    return template_csv("mau-nhap-diem-cau.csv", imports.POINT_COLUMNS, imports.POINT_EXAMPLE)


@organiser_required
def former_units(request: HttpRequest) -> HttpResponse:
    successions = selectors.successions_for(request.user)
    unit_id = id_or_none(request.GET.get("unit"))
    unit = get_unit_for(request.user, unit_id) if unit_id else None
    if unit is not None:
        successions = successions.filter(former=unit) | successions.filter(successor=unit)
    page = page_of(request, successions, PAGE_SIZE)
    return render(request, "network/former_units.html", {"page": page, "unit": unit})


@organiser_required
@require_http_methods(["GET", "POST"])
def former_units_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = succession.import_successions(
                actor=request.user, file_name=upload.name, content=upload.read()
            )
        except TableRejected as rejected:
            errors, status = rejected.errors, 400
        else:
            messages.success(
                request, _("%(count)s links from former units were loaded.") % {"count": count}
            )
            return redirect("network:former_units")
    elif request.method == "POST":
        status = 400
    return render(
        request, "network/former_units_import.html", {"form": form, "errors": errors}, status=status
    )


@organiser_required
def former_units_template(request: HttpRequest) -> HttpResponse:
    return template_csv(
        "mau-nhap-don-vi-cu.csv", succession.SUCCESSION_COLUMNS, succession.SUCCESSION_EXAMPLE
    )
