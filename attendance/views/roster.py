"""The roster page of a bridge point: who is expected, who has come, and every change to it."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from common.downloads import template_csv
from common.forms import add_service_errors
from common.params import page_of, search_text
from common.redirects import back_to
from directory.access import staff_required
from directory.forms import ImportForm
from directory.models import PersonalDataExport
from directory.selectors import agencies_for
from directory.services.exports_log import record_personal_data_export
from directory.spreadsheets import TableRejected
from events import services as events_services
from events.forms import (
    ContactForm,
    InviteAgencyForm,
    PersonDetailsForm,
    ReasonForm,
    SubstituteForm,
)
from events.models import RosterEntry, RosterImport, SessionPoint
from events.selectors import unreached_people
from events.services.rosters import ROSTER_COLUMNS, ROSTER_EXAMPLE, people_in_reach

from .. import roster_exports as exports
from .. import selectors, services
from ..window import window_notice

PAGE_SIZE = 50


def _roster_url(participation: SessionPoint) -> str:
    return reverse("attendance:roster", args=[participation.pk])


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _agencies(request: HttpRequest, participation: SessionPoint) -> object:
    return (
        agencies_for(request.user)
        .filter(unit__path__startswith=participation.point.unit.path)
        .order_by("name")
    )


@staff_required
def roster(request: HttpRequest, participation_id: int) -> HttpResponse:
    participation = selectors.kept_participation(request.user, participation_id)
    query = search_text(request, "q")
    removed = request.GET.get("removed") == "1"
    entries = selectors.roster(participation, query=query, removed=removed)
    page = page_of(request, entries, PAGE_SIZE)
    # Every row's status is judged against this session: read once, not once a row.
    for entry in page.object_list:
        if (attendance := entry.attendance_or_none) is not None:
            attendance.session = participation.session
    find = search_text(request, "find")
    found = []
    if find:
        on_roster = participation.session.roster.values("person_id")
        found = list(
            people_in_reach(request.user)
            .filter(full_name__icontains=find)
            .exclude(pk__in=on_roster)
            .order_by("sort_name")[:20]
        )
    counts = selectors.live_counts(
        participation.session, participation.session.participations.filter(pk=participation.pk)
    )
    context = {
        "participation": participation,
        "session": participation.session,
        "point": participation.point,
        "page": page,
        "query": query,
        "removed": removed,
        "find": find,
        "found": found,
        "counts": counts,
        # Rosters and attendance change until the session is closed (or cancelled); people
        # are checked in only inside its check-in window.
        "is_open": participation.session.attendance_open,
        "window": window_notice(participation.session),
        "walk_in_form": PersonDetailsForm(prefix="walk"),
        "agency_form": InviteAgencyForm(
            agencies=_agencies(request, participation), unit_id=participation.point.unit_id
        ),
        "reason_form": ReasonForm(),
        "recent_scans": selectors.recent_scans(participation, limit=10),
        "unreached": unreached_people(request.user, participation),
    }
    return render(request, "attendance/roster.html", context)


@staff_required
def roster_at(request: HttpRequest, session_id: int, point_id: int) -> HttpResponse:
    """The roster of a session at a point, reached from the coordinator's list of points."""
    participation = selectors.get_participation(request.user, session_id, point_id)
    return redirect(_roster_url(participation))


