"""The organiser's pages for programmes: what they are, their materials, what completing
them takes and what their certificates show."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.forms import add_service_errors
from common.params import page_of
from directory.access import organiser_required

from . import selectors, services
from .files import content_type_for, too_large_message, upload_too_large
from .forms import (
    CertificateDesignForm,
    CompletionRuleForm,
    MaterialForm,
    ProgrammeCreateForm,
    ProgrammeEditForm,
    ProgrammeFilterForm,
)
from .models import Programme

PAGE_SIZE = 25
IMAGE_FIELDS = {"stamp": "stamp_image", "signature": "signature_image"}


@organiser_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_for(request.user)
    form = ProgrammeFilterForm(request.GET or None, years=selectors.programme_years(programmes))
    filters = form.cleaned_data if form.is_valid() else {}
    found = selectors.filter_programmes(
        selectors.programmes_with_counts(programmes),
        query=filters.get("q", "").strip(),
        year=filters.get("year"),
        status=filters.get("status", ""),
    ).order_by("-year", "title", "pk")
    page = page_of(request, found, PAGE_SIZE)
    return render(request, "training/programme_list.html", {"form": form, "page": page})


@organiser_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    units = selectors.programme_units_for(request.user)
    form = ProgrammeCreateForm(request.POST or None, units=units, initial={"unit": units.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.create_programme(
                actor=request.user,
                title=data["title"],
                code=data["code"],
                year=data["year"],
                unit=data["unit"],
                issuing_body=data["issuing_body"],
                reform_area_numbers=form.area_numbers(),
                description=data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Programme created. Now add its materials."))
            return redirect("training:programme_detail", programme.pk)
    return render(request, "training/programme_form.html", {"form": form, "programme": None})


@organiser_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    context = {
        "programme": programme,
        "materials": selectors.materials_of(programme),
        "max_mb": settings.MATERIAL_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "training/programme_detail.html", context)


@organiser_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    form = ProgrammeEditForm(request.POST or None, initial=ProgrammeEditForm.initial_for(programme))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_programme(
                actor=request.user,
                programme=programme,
                title=data["title"],
                year=data["year"],
                issuing_body=data["issuing_body"],
                reform_area_numbers=form.area_numbers(),
                description=data["description"],
                status=data["status"],
                expected_updated_at=data["loaded_at"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("training:programme_detail", programme.pk)
    return render(request, "training/programme_form.html", {"form": form, "programme": programme})


@organiser_required
@require_http_methods(["GET", "POST"])
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload_too_large(request):
        form.is_valid()
        form.add_error("file", too_large_message(settings.MATERIAL_MAX_BYTES))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_material(
                actor=request.user,
                programme=programme,
                title=data["title"],
                kind=data["kind"],
                url=data["url"],
                file=data["file"] or None,
                document_number=data["document_number"],
                issued_on=data["issued_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Material added."))
            return redirect("training:programme_detail", programme.pk)
    context = {"form": form, "programme": programme}
    return render(request, "training/material_form.html", context)


@organiser_required
@require_http_methods(["GET", "POST"])
def material_delete(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    material = selectors.get_material_for(request.user, programme, material_pk)
    if request.method == "GET":
        context = {"programme": programme, "material": material}
        return render(request, "training/material_delete.html", context)
    services.delete_material(actor=request.user, material=material)
    messages.success(request, _("Material “%(title)s” deleted.") % {"title": material.title})
    return redirect("training:programme_detail", programme.pk)


@login_required
@require_GET
def material_file(request: HttpRequest, material_pk: int) -> HttpResponse:
    """The file, to signed-in readers in scope, always as a download under its own name."""
    material = selectors.get_material_to_read(request.user, material_pk)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = material.file_name or material.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=material.content_type or content_type_for(name),
    )
    _private_file_headers(response)
    return response


def _private_file_headers(response: HttpResponse) -> None:
    # An uploaded file must never act as a page of this site, nor stay in a shared cache.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"


@organiser_required
@require_http_methods(["GET", "POST"])
def programme_rule(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    form = CompletionRuleForm(
        request.POST or None, initial=CompletionRuleForm.initial_for(programme)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_completion_rule(
                actor=request.user,
                programme=programme,
                required_sessions=data["required_sessions"],
                min_minutes_present=data["min_minutes_present"],
                require_on_time=data["require_on_time"],
                require_survey=data["require_survey"],
                print_programme_period=data["print_programme_period"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Completion rule saved."))
            return redirect("training:programme_detail", programme.pk)
    return render(request, "training/rule_form.html", {"form": form, "programme": programme})


@organiser_required
@require_http_methods(["GET", "POST"])
def programme_design(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    form = CertificateDesignForm(
        request.POST or None,
        request.FILES or None,
        initial=CertificateDesignForm.initial_for(programme),
    )
    if request.method == "POST" and upload_too_large(request):
        form.is_valid()
        form.add_error(None, too_large_message(settings.MATERIAL_IMAGE_MAX_BYTES))
    elif request.method == "POST" and form.is_valid():
        try:
            services.set_certificate_design(
                actor=request.user, programme=programme, **form.design_values()
            )
        except ValidationError as error:
            programme.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Certificate design saved; it applies to new certificates.")
            )
            return redirect("training:programme_detail", programme.pk)
    return render(request, "training/design_form.html", {"form": form, "programme": programme})


@organiser_required
@require_GET
def programme_image(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    """The stamp or signature as saved, for the organiser to check before printing."""
    programme: Programme = selectors.get_programme_for(request.user, pk)
    field = IMAGE_FIELDS.get(which)
    image = getattr(programme, field) if field else None
    if not image:
        raise Http404
    try:
        handle = image.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=content_type_for(image.name))
    _private_file_headers(response)
    return response
