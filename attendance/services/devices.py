"""Pairing scanner phones to a point, and knowing them again by their token.

A pairing code is eight letters and digits from an alphabet without look-alikes, good for
SCANNER_PAIRING_MINUTES and once; a token is 256 random bits. The server keeps only their
SHA-256, so a copy of the database pairs no phone and syncs no scan.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.ratelimit import over_limit
from events.models import SessionPoint
from events.selectors import can_keep_roster
from events.services import require_open, require_roster_keeper

from ..models import ScannerDevice
from ..selectors.sync import device_by_id

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
TOKEN_PREFIX = "DCD"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    """A code as typed: spaces, dashes and case do not matter, nor O for 0 or I for 1."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class Pairing:
    device: ScannerDevice
    code: str

    @property
    def shown_code(self) -> str:
        return format_code(self.code)


@transaction.atomic
def start_pairing(*, actor: AbstractBaseUser, participation: SessionPoint, name: str) -> Pairing:
    """A new device awaiting its phone, and the one-time code that pairs it."""
    require_roster_keeper(actor, participation)
    require_open(participation.session)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Name the phone, so you can tell it apart later.")})
    active = ScannerDevice.objects.filter(
        participation=participation, revoked_at__isnull=True
    ).count()
    if active >= settings.SCANNER_DEVICES_PER_POINT:
        raise ValidationError(
            _(
                "This point already has %(count)s phones paired or waiting: revoke one "
                "you no longer use first."
            )
            % {"count": active}
        )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    device = ScannerDevice(
        participation=participation,
        name=name[:80],
        paired_by=actor,
        pairing_code_hash=_digest(code),
        pairing_expires_at=timezone.now() + timedelta(minutes=settings.SCANNER_PAIRING_MINUTES),
    )
    device.full_clean()
    device.save()
    return Pairing(device, code)


@dataclass(frozen=True)
class Claimed:
    device: ScannerDevice
    token: str


def claim_pairing(*, code: str, client: str) -> Claimed:
    """Pair the phone that typed or scanned `code`: it gets its token, once.

    `client` (the phone's address) is counted, so guessing codes soon has to wait. Every
    wrong, used or lapsed code gets the same answer.
    """
    if over_limit(
        f"pairing:{client}",
        limit=settings.SCANNER_PAIRING_TRIES_PER_MINUTE,
        window_seconds=60,
    ):
        raise ValidationError(
            _("Too many pairing codes tried from this phone; wait a minute and try again.")
        )
    normalised = normalise_code(code)
    wrong = ValidationError(
        {"code": _("This pairing code is wrong or has lapsed: ask for a new one.")}
    )
    if len(normalised) != CODE_LENGTH:
        raise wrong
    with transaction.atomic():
        device = (
            ScannerDevice.objects.select_for_update(of=("self",))
            .select_related("participation__session", "participation__point")
            .filter(pairing_code_hash=_digest(normalised), revoked_at__isnull=True)
            .first()
        )
        if device is None or device.pairing_expires_at < timezone.now():
            raise wrong
        secret = secrets.token_urlsafe(32)
        device.token_hash = _digest(secret)
        device.pairing_code_hash = ""
        device.pairing_expires_at = None
        device.paired_at = timezone.now()
        device.save(
            update_fields=["token_hash", "pairing_code_hash", "pairing_expires_at", "paired_at"]
        )
    return Claimed(device, f"{TOKEN_PREFIX}.{device.pk}.{secret}")


@transaction.atomic
def revoke_device(*, actor: AbstractBaseUser, device: ScannerDevice) -> ScannerDevice:
    """Stop a phone at once: its next sync is refused. Idempotent."""
    require_roster_keeper(actor, device.participation)
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.revoked_by = actor
        device.pairing_code_hash = ""
        device.save(update_fields=["revoked_at", "revoked_by", "pairing_code_hash"])
    return device


def device_for_token(token: str) -> ScannerDevice | None:
    """The active device a token belongs to, with its point and session, in one query;
    None for a token that is malformed, wrong, revoked, or whose pairer no longer keeps
    the point (taken off its coordinators, or their account switched off)."""
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1].isdigit():
        return None
    found = device_by_id(int(parts[1])) if len(parts[1]) < 19 else None
    if found is None:
        return None
    device, keeps = found
    if not hmac.compare_digest(device.token_hash, _digest(parts[2])):
        return None
    # An organiser over the point may pair a phone too; their reach is not one lookup, but
    # the phones they pair are few.
    if not keeps:
        pairer = get_user_model().objects.filter(pk=device.paired_by_id).first()
        participation = SessionPoint.objects.select_related("point__unit").get(
            pk=device.participation_id
        )
        if pairer is None or not can_keep_roster(pairer, participation):
            return None
    return device
