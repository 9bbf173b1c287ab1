"""Numbering and issuing certificates, and who may manage them.

Numbers: a certificate's serial (per programme, `CCHC-2021-000123`) and its register
number (per issuing body and year) are taken from `CertificateCounter` rows locked
`FOR UPDATE` in the very transaction that inserts the certificates. A worker killed
half-way rolls back its numbers with its certificates, and a second worker waits for the
first, so numbers never repeat and never skip. Who still needs a certificate is read after
taking the locks, so two collations of one programme at once issue nobody twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.selectors import scope_for
from events.models import Session
from training.models import Programme

from ..models import Certificate, CertificateCounter, Collation
from .bulk import insert_rows
from .verification import new_code


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
    prefix = programme.code.upper()
    shared = {
        "programme_id": programme.pk,
        "version": replacing.version + 1 if replacing else 1,
        "replaces_id": replacing.pk if replacing else None,
        "register_key": registers.key,
        "register_year": year,
        "collation_id": collation.pk if collation else None,
        "issued_at": now,
        "issued_by_id": actor.pk if actor else None,
        "correction_reason": reason,
    }
    rows = [
        _row(
            grant,
            shared,
            base,
            serial=f"{prefix}-{first_serial + offset:06d}",
            register_number=first_register + offset,
        )
        for offset, grant in enumerate(grants)
    ]
    return insert_rows(Certificate, rows)


def _row(
    grant: _Grant,
    shared: dict[str, object],
    base: dict[str, object],
    *,
    serial: str,
    register_number: int,
) -> dict[str, object]:
    """One certificate's row: the issue's shared columns, its own numbers and code, and the
    snapshot of what it states."""
    return {
        **shared,
        "person_id": grant.person_id,
        "serial": serial,
        "register_number": register_number,
        "code": new_code(),
        "snapshot": {
            **base,
            "full_name": grant.full_name,
            "agency": grant.agency,
            "point": grant.point,
            "sessions": grant.sessions,
            "minutes": grant.minutes,
            "serial": serial,
            "register": f"{register_number}/{shared['register_year']}",
            "version": shared["version"],
        },
        "entry_id": grant.entry_id,
        "point_id": grant.point_id,
    }
