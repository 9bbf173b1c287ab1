"""Attendance by hand: typing in a point's paper sign-in sheet, correcting one person's
times, and printing the sheet itself."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from common.forms import add_service_errors
from common.params import page_of, search_text
from directory.access import staff_required
from directory.models import PersonalDataExport
from directory.services.exports_log import record_personal_data_export
from events.models import SessionPoint

from .. import selectors, sheets
from ..forms import CorrectTimesForm, PaperSheetForm, SheetLine, posted_lines, sheet_rows
from ..selectors.paper import sheet_people
from ..services.changes import correct_times
from ..services.paper import enter_paper_attendance

PAGE_SIZE = 50


def _sheet_url(participation: SessionPoint, query: str, page: int) -> str:
    url = reverse("attendance:paper_entry", args=[participation.pk])
    params = {key: value for key, value in (("q", query), ("page", page)) if value}
    return f"{url}?{urlencode(params)}" if params else url


def _place_errors(error: ValidationError, used: list[SheetLine], form: PaperSheetForm) -> list[str]:
    """The service's `rows.<i>` beside the line they are about (its problem only: the line
    names the person); the reason's on its field. Returns what belongs on no line."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    elsewhere = []
    for key, problems in error.error_dict.items():
        index = key.removeprefix("rows.")
        if key.startswith("rows.") and index.isdigit() and int(index) < len(used):
            used[int(index)].errors += [
                (problem.params or {}).get("problem") or " ".join(problem.messages)
                for problem in problems
            ]
        elif key == "reason":
            form.add_error(key, problems)
        elif key == NON_FIELD_ERRORS:
            elsewhere[:0] = [m for problem in problems for m in problem.messages]
        else:
            elsewhere += [m for problem in problems for m in problem.messages]
    return elsewhere


@staff_required
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, participation_id: int) -> HttpResponse:
    """A point's roster, 50 at a time, with a time to type beside each name: what people
    wrote on the paper sheet is entered for all those ticked at once, or not at all."""
    participation = selectors.kept_participation(request.user, participation_id)
    session = participation.session
    query = search_text(request, "q")
    page = page_of(request, selectors.roster(participation, query=query), PAGE_SIZE)
    form = PaperSheetForm(request.POST or None, session=session)
    lines: dict[int, SheetLine] = {}
    problems: list[str] = []
    if request.method == "POST":
        posted = posted_lines(request.POST)
        lines = {line.entry_id: line for line in posted}
        if form.is_valid():
            rows, used = sheet_rows(
                posted,
                day=form.cleaned_data["day"],
                arrival=form.cleaned_data["arrival"],
                departure=form.cleaned_data["departure"],
            )
            unreadable = any(line.errors for line in posted)
            if not rows and not unreadable:
                problems.append(_("Tick the people who signed the sheet, or type their times."))
            elif not unreadable:
                try:
                    done = enter_paper_attendance(
                        actor=request.user,
                        participation=participation,
                        rows=rows,
                        reason=form.cleaned_data["reason"],
                        overwrite=form.cleaned_data["overwrite"],
                    )
                except ValidationError as error:
                    problems = _place_errors(error, used, form)
                else:
                    messages.success(
                        request,
                        ngettext(
                            "Recorded the attendance of %(count)s person from the sign-in sheet.",
                            "Recorded the attendance of %(count)s people from the sign-in sheet.",
                            len(done),
                        )
                        % {"count": len(done)},
                    )
                    return redirect(_sheet_url(participation, query, page.number))
    for entry in page:
        entry.sheet_line = lines.get(entry.pk)
    context = {
        "participation": participation,
        "session": session,
        "point": participation.point,
        "page": page,
        "query": query,
        "form": form,
        "problems": problems,
        "is_open": session.attendance_open,
        "action": _sheet_url(participation, query, page.number),
    }
    failed = request.method == "POST"
    return render(request, "attendance/paper_entry.html", context, status=400 if failed else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def entry_times(request: HttpRequest, entry_id: int) -> HttpResponse:
    """One person's arrival and departure set by hand (Sửa giờ), with a reason."""
    entry = selectors.kept_entry(request.user, entry_id)
    attendance = getattr(entry, "attendance", None)
    initial = {}
    if attendance is not None:
        initial = {
            "checked_in_at": attendance.checked_in_at
            and timezone.localtime(attendance.checked_in_at),
            "checked_out_at": attendance.checked_out_at
            and timezone.localtime(attendance.checked_out_at),
        }
    form = CorrectTimesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            correct_times(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The times of %(name)s were corrected.") % {"name": entry.person.full_name},
            )
            return redirect(reverse("attendance:roster", args=[entry.participation_id]))
    context = {
        "participation": entry.participation,
        "session": entry.session,
        "entry": entry,
        "attendance": attendance,
        "form": form,
        "is_open": entry.session.attendance_open,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "attendance/entry_times.html", context, status=status)


@staff_required
def sign_in_sheet(request: HttpRequest, participation_id: int) -> HttpResponse:
    """The point's printable sign-in sheet (PDF); its names and agencies leave the system
    with it, so the download is recorded as the roster's exports are."""
    participation = selectors.kept_participation(request.user, participation_id)
    session, point = participation.session, participation.point
    people = sheet_people(participation)
    record_personal_data_export(
        actor=request.user,
        kind=PersonalDataExport.Kind.ROSTER,
        file_format=PersonalDataExport.Format.PDF,
        rows=len(people),
        unit_id=point.unit_id,
        session_id=session.pk,
        point_id=point.pk,
        programme_id=session.programme_id,
        label=f"{session.title} · {point.name} · {_('sign-in sheet')}",
    )
    response = HttpResponse(
        sheets.sign_in_sheet(participation, people), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'inline; filename="danh-sach-ky-ten-{session.pk}-{point.pk}.pdf"'
    )
    return response
