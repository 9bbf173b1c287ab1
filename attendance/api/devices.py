"""Paired scanner phones over JSON.

A coordinator (signed in) pairs a phone to a point of a session and gets a one-time code;
the phone claims it and gets a device token. The phone then reads its point's roster and
syncs its scans in batches with `Authorization: Bearer <token>` alone: one query knows the
device, its point and session, and whether it may still scan. A revoked device, or one
whose pairer no longer keeps the point, is answered 401 at once.
"""

from dataclasses import asdict
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer
from pydantic import AwareDatetime

from events.services import PersonDetails

from .. import selectors
from ..selectors import devices as device_selectors
from ..selectors.pace import sync_pace
from ..selectors.sync import point_totals
from ..services import batch, phone_changes
from ..services import devices as device_services
from ..window import window_texts
from . import MAX_SCANNED_TEXT, WalkInPersonIn

router = Router(tags=["scanner devices"])
NEXT_SYNC = (
    "How long the phone waits before its next sync while it holds scans (and at least that "
    "while it holds none): short while few phones are out, spread when many are."
)
# Walk-ins and undos are rare: a phone sends one at the end of a batch.
MAX_CHANGES = 20

# A batch of the most scans allowed is well under this; a body past it is refused before
# it is read.
MAX_BATCH_BYTES = 1_000_000


class DeviceToken(HttpBearer):
    """A paired phone's token; its device is the request's `auth`."""

    def __call__(self, request: HttpRequest) -> object:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > MAX_BATCH_BYTES:
            raise HttpError(
                413,
                _("This batch is too large: send at most %(count)s scans.")
                % {"count": settings.SCANNER_BATCH_MAX_SCANS},
            )
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> object:
        return device_services.device_for_token(token)


device_auth = DeviceToken()


class PairIn(Schema):
    name: str = Field(max_length=80, description="How the coordinator tells the phone apart.")


class PairingOut(Schema):
    device_id: int
    name: str
    code: str = Field(description="Shown once; the phone types it or scans its link.")
    url: str
    expires_at: datetime


class DeviceOut(Schema):
    id: int
    name: str
    paired_by: str
    created_at: datetime
    paired_at: datetime | None
    revoked_at: datetime | None
    last_sync_at: datetime | None
    scans_synced: int | None = Field(None, description="Scans it synced, in the list.")
    state: str = Field(description="waiting, paired or revoked.")


def _state(device: object) -> str:
    if device.revoked_at:
        return "revoked"
    return "paired" if device.paired_at else "waiting"


def _device_out(device: object) -> dict:
    return {
        "id": device.pk,
        "name": device.name,
        "paired_by": device.paired_by.get_full_name() or device.paired_by.get_username(),
        "created_at": device.created_at,
        "paired_at": device.paired_at,
        "revoked_at": device.revoked_at,
        "last_sync_at": device.last_sync_at,
        "scans_synced": getattr(device, "scans_synced", None),
        "state": _state(device),
    }


@router.get("/points/{participation_id}/devices", response=list[DeviceOut])
def point_devices(request: HttpRequest, participation_id: int) -> list[dict]:
    """The phones paired (or waiting to be) at a point the caller keeps."""
    participation = selectors.kept_participation(request.user, participation_id)
    return [_device_out(d) for d in device_selectors.point_devices(participation)]


@router.post("/points/{participation_id}/devices", response={201: PairingOut})
def pair_device(request: HttpRequest, participation_id: int, data: PairIn) -> tuple[int, dict]:
    """Start pairing a phone to this point: the code it claims, good for a few minutes."""
    participation = selectors.kept_participation(request.user, participation_id)
    pairing = device_services.start_pairing(
        actor=request.user, participation=participation, name=data.name
    )
    url = request.build_absolute_uri(reverse("attendance:device_pair")) + f"?code={pairing.code}"
    return 201, {
        "device_id": pairing.device.pk,
        "name": pairing.device.name,
        "code": pairing.shown_code,
        "url": url,
        "expires_at": pairing.device.pairing_expires_at,
    }


@router.post("/devices/{device_id}/revoke", response=DeviceOut)
def revoke_device(request: HttpRequest, device_id: int) -> dict:
    """Stop a phone: its next sync is refused. Revoking twice changes nothing."""
    device = device_selectors.kept_device(request.user, device_id)
    return _device_out(device_services.revoke_device(actor=request.user, device=device))


class ClaimIn(Schema):
    code: str = Field(max_length=32)


class ClaimOut(Schema):
    token: str = Field(description="Given once: the phone keeps it; the server keeps its hash.")
    device_id: int
    name: str
    participation_id: int
    session: str
    point: str


@router.post("/devices/claim", auth=None, response=ClaimOut)
def claim_device(request: HttpRequest, data: ClaimIn) -> dict:
    """A phone claims its pairing code and gets its device token."""
    claimed = device_services.claim_pairing(
        code=data.code, client=request.META.get("REMOTE_ADDR", "")
    )
    participation = claimed.device.participation
    return {
        "token": claimed.token,
        "device_id": claimed.device.pk,
        "name": claimed.device.name,
        "participation_id": participation.pk,
        "session": participation.session.title,
        "point": participation.point.name,
    }


class DevicePersonOut(Schema):
    id: int
    digest: str
    name: str
    agency: str
    checked_in_at: datetime | None
    removed: bool


class DeviceCountsOut(Schema):
    on_roster: int
    checked_in: int


