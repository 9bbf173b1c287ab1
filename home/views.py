"""The site's home: the organiser's desk, a coordinator's directory overview, an attendee's
own record."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from common.params import id_or_none, page_of
from directory import selectors as directory_selectors
from directory.access import organiser_required
from directory.models import ImportRecord

from . import selectors, services
from .forms import ExcuseDecisionForm

EXCUSE_PAGE_SIZE = 50
SESSION_PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = directory_selectors.scope_for(request.user)
    if scope.is_organiser:
        return _organiser_home(request)
    if not scope.is_staff:
        person = directory_selectors.people_for(request.user).first()
        return render(request, "directory/home_attendee.html", {"person": person})
    return render(request, "directory/home_staff.html", _directory_overview(request))


def _directory_overview(request: HttpRequest) -> dict[str, object]:
    scope = directory_selectors.scope_for(request.user)
    # A scoped organiser's units may all be former ones (Vĩnh Phúc merged in 2025): count
    # their whole scope; a national view counts today's tree.
    today = timezone.localdate() if scope.national else None
    return {
        "root_units": directory_selectors.root_units_for(request.user, on=today),
        "agency_count": directory_selectors.agencies_for(request.user).count(),
        "people_count": directory_selectors.people_for(request.user).count(),
        "level_counts": directory_selectors.level_counts_for(request.user, on=today),
        "recent_imports": ImportRecord.objects.filter(imported_by=request.user)[:5],
    }


def _organiser_home(request: HttpRequest) -> HttpResponse:
    context = _directory_overview(request)
    context["desk"] = selectors.organiser_home(request.user)
    return render(request, "home/organiser_home.html", context)


@organiser_required
@require_GET
def sessions_to_close(request: HttpRequest) -> HttpResponse:
    page = page_of(
        request,
        selectors.sessions_to_close(request.user).select_related("programme"),
        SESSION_PAGE_SIZE,
    )
    context = {"page": page, "auto_close_days": settings.SESSION_AUTO_CLOSE_DAYS}
    return render(request, "home/sessions_to_close.html", context)


@organiser_required
@require_http_methods(["GET", "POST"])
def excuse_queue(request: HttpRequest) -> HttpResponse:
    """Every excuse request waiting in the organiser's scope, decided in bulk."""
    session_id = id_or_none(request.GET.get("session"))
    if request.method == "POST":
        form = ExcuseDecisionForm(request.POST, entry_values=request.POST.getlist("entry"))
        if form.is_valid():
            _decide(request, form)
            return redirect(request.get_full_path())
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    page = page_of(
        request, selectors.excuse_queue(request.user, session_id=session_id), EXCUSE_PAGE_SIZE
    )
    context = {
        "page": page,
        "session_id": session_id,
        "sessions": selectors.excuse_sessions(request.user),
        "total": selectors.pending_excuses(request.user).count(),
    }
    return render(request, "home/excuse_queue.html", context)


def _decide(request: HttpRequest, form: ExcuseDecisionForm) -> None:
    approve = form.cleaned_data["decision"] == "approve"
    try:
        result = services.decide_excuses(
            actor=request.user,
            entry_ids=form.cleaned_data["entry_ids"],
            approve=approve,
            note=form.cleaned_data["note"],
        )
    except services.ExcuseNotFound:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    if result.decided:
        done = (
            ngettext("%(count)d excuse approved.", "%(count)d excuses approved.", result.decided)
            if approve
            else ngettext("%(count)d excuse refused.", "%(count)d excuses refused.", result.decided)
        )
        messages.success(request, done % {"count": result.decided})
    if result.skipped:
        messages.warning(
            request,
            _(
                "Skipped, no longer waiting for a decision "
                "(decided meanwhile or session closed): %(names)s."
            )
            % {"names": ", ".join(result.skipped)},
        )