@staff_required
@require_POST
def roster_add(request: HttpRequest, participation_id: int) -> HttpResponse:
    participation = selectors.kept_participation(request.user, participation_id)
    ids = [int(value) for value in request.POST.getlist("person") if value.isdigit()]
    try:
        result = events_services.add_to_roster(
            actor=request.user, participation=participation, person_ids=ids
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        _report(request, result)
    return redirect(_roster_url(participation))


def _report(request: HttpRequest, result: events_services.RosterResult) -> None:
    if result.added or result.restored:
        messages.success(
            request,
            ngettext(
                "%(count)s person added to the roster.",
                "%(count)s people added to the roster.",
                result.added + result.restored,
            )
            % {"count": result.added + result.restored},
        )
    if result.already_here:
        messages.info(
            request,
            _("%(count)s were already on this roster.") % {"count": result.already_here},
        )
    if result.elsewhere:
        messages.warning(
            request,
            _("Already expected at another point, not added: %(names)s")
            % {"names": ", ".join(result.elsewhere[:20])},
        )


@staff_required
@require_POST
def roster_invite_agency(request: HttpRequest, participation_id: int) -> HttpResponse:
    participation = selectors.kept_participation(request.user, participation_id)
    form = InviteAgencyForm(
        request.POST,
        agencies=_agencies(request, participation),
        unit_id=participation.point.unit_id,
    )
    if not form.is_valid():
        messages.error(request, _("Choose an agency of this point's area."))
        return redirect(_roster_url(participation))
    try:
        _invitation, result = events_services.invite_agency_here(
            actor=request.user, participation=participation, agency=form.cleaned_data["agency"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        _report(request, result)
    return redirect(_roster_url(participation))


@staff_required
@require_POST
def roster_walk_in(request: HttpRequest, participation_id: int) -> HttpResponse:
    participation = selectors.kept_participation(request.user, participation_id)
    form = PersonDetailsForm(request.POST, prefix="walk")
    if form.is_valid():
        try:
            entry = services.check_in_walk_in(
                actor=request.user, participation=participation, details=form.details()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s checked in at the door.") % {"name": entry.person.full_name}
            )
            return redirect(_roster_url(participation))
    context = {"participation": participation, "form": form, "title": _("Walk-in at the door")}
    return render(request, "attendance/person_form.html", context, status=400)


def _back(request: HttpRequest, entry: RosterEntry) -> HttpResponse:
    """Back where the button was (a page of this site), else to the entry's roster."""
    return back_to(request, _roster_url(entry.participation))


def _change_entry(
    request: HttpRequest, entry_id: int, change: Callable[[RosterEntry, str], str]
) -> HttpResponse:
    """One button on a roster row: `change` gets the entry and the posted reason (the audit
    wants one for most) and returns what was done, with `%(name)s` for the person."""
    entry = selectors.kept_entry(request.user, entry_id)
    name = entry.person.full_name
    try:
        done = change(entry, request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done % {"name": name})
    return _back(request, entry)


@staff_required
@require_POST
def entry_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    def remove(entry: RosterEntry, reason: str) -> str:
        events_services.remove_from_roster(actor=request.user, entry=entry, reason=reason)
        return _("%(name)s was taken off the roster.")

    return _change_entry(request, entry_id, remove)


@staff_required
@require_POST
def entry_revoke_ticket(request: HttpRequest, entry_id: int) -> HttpResponse:
    def revoke(entry: RosterEntry, reason: str) -> str:
        events_services.revoke_ticket(actor=request.user, entry=entry, reason=reason)
        return _("%(name)s's QR code was revoked; print or send the new one.")

    return _change_entry(request, entry_id, revoke)


@staff_required
@require_POST
def entry_undo(request: HttpRequest, entry_id: int) -> HttpResponse:
    def undo(entry: RosterEntry, reason: str) -> str:
        services.undo_check_in(actor=request.user, entry=entry, reason=reason)
        return _("%(name)s's check-in was undone.")

    return _change_entry(request, entry_id, undo)


@staff_required
@require_POST
def entry_excuse(request: HttpRequest, entry_id: int) -> HttpResponse:
    def excuse(entry: RosterEntry, reason: str) -> str:
        services.request_excuse(actor=request.user, entry=entry, reason=reason)
        return _("An excuse for %(name)s awaits the organiser's decision.")

    return _change_entry(request, entry_id, excuse)


def _decide(request: HttpRequest, entry_id: int, *, approve: bool) -> HttpResponse:
    def decide(entry: RosterEntry, note: str) -> str:
        services.decide_excuse(actor=request.user, entry=entry, approve=approve, note=note)
        return _("The excuse for %(name)s was decided.")

    return _change_entry(request, entry_id, decide)


@staff_required
@require_POST
def entry_approve(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _decide(request, entry_id, approve=True)


@staff_required
@require_POST
def entry_reject(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _decide(request, entry_id, approve=False)


def _scan(request: HttpRequest, entry_id: int, *, action: str) -> HttpResponse:
    """A check-in or check-out by hand, recorded as the scanner records a scan."""

    def scan(entry: RosterEntry, _reason: str) -> str:
        result = services.record_scan(
            actor=request.user,
            request=services.ScanRequest(
                participation_id=entry.participation_id,
                entry_id=entry.pk,
                device_id="roster-page",
                action=action,
            ),
        )
        if not result.accepted:
            raise ValidationError(result.message)
        return result.message.replace("%", "%%")  # already says who; nothing to fill in

    return _change_entry(request, entry_id, scan)


@staff_required
@require_POST
def entry_check_in(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _scan(request, entry_id, action=services.CHECK_IN)


@staff_required
@require_POST
def entry_check_out(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _scan(request, entry_id, action=services.CHECK_OUT)


@staff_required
@require_POST
def entry_unknown_action(request: HttpRequest, entry_id: int) -> HttpResponse:
    def refuse(_entry: RosterEntry, _reason: str) -> str:
        raise ValidationError(_("Unknown action."))

    return _change_entry(request, entry_id, refuse)


# The rows' buttons used to post to one address with an `action`; old pages still may.
ENTRY_ACTIONS: dict[str, Callable[[HttpRequest, int], HttpResponse]] = {
    "remove": entry_remove,
    "revoke": entry_revoke_ticket,
    "undo": entry_undo,
    "excuse": entry_excuse,
    "approve": entry_approve,
    "reject": entry_reject,
    "check_in": entry_check_in,
    "check_out": entry_check_out,
}


@staff_required
@require_POST
def entry_action(request: HttpRequest, entry_id: int) -> HttpResponse:
    """The rows' old address: the view named by `action` answers."""
    view = ENTRY_ACTIONS.get(request.POST.get("action", ""), entry_unknown_action)
    return view(request, entry_id)


def _entry_form(
    request: HttpRequest,
    entry: RosterEntry,
    form: forms.Form,
    *,
    title: str,
    save: Callable[[], str],
    contact: bool = False,
) -> HttpResponse:
    """A form about one roster entry: saved by `save` (which says what was done), or shown
    again with the service's errors on its fields."""
    if request.method == "POST" and form.is_valid():
        try:
            done = save()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(_roster_url(entry.participation))
    context = {
        "participation": entry.participation,
        "form": form,
        "entry": entry,
        "title": title,
        "contact": contact,
    }
    return render(
        request, "attendance/person_form.html", context, status=400 if form.errors else 200
    )


@staff_required
@require_http_methods(["GET", "POST"])
def substitute(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.kept_entry(request.user, entry_id)
    form = SubstituteForm(request.POST or None)

    def save() -> str:
        new_entry = events_services.add_substitute(
            actor=request.user,
            entry=entry,
            details=form.details(),
            reason=form.cleaned_data["reason"],
        )
        return _("%(new)s attends in place of %(old)s.") % {
            "new": new_entry.person.full_name,
            "old": entry.person.full_name,
        }

    title = _("Substitute for %(name)s") % {"name": entry.person.full_name}
    return _entry_form(request, entry, form, title=title, save=save)


@staff_required
@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest, participation_id: int) -> HttpResponse:
    """Upload, see every row (or every error), then confirm; nothing is added before."""
    participation = selectors.kept_participation(request.user, participation_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"participation": participation, "form": form, "columns": ROSTER_COLUMNS}
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        confirm = request.POST["confirm"]
        upload = RosterImport.objects.filter(
            pk=int(confirm) if confirm.isdigit() else None,
            participation=participation,
            uploaded_by=request.user,
        ).first()
        if upload is None:
            messages.error(request, _("This upload is no longer available; upload it again."))
            return redirect(reverse("attendance:roster_import", args=[participation.pk]))
        try:
            result = events_services.apply_roster_import(actor=request.user, upload=upload)
        except TableRejected as rejected:
            context["errors"], status = rejected.errors, 400
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(_roster_url(participation))
        else:
            _report(request, result)
            return redirect(_roster_url(participation))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            context["preview"] = events_services.preview_roster_import(
                actor=request.user,
                participation=participation,
                file_name=upload.name,
                content=upload.read(),
            )
        except TableRejected as rejected:
            context["errors"], status = rejected.errors, 400
        except ValidationError as error:
            messages.error(request, _error_text(error))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "attendance/roster_import.html", context, status=status)


@staff_required
def roster_template(request: HttpRequest, participation_id: int) -> HttpResponse:
    selectors.kept_participation(request.user, participation_id)
    return template_csv("mau-danh-sach-dai-bieu.csv", ROSTER_COLUMNS, ROSTER_EXAMPLE)


@staff_required
def roster_export(request: HttpRequest, participation_id: int, file_format: str) -> HttpResponse:
    participation = selectors.kept_participation(request.user, participation_id)
    entries = selectors.roster(participation).select_related("session")
    point_name = participation.point.name
    record_personal_data_export(
        actor=request.user,
        kind=PersonalDataExport.Kind.ROSTER,
        file_format=file_format,
        rows=entries.count(),
        unit_id=participation.point.unit_id,
        session_id=participation.session_id,
        point_id=participation.point_id,
        programme_id=participation.session.programme_id,
        label=f"{participation.session.title} · {point_name}",
    )
    name = f"danh-sach-{participation.session_id}-{slugify(point_name) or participation.pk}"
    if file_format == "xlsx":
        title = f"{participation.session.title} · {point_name}"
        content = exports.roster_xlsx(entries, title, point_name)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(
        exports.roster_csv(entries, point_name), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def entry_contact(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Correct a delegate's e-mail or phone when their notices could not reach them."""
    entry = selectors.kept_entry(request.user, entry_id)
    initial = {"email": entry.person.email, "phone": entry.person.phone}
    form = ContactForm(request.POST or None, initial=initial)
    name = entry.person.full_name

    def save() -> str:
        events_services.correct_contact(actor=request.user, entry=entry, **form.cleaned_data)
        return _("%(name)s's contact was corrected; the notices will be sent again.") % {
            "name": name
        }

    title = _("Correct the contact of %(name)s") % {"name": name}
    return _entry_form(request, entry, form, title=title, save=save, contact=True)
