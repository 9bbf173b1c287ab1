"""Pages of agencies: the list per unit, those an import made to review, correcting one,
and merging a duplicate into the agency that stays."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.params import page_of, search_text
from common.search import search_folded

from . import selectors
from .access import organiser_required
from .forms import AgencyFilterForm, AgencyForm, MergeAgencyForm, add_refusal
from .models import Person
from .services.agencies import check_merge, merge_agencies, merge_preview, update_agency

PAGE_SIZE = 50


@organiser_required
def agency_list(request: HttpRequest) -> HttpResponse:
    form = AgencyFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    agencies = selectors.agencies_for(request.user).select_related("parent")
    query = search_text(request)
    if query:
        agencies = search_folded(agencies, ("name", "code"), query)
    if filters.get("unit"):
        agencies = agencies.filter(unit__path__startswith=filters["unit"].path)
    if filters.get("kind"):
        agencies = agencies.filter(kind=filters["kind"])
    if filters.get("needs_review"):
        agencies = agencies.filter(needs_review=True)
    page = page_of(request, agencies.order_by("unit__path", "name", "pk"), PAGE_SIZE)
    # Counted for the page's agencies only: a count over every agency of the nation would
    # group 300,000 people to show fifty numbers.
    counts = dict(
        Person.objects.filter(agency__in=[agency.pk for agency in page])
        .order_by()
        .values_list("agency")
        .annotate(count=Count("pk"))
    )
    for agency in page:
        agency.people_count = counts.get(agency.pk, 0)
    context = {
        "form": form,
        "page": page,
        "to_review": selectors.agencies_to_review(request.user).count(),
    }
    return render(request, "directory/agency_list.html", context)


@organiser_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.get_agency_for(request.user, pk)
    initial = {"name": agency.name, "kind": agency.kind, "parent": agency.parent_id}
    form = AgencyForm(request.POST or None, actor=request.user, agency=agency, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                update_agency(actor=request.user, agency=agency, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                add_refusal(form, error)
            else:
                messages.success(request, _("Saved %(agency)s.") % {"agency": agency.name})
                return redirect("directory:agency_list")
    context = {"form": form, "agency": agency}
    return render(request, "directory/agency_edit.html", context, status=status)


@organiser_required
@require_http_methods(["GET", "POST"])
def agency_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """GET with ?survivor= previews what would move; POST moves it."""
    duplicate = selectors.get_agency_for(request.user, pk)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = MergeAgencyForm(data, actor=request.user, agency=duplicate)
    status = 200
    preview = None
    if data is not None and form.is_valid():
        survivor = form.cleaned_data["survivor"]
        if request.method == "POST":
            try:
                merge_agencies(actor=request.user, duplicate=duplicate, survivor=survivor)
            except (ValidationError, PermissionDenied) as error:
                add_refusal(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    _("%(duplicate)s was merged into %(survivor)s.")
                    % {"duplicate": duplicate.name, "survivor": survivor.name},
                )
                return redirect("directory:agency_list")
        else:
            try:
                check_merge(actor=request.user, duplicate=duplicate, survivor=survivor)
            except (ValidationError, PermissionDenied) as error:
                add_refusal(form, error)
                status = 400
            else:
                preview = merge_preview(duplicate=duplicate)
    elif data is not None:
        status = 400
    context = {"form": form, "agency": duplicate, "preview": preview}
    return render(request, "directory/agency_merge.html", context, status=status)
