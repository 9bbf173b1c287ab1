"""A point's certificates in one file, drawn by a worker: one PDF to print or a ZIP of each
person's file, kept through the storage API for PRINT_HOURS and then deleted. Nothing of it
needs keeping: the certificates are drawn again, to the same bytes, for the next print."""

import io
import tempfile
import zipfile
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from common.tasks import dispatch_on_commit
from events.models import BridgePoint
from training.models import Programme

from ..models import Certificate, CertificatePrint
from .handout import file_slug
from .rendering import RENDER_CHUNK, certificate_pdfs

PRINT_HOURS = 24


def printable(point: BridgePoint, programme: Programme) -> "list[Certificate]":
    """The point's valid, fingerprinted certificates of a programme, in name order."""
    from ..selectors import printable_for

    return list(printable_for(point, programme.pk))


@transaction.atomic
def request_print(
    *,
    actor: AbstractBaseUser,
    point: BridgePoint,
    programme: Programme,
    file_format: str,
) -> CertificatePrint:
    """Queue a print of the point's certificates (the caller checked the actor may see the
    point); one already waiting or drawing for the same point, programme and format is
    returned instead."""
    from ..tasks import draw_print

    if file_format not in CertificatePrint.Format.values:
        raise ValidationError(_("Choose a PDF or a ZIP."))
    if not printable(point, programme):
        raise ValidationError(_("No certificate of this programme is ready at this point."))
    running = CertificatePrint.objects.filter(
        point=point,
        programme=programme,
        file_format=file_format,
        status__in=CertificatePrint.ACTIVE,
    ).first()
    if running is not None:
        return running
    job = CertificatePrint.objects.create(
        point=point, programme=programme, requested_by=actor, file_format=file_format
    )
    dispatch_on_commit(draw_print, job.pk)
    return job


def draw_print(print_id: int) -> CertificatePrint | None:
    """Draw the print's certificates chunk by chunk, reporting progress, into a file kept
    through the storage API until it expires. Safe to run again: a finished print is left."""
    job = CertificatePrint.objects.select_related("point", "programme").filter(pk=print_id).first()
    if job is None or job.status == CertificatePrint.Status.DONE:
        return job
    certificates = printable(job.point, job.programme)
    _update(job, status=CertificatePrint.Status.RUNNING, total=len(certificates), done=0)
    try:
        with tempfile.TemporaryFile() as spool:
            _write(job, certificates, spool)
            spool.seek(0)
            base = f"giay-chung-nhan-{file_slug(job.programme.code)}-{file_slug(job.point.name)}"
            # A random part: the name is not guessable from the point and programme.
            name = f"{base}-{get_random_string(12).lower()}.{job.file_format}"
            job.file.save(name, File(spool), save=False)
        now = timezone.now()
        _update(
            job,
            file=job.file.name,
            status=CertificatePrint.Status.DONE,
            finished_at=now,
            expires_at=now + timedelta(hours=PRINT_HOURS),
        )
    except Exception as error:
        _update(job, status=CertificatePrint.Status.FAILED, error=str(error)[:500])
        raise
    return job


def _write(job: CertificatePrint, certificates: list[Certificate], out: io.IOBase) -> None:
    writer = PdfWriter() if job.file_format == CertificatePrint.Format.PDF else None
    archive = None if writer else zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    for start in range(0, len(certificates), RENDER_CHUNK):
        chunk = certificates[start : start + RENDER_CHUNK]
        for certificate, data in zip(chunk, certificate_pdfs(chunk), strict=True):
            if writer is not None:
                writer.append(io.BytesIO(data))
            else:
                name = file_slug(certificate.snapshot.get("full_name", "")) or str(certificate.pk)
                archive.writestr(f"{certificate.serial}-{name}.pdf", data)
        _update(job, done=start + len(chunk))
    if writer is not None:
        writer.write(out)
    else:
        archive.close()


def _update(job: CertificatePrint, **values: object) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    CertificatePrint.objects.filter(pk=job.pk).update(**values, updated_at=timezone.now())


def delete_expired_prints(*, now: datetime | None = None) -> int:
    """Delete the files of prints past their expiry, and the prints; returns how many."""
    now = now or timezone.now()
    expired = list(CertificatePrint.objects.filter(expires_at__lt=now).only("pk", "file"))
    _delete(expired)
    return len(expired)


def _delete(jobs: list[CertificatePrint]) -> None:
    for job in jobs:
        if job.file:
            job.file.delete(save=False)
    CertificatePrint.objects.filter(pk__in=[job.pk for job in jobs]).delete()


def print_file(job: CertificatePrint, *, now: datetime | None = None) -> File | None:
    """The print's file to download, or None if it is not ready or has expired (deleted
    here at once rather than at the next sweep)."""
    if job.status != CertificatePrint.Status.DONE or not job.file:
        return None
    if job.expires_at is not None and job.expires_at <= (now or timezone.now()):
        _delete([job])
        return None
    return job.file.open("rb")