class DeviceRosterChangesOut(Schema):
    cursor: datetime = Field(description="Send it back as `roster_since` on the next sync.")
    full: bool = Field(description="The whole roster (replace the copy) or what changed since.")
    people: list[DevicePersonOut]


class DeviceRosterOut(Schema):
    participation_id: int
    session: str
    point: str
    session_status: str
    checkin_opens_at: datetime
    checkin_closes_at: datetime
    texts: dict[str, str] = Field(
        description="What the phone says in each state of the check-in window (not_open_yet, "
        "open, ended), to switch by itself offline."
    )
    counts: DeviceCountsOut
    roster: DeviceRosterChangesOut
    next_sync_seconds: int = Field(description=NEXT_SYNC)


def _roster(participation: object, since: datetime | None) -> dict:
    cursor = timezone.now()
    return {
        "cursor": cursor,
        "full": since is None,
        "people": device_selectors.roster_changes(participation.pk, since),
    }


def _counts(participation: object) -> dict:
    return point_totals(participation.pk)


@router.get("/devices/roster", auth=device_auth, response=DeviceRosterOut)
def device_roster(request: HttpRequest, since: AwareDatetime | None = None) -> dict:
    """The device's point: its roster (whole, or changed since `since`) and counts."""
    participation = request.auth.participation
    session = participation.session
    return {
        "participation_id": participation.pk,
        "session": session.title,
        "point": participation.point.name,
        "session_status": session.status,
        "checkin_opens_at": session.checkin_opens_at,
        "checkin_closes_at": session.checkin_closes_at,
        "texts": window_texts(session),
        "counts": _counts(participation),
        "roster": _roster(participation, since),
        "next_sync_seconds": sync_pace(),
    }


class BatchScanIn(Schema):
    scan_id: UUID = Field(description="Made by the phone; a scan sent again counts once.")
    scanned_at: AwareDatetime = Field(description="The phone's clock at the scan.")
    payload: str = Field("", max_length=MAX_SCANNED_TEXT, description="The scanned QR text.")
    entry_id: int | None = Field(None, description="A person found by name instead.")
    action: str = Field("check_in", pattern="^(check_in|check_out)$")


class ChangeIn(Schema):
    change_id: UUID = Field(description="Made by the phone; a change sent again counts once.")
    made_at: AwareDatetime = Field(description="The phone's clock when it was made.")
    kind: str = Field(pattern="^(walk_in|undo)$")
    entry_id: int | None = Field(None, description="Whose check-in an undo takes back.")
    reason: str = Field("", max_length=300, description="Why an undo is made.")
    person: WalkInPersonIn | None = Field(None, description="Who a walk-in is.")


class SyncIn(Schema):
    sent_at: AwareDatetime = Field(
        description="The phone's clock as it sends: far from the server's, scan times are "
        "corrected by the difference and the arrivals flagged."
    )
    scans: list[BatchScanIn] = Field(max_length=settings.SCANNER_BATCH_MAX_SCANS)
    roster_since: AwareDatetime | None = Field(
        None, description="The cursor of the last sync's roster; none for the whole roster."
    )
    changes: list[ChangeIn] = Field(
        [],
        max_length=MAX_CHANGES,
        description="Walk-ins and undos, applied after the batch's scans, in order.",
    )


class AnswerOut(Schema):
    accepted: bool
    code: str
    message: str
    entry_id: int | None = None
    name: str = ""
    time: datetime | None = None


class VerdictOut(AnswerOut):
    scan_id: UUID
    status: str = ""
    repeated: bool = False


class ChangeOut(AnswerOut):
    change_id: UUID


class SyncOut(Schema):
    verdicts: list[VerdictOut]
    changes: list[ChangeOut] = Field(description="One answer per change sent, in order.")
    counts: DeviceCountsOut
    roster: DeviceRosterChangesOut
    next_sync_seconds: int = Field(description=NEXT_SYNC)


@router.post("/devices/sync", auth=device_auth, response=SyncOut)
def sync(request: HttpRequest, data: SyncIn) -> dict:
    """Record a batch of the phone's scans: each gets its final verdict, in order. With
    them, the point's counts and its roster's changes since the last sync."""
    device = request.auth
    verdicts = batch.sync_scans(
        device=device,
        scans=[
            batch.BatchScan(
                scan_id=scan.scan_id,
                scanned_at=scan.scanned_at,
                payload=scan.payload,
                entry_id=scan.entry_id,
                action=scan.action,
            )
            for scan in data.scans
        ],
        sent_at=data.sent_at,
    )
    return {
        "verdicts": [
            {
                "scan_id": verdict.scan_id,
                "accepted": verdict.result.accepted,
                "code": verdict.result.code,
                "message": verdict.result.message,
                "entry_id": verdict.result.entry_id,
                "name": verdict.result.name,
                "time": verdict.result.time,
                "status": verdict.result.status,
                "repeated": verdict.result.repeated,
            }
            for verdict in verdicts
        ],
        "changes": [
            asdict(answer)
            for answer in phone_changes.apply_changes(
                device=device,
                changes=[_change(change) for change in data.changes],
                sent_at=data.sent_at,
            )
        ],
        "counts": _counts(device.participation),
        "roster": _roster(device.participation, data.roster_since),
        "next_sync_seconds": sync_pace(),
    }


def _change(change: ChangeIn) -> phone_changes.PhoneChange:
    person = change.person
    return phone_changes.PhoneChange(
        change_id=change.change_id,
        kind=change.kind,
        made_at=change.made_at,
        entry_id=change.entry_id,
        reason=change.reason,
        details=PersonDetails(**person.model_dump()) if person else None,
    )
