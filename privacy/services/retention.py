"""How long personal data that is not an official record is kept (Decree 13/2023/NĐ-CP:
no longer than its purpose needs), applied by a daily purge.

- An uploaded roster file (names, e-mails, phones) serves its preview and confirmation;
  after RETENTION_UPLOAD_DAYS its bytes are emptied. The row stays: who uploaded which
  file when, and how many people it added.
- A scan attempt's device id and scanned text serve the investigation of a forgery or a
  fault; after RETENTION_SCAN_DEVICE_DAYS they are cleared. The attempt stays: who was
  scanned, by whom, when, and the result are the official record of attendance.
- Report export files go by the reports app's own expiry (REPORT_EXPORT_KEEP_DAYS).
- People and unit imports (directory) keep only the file's name and counts, never its
  content, so there is nothing of theirs to purge.

Attendance, certificates, completions and the audit of changes are official records and
are never purged here.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from attendance.models import ScanAttempt
from events.models import RosterImport
from reports.services import expire_exports

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeResult:
    uploads_emptied: int
    scans_cleared: int
    export_files_deleted: int


def in_batches(queryset: QuerySet, values: dict[str, object], *, batch_size: int) -> int:
    """UPDATE the rows of `queryset` to `values`, `batch_size` rows a statement (each its
    own short transaction), until none is left; returns how many. The queryset must stop
    matching a row once it is updated, which is what makes this end and safe to repeat."""
    model = queryset.model
    total = 0
    while True:
        batch = queryset.order_by().values("pk")[:batch_size]
        changed = model.objects.filter(pk__in=batch).update(**values)
        total += changed
        if changed < batch_size:
            return total


def purge_roster_uploads(*, now: datetime, batch_size: int) -> int:
    cutoff = now - timedelta(days=settings.RETENTION_UPLOAD_DAYS)
    stale = RosterImport.objects.filter(uploaded_at__lt=cutoff).exclude(content=b"")
    return in_batches(stale, {"content": b""}, batch_size=batch_size)


def purge_scan_device_details(*, now: datetime, batch_size: int) -> int:
    cutoff = now - timedelta(days=settings.RETENTION_SCAN_DEVICE_DAYS)
    stale = ScanAttempt.objects.filter(server_time__lt=cutoff).filter(
        ~Q(device_id="") | ~Q(payload="")
    )
    return in_batches(stale, {"device_id": "", "payload": ""}, batch_size=batch_size)


def purge_personal_data(
    *, now: datetime | None = None, batch_size: int | None = None
) -> PurgeResult:
    """Apply the retention periods; idempotent (a second run changes nothing), set-based
    (a few UPDATE statements, however many rows)."""
    now = now or timezone.now()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    result = PurgeResult(
        uploads_emptied=purge_roster_uploads(now=now, batch_size=batch_size),
        scans_cleared=purge_scan_device_details(now=now, batch_size=batch_size),
        export_files_deleted=expire_exports(now=now),
    )
    logger.info("personal data purged: %s", result)
    return result
