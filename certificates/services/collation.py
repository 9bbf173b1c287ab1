"""Collation, issuing, correction, revocation and rendering of certificates.

Numbers: a certificate's serial (per programme, `CCHC-2021-000123`) and its register
number (per issuing body and year) are taken from `CertificateCounter` rows locked
`FOR UPDATE` in the very transaction that inserts the certificates. A worker killed
half-way rolls back its numbers with its certificates, and a second worker waits for the
first, so numbers never repeat and never skip. Who still needs a certificate is read after
taking the locks, so two collations of one programme at once issue nobody twice.
"""

import base64
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.selectors import scope_for
from events.models import BridgePoint, Session
from events.services.reminders import queue_entry_notices
from training.models import Programme

from ..models import Certificate, CertificateCounter, Collation, Completion
from ..notices import CERTIFICATE_READY
from ..pdf import CertificatePage, render_pages
from .bulk import insert_rows
from .completion import collation_refusal, record_completions, work_out

ISSUE_CHUNK = 2000
RENDER_CHUNK = 200
CODE_LENGTH = 20  # base32: 100 random bits


def new_code() -> str:
    return base64.b32encode(secrets.token_bytes(13)).decode()[:CODE_LENGTH]


def normalise_code(text: str) -> str:
    """What a person may type or a URL may carry: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:64]


def verify_url(code: str) -> str:
    return settings.SITE_URL + reverse("verify_certificate", args=[code])


def serial_key(programme: Programme) -> str:
    return f"serial:{programme.code.upper()}"


def register_key(programme: Programme, year: int) -> str:
    body = " ".join(programme.issuing_body.split()).casefold()
    return f"register:{year}:{body}"


def _lock_counter(key: str) -> CertificateCounter:
    CertificateCounter.objects.bulk_create([CertificateCounter(key=key)], ignore_conflicts=True)
    return CertificateCounter.objects.select_for_update().get(key=key)


def _advance(counter: CertificateCounter, count: int) -> int:
    """Reserve `count` numbers on a locked counter; returns the first."""
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first


def require_certificate_manager(actor: AbstractBaseUser, programme: Programme) -> None:
    scope = scope_for(actor)
    if not (scope.is_organiser and scope.covers_unit(programme.unit)):
        raise PermissionDenied(_("Only the programme's organisers can manage its certificates."))


# --- Collation ---------------------------------------------------------------------------


def start_collation(
    *,
    actor: AbstractBaseUser | None,
    programme: Programme,
    point: BridgePoint | None = None,
    session: Session | None = None,
) -> Collation:
    """Queue a collation (a person asks, or a session or programme closes); a run already
    waiting or running for the same programme and point is returned instead."""
    from ..tasks import collate

    if actor is not None:
        require_certificate_manager(actor, programme)
    refusal = collation_refusal(programme)
    if refusal:
        raise ValidationError(refusal)
    running = Collation.objects.filter(
        programme=programme,
        point=point,
        status__in=[Collation.Status.QUEUED, Collation.Status.RUNNING],
    ).first()
    if running is not None:
        return running
    collation = Collation.objects.create(
        programme=programme, point=point, session=session, requested_by=actor
    )
    collate.delay_on_commit(collation.pk)
    return collation


def _snapshot_base(programme: Programme, issued_on: str) -> dict[str, object]:
    period = (
        Session.objects.filter(programme=programme)
        .exclude(status=Session.Status.CANCELLED)
        .aggregate(first=Min("starts_at"), last=Max("ends_at"))
    )
    first = timezone.localtime(period["first"]).date() if period["first"] else None
    last = timezone.localtime(period["last"]).date() if period["last"] else None
    return {
        "programme": programme.title,
        "programme_code": programme.code.upper(),
        "issuing_body": programme.issuing_body,
        "signer_name": programme.signer_name,
        "signer_title": programme.signer_title,
        "place": programme.signing_place,
        "first_day": (first or timezone.localdate()).isoformat(),
        "last_day": (last or first or timezone.localdate()).isoformat(),
        "issued_on": issued_on,
    }


@dataclass(frozen=True)
class _Grant:
    """One certificate to issue: to whom, naming which point, saying what."""

    person_id: int
    entry_id: int | None
    point_id: int | None
    full_name: str
    agency: str
    point: str
    sessions: int
    minutes: int


def _issue(
    programme: Programme,
    grants: Sequence[_Grant],
    *,
    actor: AbstractBaseUser | None,
    collation: Collation | None,
    now: datetime,
    base: dict[str, object],
    replacing: Certificate | None = None,
    reason: str = "",
) -> int:
    """Issue in one transaction; the caller holds it. Skips people already holding a
    certificate of the programme, unless this replaces one. Returns how many were issued."""
    serials = _lock_counter(serial_key(programme))
    year = timezone.localtime(now).year
    registers = _lock_counter(register_key(programme, year))
    if replacing is None:
        holders = set(
            Certificate.objects.filter(
                programme=programme, person_id__in=[g.person_id for g in grants]
            ).values_list("person_id", flat=True)
        )
        grants = [g for g in grants if g.person_id not in holders]
    if not grants:
        return 0
    first_serial = _advance(serials, len(grants))
    first_register = _advance(registers, len(grants))
    version = replacing.version + 1 if replacing else 1
    prefix = programme.code.upper()
    rows = []
    for offset, grant in enumerate(grants):
        serial = f"{prefix}-{first_serial + offset:06d}"
        register = f"{first_register + offset}/{year}"
        rows.append(
            {
                "programme_id": programme.pk,
                "person_id": grant.person_id,
                "version": version,
                "replaces_id": replacing.pk if replacing else None,
                "serial": serial,
                "register_key": registers.key,
                "register_year": year,
                "register_number": first_register + offset,
                "code": new_code(),
                "snapshot": {
                    **base,
                    "full_name": grant.full_name,
                    "agency": grant.agency,
                    "point": grant.point,
                    "sessions": grant.sessions,
                    "minutes": grant.minutes,
                    "serial": serial,
                    "register": register,
                    "version": version,
                },
                "entry_id": grant.entry_id,
                "point_id": grant.point_id,
                "collation_id": collation.pk if collation else None,
                "issued_at": now,
                "issued_by_id": actor.pk if actor else None,
                "correction_reason": reason,
            }
        )
    return insert_rows(Certificate, rows)


def run_collation(collation_id: int) -> Collation | None:
    """Work out completion and issue what is due. Safe to run again, or twice at once."""
    collation = (
        Collation.objects.select_related("programme__unit", "point").filter(pk=collation_id).first()
    )
    if collation is None or collation.status == Collation.Status.DONE:
        return collation
    programme = collation.programme
    refusal = collation_refusal(programme)
    if refusal:
        _update(collation, status=Collation.Status.FAILED, error=refusal[:500])
        return collation
    _update(collation, status=Collation.Status.RUNNING, started_at=timezone.now())
    try:
        completions = work_out(programme, point=collation.point)
        record_completions(programme, completions, point=collation.point)
        due = _due(programme, collation.point)
        _update(
            collation,
            stage=Collation.Stage.ISSUING,
            people=len(completions),
            completed=sum(c.completed for c in completions),
            to_issue=len(due),
            issued=0,
        )
        issued = 0
        for start in range(0, len(due), ISSUE_CHUNK):
            now = timezone.now()
            base = _snapshot_base(programme, timezone.localdate(now).isoformat())
            with transaction.atomic():
                issued += _issue(
                    programme,
                    due[start : start + ISSUE_CHUNK],
                    actor=collation.requested_by,
                    collation=collation,
                    now=now,
                    base=base,
                )
            _update(collation, issued=issued)
        _update(collation, stage=Collation.Stage.RENDERING)
        dispatch_rendering(Certificate.objects.filter(collation=collation, rendered_at=None))
        _update(
            collation,
            status=Collation.Status.DONE,
            stage=Collation.Stage.FINISHED,
            finished_at=timezone.now(),
        )
    except Exception as error:
        _update(collation, status=Collation.Status.FAILED, error=str(error)[:500])
        raise
    return collation


def _update(collation: Collation, **values: object) -> None:
    for name, value in values.items():
        setattr(collation, name, value)
    collation.save(update_fields=[*values, "updated_at"])


def _due(programme: Programme, point: BridgePoint | None) -> list[_Grant]:
    """Completed people without a certificate of the programme, in name order, with what
    their certificates will state: one read for the whole run."""
    completions = Completion.objects.filter(programme=programme, completed=True).exclude(
        person__certificates__programme=programme
    )
    if point is not None:
        completions = completions.filter(point=point)
    return [
        _Grant(
            person_id=person_id,
            entry_id=entry_id,
            point_id=point_id,
            full_name=full_name,
            agency=agency or "",
            point=point_name or "",
            sessions=sessions,
            minutes=minutes,
        )
        for person_id, entry_id, point_id, full_name, agency, point_name, sessions, minutes in (
            completions.order_by("person__sort_name", "person_id")
            .values_list(
                "person_id",
                "entry_id",
                "point_id",
                "person__full_name",
                "person__agency__name",
                "point__name",
                "sessions_counted",
                "minutes_present",
            )
            .iterator(chunk_size=20000)
        )
    ]


# --- Corrections and revocations ---------------------------------------------------------


@transaction.atomic
def reissue_certificate(
    *,
    actor: AbstractBaseUser,
    certificate: Certificate,
    full_name: str,
    agency: str,
    reason: str,
) -> Certificate:
    """A corrected new version. The old one stays as it was, marked superseded (a revoked
    one stays revoked), and its code then points to the new one."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    programme = certificate.programme
    require_certificate_manager(actor, programme)
    errors = {}
    if not full_name.strip():
        errors["full_name"] = _("Give the name as it should be printed.")
    if not reason.strip():
        errors["reason"] = _("Say why a new version is issued.")
    if certificate.status == Certificate.Status.SUPERSEDED:
        errors["__all__"] = _("This version was already replaced; correct the newest one.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    old = certificate.snapshot
    base = {**_snapshot_base(programme, timezone.localdate(now).isoformat())}
    grant = _Grant(
        person_id=certificate.person_id,
        entry_id=certificate.entry_id,
        point_id=certificate.point_id,
        full_name=" ".join(full_name.split()),
        agency=" ".join(agency.split()),
        point=old.get("point", ""),
        sessions=old.get("sessions", 0),
        minutes=old.get("minutes", 0),
    )
    if certificate.status == Certificate.Status.VALID:
        certificate.status = Certificate.Status.SUPERSEDED
        certificate.save(update_fields=["status"])
    _issue(
        programme,
        [grant],
        actor=actor,
        collation=None,
        now=now,
        base=base,
        replacing=certificate,
        reason=reason.strip(),
    )
    new = Certificate.objects.get(replaces=certificate)
    dispatch_rendering(Certificate.objects.filter(pk=new.pk))
    return new


@transaction.atomic
def revoke_certificate(
    *, actor: AbstractBaseUser, certificate: Certificate, reason: str
) -> Certificate:
    """Revoke with a date and a reason; nothing is deleted and the code then says so."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    require_certificate_manager(actor, certificate.programme)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    if certificate.status != Certificate.Status.VALID:
        raise ValidationError(_("Only a valid certificate can be revoked."))
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revocation_reason = reason.strip()[:300]
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    return certificate


# --- Rendering -----------------------------------------------------------------------------


def dispatch_rendering(certificates: QuerySet[Certificate]) -> int:
    """Hand unrendered certificates to workers in chunks, once the transaction commits."""
    from ..tasks import render_certificates

    ids = list(certificates.filter(rendered_at=None).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), RENDER_CHUNK):
        render_certificates.delay_on_commit(ids[start : start + RENDER_CHUNK])
    return len(ids)


def _image(field: object) -> object:
    if not field:
        return None
    try:
        return field.path
    except (NotImplementedError, ValueError):
        return None


def page_for(certificate: Certificate) -> CertificatePage:
    programme = certificate.programme
    return CertificatePage(
        snapshot=certificate.snapshot,
        serial=certificate.serial,
        register=certificate.register_label,
        code=certificate.code,
        verify_url=verify_url(certificate.code),
        stamp=_image(programme.stamp_image),
        signature=_image(programme.signature_image),
    )


def render_certificates(ids: Sequence[int]) -> int:
    """Render, store and fingerprint each certificate once, then tell each attendee.

    Drawing takes seconds for a chunk, so it happens outside any transaction (SQLite has
    one writer at a time); the short transaction after it keeps only rows still
    unrendered, so a chunk two workers drew at once is stored once."""
    certificates = list(
        Certificate.objects.select_related("programme")
        .filter(pk__in=list(ids), rendered_at=None)
        .order_by("pk")
    )
    if not certificates:
        return 0
    files = dict(
        zip(
            (c.pk for c in certificates),
            render_pages([page_for(certificate) for certificate in certificates]),
            strict=True,
        )
    )
    with transaction.atomic():
        still = list(
            Certificate.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("programme")
            .filter(pk__in=list(files), rendered_at=None)
            .order_by("pk")
        )
        now = timezone.now()
        for certificate in still:
            data = files[certificate.pk]
            name = f"certificates/{certificate.programme.code}/{certificate.serial}.pdf"
            if default_storage.exists(name):
                # Left by a worker that died before its commit: never served, never hashed.
                default_storage.delete(name)
            certificate.pdf.name = default_storage.save(name, ContentFile(data))
            certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
            certificate.rendered_at = now
        Certificate.objects.bulk_update(still, ["pdf", "pdf_sha256", "rendered_at"])
        queue_entry_notices(
            entry_ids=[c.entry_id for c in still if c.entry_id],
            kind=CERTIFICATE_READY,
            planned_for=now,
        )
    return len(still)


def sweep() -> dict[str, int]:
    """From beat: render what a lost task left, and run again collations a dead worker left."""
    from ..tasks import collate

    stale_minutes = settings.CERTIFICATE_STALE_MINUTES
    stale = timezone.now() - timedelta(minutes=stale_minutes)
    rendering = 0
    # Once per stale period at most, so a backlog longer than that is not queued again
    # every minute (a second task for a chunk finds it rendered and does nothing).
    if cache.add("certificates:sweep-rendering", 1, stale_minutes * 60):
        rendering = dispatch_rendering(
            Certificate.objects.filter(rendered_at=None, issued_at__lt=stale)
        )
    restarted = 0
    for collation_id in Collation.objects.filter(
        Q(status=Collation.Status.RUNNING) | Q(status=Collation.Status.QUEUED),
        updated_at__lt=stale,
    ).values_list("pk", flat=True):
        Collation.objects.filter(pk=collation_id).update(
            status=Collation.Status.QUEUED, updated_at=timezone.now()
        )
        collate.delay(collation_id)
        restarted += 1
    return {"rendering": rendering, "restarted": restarted}


# --- Verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    state: str  # valid, superseded, revoked, unknown
    certificate: Certificate | None = None
    newest: Certificate | None = None


def verify(code: str) -> Verification:
    code = normalise_code(code)
    certificate = (
        Certificate.objects.select_related("programme").filter(code=code).first()
        if len(code) >= CODE_LENGTH
        else None
    )
    if certificate is None:
        return Verification("unknown")
    if certificate.status == Certificate.Status.SUPERSEDED:
        newest = certificate
        while True:
            following = Certificate.objects.filter(replaces=newest).first()
            if following is None:
                break
            newest = following
        return Verification("superseded", certificate, newest)
    return Verification(certificate.status, certificate)


def file_matches(certificate: Certificate, data: bytes) -> bool:
    return bool(certificate.pdf_sha256) and secrets.compare_digest(
        hashlib.sha256(data).hexdigest(), certificate.pdf_sha256
    )
