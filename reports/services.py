"""Report exports written by a worker: asked for by an organiser (or an attendee for their
own history), written row by row with progress, downloadable only by who may see them."""

import tempfile
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from common.tasks import dispatch, dispatch_on_commit
from directory.models import Person

from .exports import Report
from .models import ReportExport
from .selectors import build_report, resolve_filters, write_csv, write_xlsx


def must_run_in_background(kind: str, rows: int) -> bool:
    """Exports of more rows than the setting go to a worker; the national roster always does."""
    return kind == ReportExport.Kind.ROSTER or rows > settings.REPORT_EXPORT_INLINE_ROWS


@transaction.atomic
def request_export(
    *,
    actor: AbstractBaseUser,
    kind: str,
    file_format: str,
    parameters: dict[str, Any],
    rows_total: int,
) -> ReportExport:
    """Queue an export; the worker writes it after commit. Checks nothing the caller has not
    already been checked for: the worker checks the filters again in the requester's scope."""
    from .tasks import run_report_export

    export = ReportExport(
        kind=kind,
        file_format=file_format,
        parameters=parameters,
        requested_by=actor,
        rows_total=rows_total,
    )
    export.full_clean()
    export.save()
    dispatch_on_commit(run_report_export, export.pk)
    return export


def prepare_export(
    *, actor: AbstractBaseUser, kind: str, data: Mapping[str, Any], default_year: bool = True
) -> tuple[Report, dict[str, Any]]:
    """The report an export names and the parameters to store with it, read in the actor's
    scope: 403 for someone who is not an organiser (but for their own history), 404 out of
    scope, 400 (ValidationError) for bad filters or a roster without a session."""
    if kind == ReportExport.Kind.HISTORY:
        from .history_access import history_person_for

        person: Person = history_person_for(actor, data.get("person") or None)
        return build_report(kind, None, person), {"person": person.pk}
    filters = resolve_filters(
        actor, {k: v for k, v in data.items() if v is not None}, default_year=default_year
    )
    if kind == ReportExport.Kind.ROSTER and filters.session is None:
        raise ValidationError({"session": [gettext("Choose a session to export its roster.")]})
    return build_report(kind, filters), filters.parameters()


def report_for(user: AbstractBaseUser, kind: str, parameters: dict[str, Any]) -> Report:
    """The report of a stored export, checked again in the requester's scope."""
    report, _parameters = prepare_export(actor=user, kind=kind, data=parameters, default_year=False)
    return report


def _update(export: ReportExport, **fields: object) -> None:
    for name, value in fields.items():
        setattr(export, name, value)
    ReportExport.objects.filter(pk=export.pk).update(**fields, updated_at=timezone.now())


def run_export(export_id: int) -> ReportExport | None:
    """Write the export's file, updating its progress every few thousand rows. Safe to run
    twice: a finished export is left as it is."""
    export = ReportExport.objects.filter(pk=export_id).select_related("requested_by").first()
    if export is None or export.status == ReportExport.Status.DONE:
        return export
    _update(export, status=ReportExport.Status.RUNNING, started_at=timezone.now(), rows_done=0)
    try:
        report = report_for(export.requested_by, export.kind, export.parameters)
        writer = write_xlsx if export.file_format == ReportExport.Format.XLSX else write_csv
        with tempfile.TemporaryFile() as output:
            writer(report, output, lambda done: _update(export, rows_done=done))
            output.seek(0)
            name = f"{report.file_stem}-{export.pk}.{export.file_format}"
            export.file.save(name, File(output), save=False)
        _update(
            export,
            file=export.file.name,
            status=ReportExport.Status.DONE,
            rows_total=max(export.rows_done, 0),
            finished_at=timezone.now(),
        )
    except (PermissionDenied, Http404, ValidationError) as error:
        _update(
            export,
            status=ReportExport.Status.FAILED,
            error=str(error)[:500] or "refused",
            finished_at=timezone.now(),
        )
    except Exception as error:
        _update(
            export,
            status=ReportExport.Status.FAILED,
            error=str(error)[:500] or type(error).__name__,
            finished_at=timezone.now(),
        )
        raise
    return export


def requeue_stalled_exports(*, now: datetime | None = None) -> int:
    """Send again the exports that no worker has touched for REPORT_EXPORT_STALE_MINUTES: one
    asked for while the broker was away, or whose worker died. Returns how many."""
    from .tasks import run_report_export

    cutoff = (now or timezone.now()) - timedelta(minutes=settings.REPORT_EXPORT_STALE_MINUTES)
    stalled = list(
        ReportExport.objects.filter(
            status__in=(ReportExport.Status.QUEUED, ReportExport.Status.RUNNING),
            updated_at__lt=cutoff,
        ).values_list("pk", flat=True)[:100]
    )
    # Touched now, so an export still refused by the broker waits a whole period again.
    ReportExport.objects.filter(pk__in=stalled).update(updated_at=timezone.now())
    for export_id in stalled:
        dispatch(run_report_export, export_id)
    return len(stalled)


def expire_exports(*, now: datetime | None = None) -> int:
    """Delete the files of exports finished more than REPORT_EXPORT_KEEP_DAYS ago (a national
    roster is 10 MB); the export stays, saying its file is gone. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REPORT_EXPORT_KEEP_DAYS)
    expired = 0
    for export in ReportExport.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        export.file.delete(save=False)
        _update(export, file="")
        expired += 1
    return expired
