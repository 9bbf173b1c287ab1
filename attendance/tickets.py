"""Signed QR payloads: personal tickets and the rotating self check-in codes.

A ticket reads `DC1.<entry>.<version>.<tag>`: the roster entry's number, its ticket
version and a 128-bit HMAC tag. It names no one, cannot be made without the server's
key, and raising the entry's version revokes it. The scanner page receives, for each
person on its point's roster, the SHA-256 of their ticket: it recognises a ticket offline
without ever holding the key, and a leaked roster cannot be turned into tickets.
"""

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass

from django.conf import settings

TICKET_PREFIX = "DC1"
POINT_PREFIX = "DCP"
MAX_PAYLOAD_LENGTH = 100
TAG_BYTES = 16
_TAG = r"[A-Za-z0-9_-]{22}"
TICKET_PATTERN = re.compile(rf"^DC1\.([1-9][0-9]{{0,18}})\.([1-9][0-9]{{0,8}})\.({_TAG})$")
POINT_PATTERN = re.compile(rf"^DCP\.([1-9][0-9]{{0,18}})\.([0-9]{{1,12}})\.({_TAG})$")


class TicketError(Exception):
    """A payload that is not a valid ticket; `code` is the reason the API reports."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Ticket:
    entry_id: int
    version: int


@dataclass(frozen=True)
class PointCode:
    participation_id: int
    step: int


def _tag(purpose: str, message: str) -> str:
    key = hashlib.sha256(f"diemcau.{purpose}:{settings.TICKET_SECRET}".encode()).digest()
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:TAG_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def ticket_for(entry_id: int, version: int) -> str:
    message = f"{TICKET_PREFIX}.{entry_id}.{version}"
    return f"{message}.{_tag('ticket', message)}"


def ticket_digest(payload: str) -> str:
    """What the scanner page holds for each ticket: its SHA-256, hex."""
    return hashlib.sha256(payload.encode()).hexdigest()


def _check_shape(payload: str, prefix: str) -> None:
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise TicketError("too_long")
    if not payload.startswith(prefix + "."):
        raise TicketError("not_a_ticket")


def read_ticket(payload: str) -> Ticket:
    """The ticket in a scanned payload, or TicketError: too_long, not_a_ticket, malformed,
    forged."""
    payload = payload.strip()
    _check_shape(payload, TICKET_PREFIX)
    match = TICKET_PATTERN.match(payload)
    if match is None:
        raise TicketError("malformed")
    entry_id, version, tag = int(match[1]), int(match[2]), match[3]
    if not hmac.compare_digest(tag, _tag("ticket", f"{TICKET_PREFIX}.{entry_id}.{version}")):
        raise TicketError("forged")
    return Ticket(entry_id, version)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // settings.SELF_CHECK_IN_STEP_SECONDS)


def seconds_left(now: float | None = None) -> float:
    """Until the code on a point's screen changes."""
    step = settings.SELF_CHECK_IN_STEP_SECONDS
    return step - ((time.time() if now is None else now) % step)


def point_code_for(participation_id: int, step: int) -> str:
    message = f"{POINT_PREFIX}.{participation_id}.{step}"
    return f"{message}.{_tag('point', message)}"


def read_point_code(payload: str, *, now: float | None = None) -> PointCode:
    """The point behind a rotating code shown on its screen; valid for this step and the
    one before, so a code scanned just as it changes still works. Older ones: expired; and
    so are those of steps still to come, which a screen holds ahead to show in their turn."""
    payload = payload.strip()
    _check_shape(payload, POINT_PREFIX)
    match = POINT_PATTERN.match(payload)
    if match is None:
        raise TicketError("malformed")
    participation_id, step, tag = int(match[1]), int(match[2]), match[3]
    if not hmac.compare_digest(tag, _tag("point", f"{POINT_PREFIX}.{participation_id}.{step}")):
        raise TicketError("forged")
    if not 0 <= current_step(now) - step <= 1:
        raise TicketError("expired")
    return PointCode(participation_id, step)
