"""Who may follow and download a report export: its requester, or an organiser whose scope
covers what it reports on; to anyone else it does not exist."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext

from directory.models import AdministrativeUnit, Person
from directory.selectors import AnyUser, scope_for

from .models import ReportExport


def get_export_for(user: AnyUser, export_id: int) -> ReportExport:
    export = ReportExport.objects.filter(pk=export_id).first()
    if export is None or not user.is_authenticated:
        raise Http404
    if export.requested_by_id == user.pk:
        return export
    scope = scope_for(user)
    if not scope.is_organiser:
        raise Http404
    if export.kind == ReportExport.Kind.HISTORY:
        person = (
            Person.objects.filter(pk=export.parameters.get("person"))
            .select_related("agency__unit")
            .first()
        )
        if person is not None and scope.covers_unit(person.agency.unit):
            return export
        raise Http404
    unit = AdministrativeUnit.objects.filter(pk=export.parameters.get("unit")).first()
    if unit is None or not scope.covers_unit(unit):
        raise Http404
    return export


def export_progress(export: ReportExport, download_url: str) -> dict[str, object]:
    done = export.status == ReportExport.Status.DONE
    error = export.error
    if done and not export.file:
        error = gettext(
            "The file was deleted %(days)d days after it was written; export again."
        ) % {"days": settings.REPORT_EXPORT_KEEP_DAYS}
    return {
        "id": export.pk,
        "active": export.is_active,
        "status": export.status,
        "status_label": str(export.get_status_display()),
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "percent": export.percent,
        "download_url": download_url if done and export.file else "",
        "error": error,
    }
