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
from datetime import date, datetime

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
from .completion import HELD_STATES
from .verification import new_code, verify_url


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


def held_span(programme: Programme, *, now: datetime | None = None) -> tuple[date, date] | None:
    """The first and last day the programme's sessions were held on (held or closed ones
    only, never after now); None before any was held."""
    now = now or timezone.now()
    span = Session.objects.filter(
        programme=programme, status__in=HELD_STATES, starts_at__lte=now
    ).aggregate(first=Min("starts_at"), last=Max("ends_at"))
    if span["first"] is None:
        return None
    return (
        timezone.localtime(span["first"]).date(),
        timezone.localtime(min(span["last"], now)).date(),
    )


def _snapshot_base(programme: Programme, issued_on: str) -> dict[str, object]:
    """What every certificate of one issue states alike. The period is each holder's own
    (`_row`), unless the rule asks for the programme's held days on all of them."""
    base: dict[str, object] = {
        "programme": programme.title,
        "programme_code": programme.code.upper(),
        "issuing_body": programme.issuing_body,
        "signer_name": programme.signer_name,
        "signer_title": programme.signer_title,
        "place": programme.signing_place,
        "issued_on": issued_on,
        # The pictures by stored name: a new design uploads new files and leaves these, so
        # the certificate is drawn again as it was issued.
        "stamp": programme.stamp_image.name or "",
        "signature": programme.signature_image.name or "",
    }
    if programme.print_programme_period:
        span = held_span(programme)
        if span is not None:
            base["programme_first_day"], base["programme_last_day"] = (
                day.isoformat() for day in span
            )
    return base


def period_of(grant: "_Grant", base: dict[str, object]) -> tuple[str, str] | None:
    """The days a certificate states: the programme's held span if the rule says so, else
    the first and last held session the holder attended; never after the day of issue."""
    first = base.get("programme_first_day") or grant.first_day
    last = base.get("programme_last_day") or grant.last_day
    if not first or not last:
        return None
    issued_on = str(base["issued_on"])
    last = min(last, issued_on)
    return min(first, last), last


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
    # ISO days of the first and last held session the person attended.
    first_day: str = ""
    last_day: str = ""


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
    # The address's parts around the code, resolved once: not 300,000 times a collation.
    address = verify_url("CODE").rpartition("CODE")
    rows = [
        _row(
            grant,
            shared,
            base,
            serial=f"{prefix}-{first_serial + offset:06d}",
            register_number=first_register + offset,
            address=(address[0], address[2]),
        )
        for offset, grant in enumerate(grants)
    ]
    return insert_rows(Certificate, rows)


def statement(grant: _Grant, base: dict[str, object]) -> dict[str, object]:
    """What one certificate states, numbers aside: the issue's common part, the holder and
    the period. A grant without a held session attended states no period (`_due` issues
    none such)."""
    snapshot = {
        key: value
        for key, value in base.items()
        if key not in ("programme_first_day", "programme_last_day")
    }
    period = period_of(grant, base)
    if period is not None:
        snapshot["first_day"], snapshot["last_day"] = period
    return {
        **snapshot,
        "full_name": grant.full_name,
        "agency": grant.agency,
        "point": grant.point,
        "sessions": grant.sessions,
        "minutes": grant.minutes,
    }


def _row(
    grant: _Grant,
    shared: dict[str, object],
    base: dict[str, object],
    *,
    serial: str,
    register_number: int,
    address: tuple[str, str],
) -> dict[str, object]:
    """One certificate's row: the issue's shared columns, its own numbers and code, and the
    snapshot of what it states."""
    code = new_code()
    return {
        **shared,
        "person_id": grant.person_id,
        "serial": serial,
        "register_number": register_number,
        "code": code,
        "snapshot": {
            **statement(grant, base),
            "serial": serial,
            "register": f"{register_number}/{shared['register_year']}",
            "version": shared["version"],
            "verify_url": f"{address[0]}{code}{address[1]}",
        },
        "entry_id": grant.entry_id,
        "point_id": grant.point_id,
    }
