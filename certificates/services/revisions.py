"""Corrections and revocations: a certificate is never edited nor deleted; a corrected one
is a new version, a revoked one says so when its code is checked."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Certificate, Completion
from .issuing import _Grant, _issue, _snapshot_base, require_certificate_manager
from .rendering import dispatch_rendering


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
    # The period as the last collation worked it out (a version issued before periods were
    # per person may have stated days that were not held); the old one's failing that.
    attended = (
        Completion.objects.filter(programme=programme, person_id=certificate.person_id)
        .exclude(attended_from=None)
        .values_list("attended_from", "attended_until")
        .first()
    )
    first_day, last_day = (
        (attended[0].isoformat(), attended[1].isoformat())
        if attended
        else (old.get("first_day", ""), old.get("last_day", ""))
    )
    grant = _Grant(
        person_id=certificate.person_id,
        entry_id=certificate.entry_id,
        point_id=certificate.point_id,
        full_name=" ".join(full_name.split()),
        agency=" ".join(agency.split()),
        point=old.get("point", ""),
        sessions=old.get("sessions", 0),
        minutes=old.get("minutes", 0),
        first_day=first_day,
        last_day=last_day,
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
