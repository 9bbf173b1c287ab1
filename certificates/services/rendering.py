"""Drawing certificates: once by the workers, in chunks, to record each file's SHA-256 and
tell its holder; again whenever the file is asked for. Files are not stored: a
certificate's drawing is the same bytes each time (`pdf.py`)."""

import hashlib
from collections.abc import Sequence

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from common.tasks import dispatch_on_commit
from events.notices.planning import queue_entry_notices

from ..models import Certificate
from ..notices import CERTIFICATE_READY
from ..pdf import CertificatePage, render_pages
from .verification import verify_url

RENDER_CHUNK = 200


def dispatch_rendering(certificates: QuerySet[Certificate]) -> int:
    """Hand unrendered certificates to workers in chunks, once the transaction commits."""
    from ..tasks import render_certificates

    ids = list(certificates.filter(rendered_at=None).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), RENDER_CHUNK):
        dispatch_on_commit(render_certificates, ids[start : start + RENDER_CHUNK])
    return len(ids)


def picture(name: str, pictures: dict[str, bytes | None] | None = None) -> bytes | None:
    """A stamp or signature by its stored name, through the storage API (the files may be
    on another machine); read once per `pictures` cache, None if it is gone."""
    if not name:
        return None
    pictures = {} if pictures is None else pictures
    if name not in pictures:
        try:
            with default_storage.open(name, "rb") as stored:
                pictures[name] = stored.read()
        except FileNotFoundError:
            pictures[name] = None
    return pictures[name]


def page_for(
    certificate: Certificate, *, pictures: dict[str, bytes | None] | None = None
) -> CertificatePage:
    """What a certificate's page shows, all of it from what was fixed when it was issued,
    so that drawing it again gives the same bytes. Snapshots from before they named the
    pictures and the address fall back to the programme's and the site's current ones."""
    snapshot = certificate.snapshot
    programme = certificate.programme
    stamp = snapshot.get("stamp", programme.stamp_image.name)
    signature = snapshot.get("signature", programme.signature_image.name)
    return CertificatePage(
        snapshot=snapshot,
        serial=certificate.serial,
        register=certificate.register_label,
        code=certificate.code,
        verify_url=snapshot.get("verify_url") or verify_url(certificate.code),
        stamp=picture(stamp, pictures),
        signature=picture(signature, pictures),
        issued_at=certificate.issued_at,
    )


def render_certificates(ids: Sequence[int]) -> int:
    """Draw each certificate once to record its file's SHA-256, then tell each attendee.

    Drawing takes seconds for a chunk, so it happens outside any transaction (SQLite has
    one writer at a time); the short transaction after it keeps only rows still
    unrendered, so a chunk two workers drew at once is recorded once. The files are
    dropped: `certificate_pdf` draws the same bytes again when one is asked for."""
    certificates = list(
        Certificate.objects.select_related("programme")
        .filter(pk__in=list(ids), rendered_at=None)
        .order_by("pk")
    )
    if not certificates:
        return 0
    pictures: dict[str, bytes | None] = {}
    hashes = {
        certificate.pk: hashlib.sha256(data).hexdigest()
        for certificate, data in zip(
            certificates,
            render_pages([page_for(c, pictures=pictures) for c in certificates]),
            strict=True,
        )
    }
    with transaction.atomic():
        still = list(
            Certificate.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=list(hashes), rendered_at=None)
            .order_by("pk")
        )
        now = timezone.now()
        for certificate in still:
            certificate.pdf_sha256 = hashes[certificate.pk]
            certificate.rendered_at = now
        Certificate.objects.bulk_update(still, ["pdf_sha256", "rendered_at"])
        queue_entry_notices(
            entry_ids=[c.entry_id for c in still if c.entry_id],
            kind=CERTIFICATE_READY,
            planned_for=now,
        )
    return len(still)


def certificate_pdfs(certificates: Sequence[Certificate]) -> list[bytes]:
    """The certificates' files, in order: the stored file of one issued while files were
    stored, else drawn again (in batches, as the workers draw them). Raises if a drawing
    does not match its recorded hash: a file that would not verify is never handed out."""
    pictures: dict[str, bytes | None] = {}
    files: list[bytes] = []
    for start in range(0, len(certificates), RENDER_CHUNK):
        chunk = certificates[start : start + RENDER_CHUNK]
        drawn = iter(render_pages([page_for(c, pictures=pictures) for c in chunk if not c.pdf]))
        for certificate in chunk:
            if certificate.pdf:
                with certificate.pdf.open("rb") as stored:
                    files.append(stored.read())
                continue
            data = next(drawn)
            if certificate.pdf_sha256 and (
                hashlib.sha256(data).hexdigest() != certificate.pdf_sha256
            ):
                raise RuntimeError(
                    f"certificate {certificate.serial} drawn again does not match its hash: "
                    "the fonts, pictures or drawing changed since it was issued"
                )
            files.append(data)
    return files


def certificate_pdf(certificate: Certificate) -> bytes:
    """One certificate's file, as `certificate_pdfs`."""
    return certificate_pdfs([certificate])[0]
