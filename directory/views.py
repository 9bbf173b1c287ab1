from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.downloads import template_csv
from common.params import page_of

from . import selectors, services
from .access import organiser_required, staff_required
from .forms import ImportForm, PeopleFilterForm, SignInLinkForm, UnitFilterForm
from .models import ImportRecord
from .spreadsheets import TableRejected

View = Callable[..., HttpResponse]
PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = selectors.scope_for(request.user)
    if not scope.is_staff:
        person = selectors.people_for(request.user).first()
        return render(request, "directory/home_attendee.html", {"person": person})
    # A scoped organiser's units may all be former ones (Vĩnh Phúc merged in 2025): count
    # their whole scope; a national view counts today's tree.
    today = timezone.localdate() if scope.national else None
    context = {
        "root_units": selectors.root_units_for(request.user, on=today),
        "agency_count": selectors.agencies_for(request.user).count(),
        "people_count": selectors.people_for(request.user).count(),
        "level_counts": selectors.level_counts_for(request.user, on=today),
        "recent_imports": ImportRecord.objects.filter(imported_by=request.user)[:5],
    }
    return render(request, "directory/home_staff.html", context)


@staff_required
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    scope = selectors.scope_for(request.user)
    day = None if filters.get("former") or not scope.national else timezone.localdate()
    units = selectors.units_for(request.user, on=day).select_related("parent")
    if filters.get("q"):
        units = units.filter(name__icontains=filters["q"]) | units.filter(code=filters["q"])
    if filters.get("level"):
        units = units.filter(level=filters["level"])
    if not filters.get("q") and not filters.get("level"):
        units = selectors.root_units_for(request.user, on=day)
    page = page_of(request, units, PAGE_SIZE)
    return render(request, "directory/unit_list.html", {"form": form, "page": page})


@staff_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for(request.user, pk)
    show_former = request.GET.get("former") == "1"
    children = selectors.unit_children(unit)
    if not show_former:
        # A former unit's children are those of its own time, not today's.
        children = children.filter(selectors.valid_on_q(unit.valid_until or timezone.localdate()))
    page = page_of(request, children, PAGE_SIZE)
    context = {
        "unit": unit,
        "ancestors": [
            ancestor
            for ancestor in selectors.unit_ancestors(unit)
            if selectors.scope_for(request.user).covers_unit(ancestor)
        ],
        "page": page,
        "show_former": show_former,
        "agencies": selectors.agencies_in_unit(request.user, unit),
        "people_count": selectors.people_for(request.user)
        .filter(agency__unit__path__startswith=unit.path)
        .count(),
    }
    return render(request, "directory/unit_detail.html", context)


@staff_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = selectors.get_unit_for(request.user, filters["unit"]) if filters.get("unit") else None
    agency = (
        selectors.get_agency_for(request.user, filters["agency"]) if filters.get("agency") else None
    )
    people = selectors.search_people(
        selectors.people_for(request.user),
        query=filters.get("q", ""),
        unit=unit,
        agency_id=agency.pk if agency else None,
    )
    page = page_of(request, people, PAGE_SIZE)
    context = {"form": form, "page": page, "unit": unit, "agency": agency}
    return render(request, "directory/person_list.html", context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for(request.user, pk)
    return render(request, "directory/person_detail.html", {"person": person})


def _import_view(
    request: HttpRequest, *, kind: str, run: Callable[..., services.ImportResult]
) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = run(actor=request.user, file_name=upload.name, content=upload.read())
        except TableRejected as rejected:
            errors = rejected.errors
            status = 400
        else:
            messages.success(
                request,
                _("Imported %(rows)s rows: %(created)s new, %(updated)s updated.")
                % {"rows": result.rows, "created": result.created, "updated": result.updated},
            )
            return redirect("directory:person_list" if kind == "people" else "directory:unit_list")
    elif request.method == "POST":
        status = 400
    context = {"form": form, "errors": errors, "kind": kind}
    return render(request, f"directory/import_{kind}.html", context, status=status)


@organiser_required
@require_http_methods(["GET", "POST"])
def import_people(request: HttpRequest) -> HttpResponse:
    return _import_view(request, kind="people", run=services.import_people)


@organiser_required
@require_http_methods(["GET", "POST"])
def import_units(request: HttpRequest) -> HttpResponse:
    return _import_view(request, kind="units", run=services.import_units)


@organiser_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in services.IMPORT_EXAMPLES:
        raise Http404
    columns = services.PEOPLE_COLUMNS if kind == "people" else services.UNIT_COLUMNS
    return template_csv(f"mau-nhap-{kind}.csv", columns, services.IMPORT_EXAMPLES[kind])


@require_http_methods(["GET", "POST"])
def sign_in_link_request(request: HttpRequest) -> HttpResponse:
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.request_sign_in_link(email=form.cleaned_data["email"])
        return render(
            request, "registration/sign_in_link_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "registration/sign_in_link_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest) -> HttpResponse:
    # The link opens a page with a button: mail scanners that follow links would
    # otherwise spend the one-time token before the person clicks it.
    data = request.POST if request.method == "POST" else request.GET
    token = data.get("token")
    # Where the link leads once signed in (an invitation page); only this site's own pages.
    next_url = data.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST" and token:
        # login() stamps last_login, which is what spends a one-time token.
        user = authenticate(request, sesame=token)
        if user is not None:
            login(request, user)
            return redirect(next_url or "home")
        return render(request, "registration/sign_in_link_invalid.html", status=400)
    if not token:
        return render(request, "registration/sign_in_link_invalid.html", status=400)
    context = {"token": token, "next": next_url}
    return render(request, "registration/sign_in_link_confirm.html", context)
