"""The check-in log (nhật ký điểm danh): every scan attempt and change by hand at a point, for
its coordinators and organisers, or at all of a session's points for an organiser; filtered,
50 at a time, and as CSV or XLSX."""

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.bounds import BIGINT_MAX
from common.params import id_or_none, number_or_none
from directory.access import staff_required
from directory.models import AdministrativeUnit, PersonalDataExport
from directory.selectors import scope_for
from directory.services.exports_log import record_personal_data_export
from events.models import SessionPoint

from .. import audit_exports, selectors
from ..forms import AuditFilterForm
from ..selectors import audit
from ..selectors.dashboard import dashboard_participations, get_dashboard_session

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The most rows a file holds, so that it is written well within the server's 60 seconds: on
# PostgreSQL about 5,000 rows a second for CSV, 2,500 for XLSX. A national session's log
# (300,000 rows and more) is downloaded a point, a kind or a day at a time.
EXPORT_MAX_ROWS = {"csv": 100_000, "xlsx": 50_000}
LAST_PAGE = BIGINT_MAX // audit.PAGE_SIZE


def _thousands(number: int) -> str:
    """ "100.000": thousands as Vietnamese writes them."""
    return f"{number:,}".replace(",", ".")


def _page_number(request: HttpRequest) -> int:
    return min(number_or_none(request.GET.get("page"), minimum=1) or 1, LAST_PAGE)


def _query(request: HttpRequest, **changes: object) -> str:
    """The page's address parameters with some changed (a page, a file); "" when none."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()


def _chosen_point(request: HttpRequest, place: audit.AuditPlace) -> tuple[SessionPoint | None, str]:
    """The session view's point picker: (the chosen point's participation or None, a
    problem). Only the session's points in the organiser's scope can be chosen."""
    raw = request.GET.get("point", "")
    if not raw:
        return None, ""
    point_id = id_or_none(raw)
    participation = (
        dashboard_participations(place.viewer, place.session)
        .select_related("session__programme", "point__unit")
        .filter(point_id=point_id)
        .first()
        if point_id
        else None
    )
    if participation is None:
        return None, _("Choose a bridge point of this session in your scope.")
    return participation, ""


def _render(
    request: HttpRequest,
    place: audit.AuditPlace,
    *,
    chosen: SessionPoint | None = None,
    problem: str = "",
    file_problem: str = "",
) -> HttpResponse:
    """The page; `problem` (filters it cannot read) shows no rows, `file_problem` (a file
    refused) shows them under what was refused. Either answers 400."""
    form = AuditFilterForm(request.GET)
    readable = form.is_valid() and not problem
    page = None
    if readable:
        reading = audit.AuditPlace(place.viewer, place.session, chosen or place.participation)
        page = audit.timeline(reading, form.filters(), _page_number(request))
    session = place.session
    context = {
        "session": session,
        "participation": place.participation,
        "point": place.participation.point if place.participation else None,
        "chosen_point": chosen.point if chosen else None,
        "form": form,
        "problem": problem or file_problem,
        "page": page,
        "here": _here(place),
        "query": _query(request, page=None),
        "previous_query": _query(request, page=page.number - 1) if page else "",
        "next_query": _query(request, page=page.number + 1) if page else "",
        "points_source": f"{reverse('events:pick_points')}?session={session.pk}&all=1",
    }
    status = 200 if readable and not file_problem else 400
    return render(request, "attendance/audit.html", context, status=status)


@staff_required
@require_GET
def point_audit(request: HttpRequest, participation_id: int) -> HttpResponse:
    """A point's log, for its coordinators and the organisers over it (404 for anyone
    else, as for a point that does not exist)."""
    participation = selectors.kept_participation(request.user, participation_id)
    place = audit.AuditPlace(request.user, participation.session, participation)
    return _render(request, place)


@staff_required
@require_GET
def session_audit(request: HttpRequest, session_id: int) -> HttpResponse:
    """The log of every point of a session in an organiser's scope, or of one of them."""
    session = get_dashboard_session(request.user, session_id)
    place = audit.AuditPlace(request.user, session)
    chosen, problem = _chosen_point(request, place)
    return _render(request, place, chosen=chosen, problem=problem)


def _export_unit_id(place: audit.AuditPlace, reading: audit.AuditPlace) -> int | None:
    """Where the exported people are, for who reads the record: the point's unit, else the
    organiser's own unit when they have one, else the session's programme's."""
    if reading.participation is not None:
        return reading.participation.point.unit_id
    scope = scope_for(place.viewer)
    if not scope.national and len(scope.unit_paths) == 1:
        unit = AdministrativeUnit.objects.filter(path=scope.unit_paths[0]).values("pk").first()
        if unit:
            return unit["pk"]
    return place.session.programme.unit_id


def _here(place: audit.AuditPlace) -> str:
    if place.participation is not None:
        return reverse("attendance:point_audit", args=[place.participation.pk])
    return reverse("attendance:session_audit", args=[place.session.pk])


def _export(
    request: HttpRequest,
    place: audit.AuditPlace,
    file_format: str,
    *,
    chosen: SessionPoint | None = None,
    problem: str = "",
) -> HttpResponse:
    """The filtered log as a file, recorded as personal data leaving the system; refused
    filters show the page with what is wrong, and nothing is recorded."""
    form = AuditFilterForm(request.GET)
    if problem or not form.is_valid():
        return _render(request, place, chosen=chosen, problem=problem)
    reading = audit.AuditPlace(place.viewer, place.session, chosen or place.participation)
    filters = form.filters()
    rows = audit.count(reading, filters)
    if rows > EXPORT_MAX_ROWS[file_format]:
        problem = _(
            "%(count)s rows are too many for one file (at most %(limit)s): choose a bridge "
            "point, what happened, or fewer days."
        ) % {"count": _thousands(rows), "limit": _thousands(EXPORT_MAX_ROWS[file_format])}
        return _render(request, place, chosen=chosen, file_problem=problem)
    session, point = place.session, reading.participation.point if reading.participation else None
    label = f"{session.title} · {point.name if point else _('every point')} · {_('check-in log')}"
    record_personal_data_export(
        actor=request.user,
        kind=PersonalDataExport.Kind.ROSTER if point else PersonalDataExport.Kind.NATIONAL_ROSTER,
        file_format=file_format,
        rows=rows,
        unit_id=_export_unit_id(place, reading),
        session_id=session.pk,
        point_id=point.pk if point else None,
        programme_id=session.programme_id,
        label=label,
    )
    stem = f"nhat-ky-diem-danh-{session.pk}" + (f"-{point.pk}" if point else "")
    every_row = audit.every_row(reading, filters)
    if file_format == "xlsx":
        return FileResponse(
            audit_exports.xlsx_file(every_row, label),
            as_attachment=True,
            filename=f"{stem}.xlsx",
            content_type=XLSX,
        )
    response = StreamingHttpResponse(
        audit_exports.csv_chunks(every_row), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.csv")
    return response


@staff_required
@require_GET
def point_audit_export(
    request: HttpRequest, participation_id: int, file_format: str
) -> HttpResponse:
    participation = selectors.kept_participation(request.user, participation_id)
    place = audit.AuditPlace(request.user, participation.session, participation)
    return _export(request, place, file_format)


@staff_required
@require_GET
def session_audit_export(request: HttpRequest, session_id: int, file_format: str) -> HttpResponse:
    session = get_dashboard_session(request.user, session_id)
    place = audit.AuditPlace(request.user, session)
    chosen, problem = _chosen_point(request, place)
    return _export(request, place, file_format, chosen=chosen, problem=problem)
