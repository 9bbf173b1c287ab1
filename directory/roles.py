"""Pages of staff accounts and roles: who holds what in the organiser's scope, granting,
revoking, new coordinator accounts, and the record of every change."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.params import id_or_none, page_of, search_text
from common.search import search_folded

from . import selectors
from .access import organiser_required
from .forms import (
    GrantRoleForm,
    RevokeRoleForm,
    RoleChangeFilterForm,
    StaffAccountForm,
    StaffFilterForm,
    add_refusal,
)
from .models import RoleAssignment
from .services import request_sign_in_link
from .services.roles import grant_role, grant_role_to_person, revoke_role
from .services.staff import create_staff_account

PAGE_SIZE = 50


def _described(assignment: RoleAssignment) -> str:
    user = assignment.user
    where = assignment.unit.name if assignment.unit_id else _("Nationwide")
    name = user.get_full_name() or user.get_username()
    return f"{name} · {assignment.get_role_display()} · {where}"


@organiser_required
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    assignments = selectors.role_assignments_for(request.user)
    query = search_text(request)
    if query:
        assignments = search_folded(
            assignments,
            ("user__first_name", "user__username", "user__email", "user__person__full_name"),
            query,
        )
    if filters.get("role"):
        assignments = assignments.filter(role=filters["role"])
    if filters.get("unit"):
        assignments = assignments.filter(unit__path__startswith=filters["unit"].path)
    page = page_of(request, assignments, PAGE_SIZE)
    return render(request, "directory/staff_list.html", {"form": form, "page": page})


@organiser_required
@require_http_methods(["GET", "POST"])
def staff_grant(request: HttpRequest) -> HttpResponse:
    initial = {"role": request.GET.get("role", RoleAssignment.Role.COORDINATOR)}
    if user_id := id_or_none(request.GET.get("user")):
        initial["user"] = user_id
    form = GrantRoleForm(request.POST or None, actor=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if data["person"] is not None:
                        assignment = grant_role_to_person(
                            actor=request.user,
                            person=data["person"],
                            role=data["role"],
                            unit=data["unit"],
                            reason=data["reason"],
                        )
                    else:
                        assignment = grant_role(
                            actor=request.user,
                            user=data["user"],
                            role=data["role"],
                            unit=data["unit"],
                            reason=data["reason"],
                        )
            except (ValidationError, PermissionDenied) as error:
                add_refusal(form, error)
            else:
                granted = _("Granted: %(role)s.") % {"role": _described(assignment)}
                messages.success(request, granted)
                return redirect("directory:staff_list")
    return render(request, "directory/staff_grant.html", {"form": form}, status=status)


@organiser_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffAccountForm(request.POST or None, actor=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    user = create_staff_account(
                        actor=request.user,
                        full_name=data["full_name"],
                        email=data["email"],
                        phone=data["phone"],
                        agency=data["agency"],
                    )
                    if data["send_link"]:
                        request_sign_in_link(email=user.email)
            except (ValidationError, PermissionDenied) as error:
                add_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("The account of %(name)s is ready; now give them a role.")
                    % {"name": user.get_full_name() or user.get_username()},
                )
                grant = reverse("directory:staff_grant")
                return redirect(f"{grant}?{urlencode({'user': user.pk, 'role': 'coordinator'})}")
    return render(request, "directory/staff_create.html", {"form": form}, status=status)


@organiser_required
@require_http_methods(["GET", "POST"])
def staff_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.get_role_assignment_for(request.user, pk)
    form = RevokeRoleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                revoke_role(
                    actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
                )
            except (ValidationError, PermissionDenied) as error:
                add_refusal(form, error)
            else:
                revoked = _("Revoked: %(role)s.") % {"role": _described(assignment)}
                messages.success(request, revoked)
                return redirect("directory:staff_list")
    context = {"form": form, "assignment": assignment}
    return render(request, "directory/staff_revoke.html", context, status=status)


@organiser_required
def staff_history(request: HttpRequest) -> HttpResponse:
    form = RoleChangeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    changes = selectors.role_changes_for(request.user)
    query = search_text(request)
    if query:
        changes = search_folded(changes, ("username", "user__first_name", "unit__name"), query)
    if filters.get("action"):
        changes = changes.filter(action=filters["action"])
    if filters.get("role"):
        changes = changes.filter(role=filters["role"])
    page = page_of(request, changes, PAGE_SIZE)
    return render(request, "directory/staff_history.html", {"form": form, "page": page})
