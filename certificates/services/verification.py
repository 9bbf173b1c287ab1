"""The code printed on each certificate, and what it verifies: whether a certificate is
valid, replaced or revoked, and whether a file is the one that was issued."""

import base64
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from ..models import Certificate

CODE_LENGTH = 20  # base32: 100 random bits


def new_code() -> str:
    return base64.b32encode(secrets.token_bytes(13)).decode()[:CODE_LENGTH]


def normalise_code(text: str) -> str:
    """What a person may type or a URL may carry: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:64]


def verify_url(code: str) -> str:
    return settings.SITE_URL + reverse("verify_certificate", args=[code])


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
