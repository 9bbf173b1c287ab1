"""Walk-ins and undos a paired phone made, perhaps offline, sent with its scans.

They are rare beside scans (a few a point in a day), so each goes through the same services
as on the coordinator's page, one at a time, in the name of the coordinator who paired the
phone. Each carries the id the phone gave it and leaves an attempt under that id, accepted
or refused: a change sent again is answered from that attempt and never applied twice. The
phone sends a change last in its batch, after the scans made before it, so a check-in and
its undo reach the server in the order they were made.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import RosterEntry, SessionPoint
from events.services import PersonDetails

from ..models import Method, ScanAttempt, ScannerDevice
from .changes import check_in_walk_in, undo_check_in
from .checkin import clock_skew, scan_time
from .scans import ScanRequest

WALK_IN, UNDO = "walk_in", "undo"
ACCEPTED_CODES = {WALK_IN: "walk_in", UNDO: "undone"}


@dataclass(frozen=True)
class PhoneChange:
    change_id: UUID
    kind: str  # WALK_IN or UNDO
    made_at: datetime
    entry_id: int | None = None
    reason: str = ""
    details: PersonDetails | None = None


@dataclass(frozen=True)
class ChangeAnswer:
    change_id: UUID
    accepted: bool
    code: str
    message: str
    entry_id: int | None = None
    name: str = ""
    time: datetime | None = None


def apply_changes(
    *, device: ScannerDevice, changes: list[PhoneChange], sent_at: datetime | None
) -> list[ChangeAnswer]:
    """Each change applied, or refused with its reason, in order; one answer each. Their
    times are corrected, as scans' are, when the phone's clock is far off."""
    if not changes:
        return []
    skew = clock_skew(ScanRequest(0, queued=True, sent_at=sent_at), timezone.now())
    # The token's one query read the device's point in part; a walk-in needs the whole.
    participation = SessionPoint.objects.select_related("session", "point__unit").get(
        pk=device.participation_id
    )
    return [_apply(device, participation, change, skew) for change in changes]


def _apply(
    device: ScannerDevice, participation: SessionPoint, change: PhoneChange, skew: int | None
) -> ChangeAnswer:
    earlier = (
        ScanAttempt.objects.filter(scan_id=change.change_id)
        .select_related("entry__person", "entry__attendance")
        .first()
    )
    if earlier is not None:
        if earlier.scanner_id != device.pk:
            return _refused(change, "invalid", _("This change was already sent by another phone."))
        return _answer_from(change, earlier)
    now = timezone.now()
    at = scan_time(ScanRequest(0, device_time=change.made_at, queued=True), now, skew)
    audit = {
        "scan_id": change.change_id,
        "scanner": device,
        "participation": participation,
        "actor": device.paired_by,
        "action": change.kind,
        "method": Method.WALK_IN if change.kind == WALK_IN else Method.MANUAL,
        "device_time": change.made_at,
        "clock_skew": skew,
        "server_time": now,
    }
    try:
        with transaction.atomic():
            entry = _make(device, participation, change, at)
            attempt = ScanAttempt.objects.create(
                entry=entry,
                outcome=ScanAttempt.Outcome.ACCEPTED,
                reason=ACCEPTED_CODES[change.kind],
                **audit,
            )
    except ValidationError as error:
        code = (getattr(error, "code", None) or "invalid")[:32]
        ScanAttempt.objects.create(outcome=ScanAttempt.Outcome.REFUSED, reason=code, **audit)
        return _refused(change, code, " ".join(error.messages))
    return _answer_from(change, attempt)


def _make(
    device: ScannerDevice, participation: SessionPoint, change: PhoneChange, at: datetime
) -> RosterEntry:
    if change.kind == WALK_IN:
        if change.details is None:
            raise ValidationError(_("A walk-in needs a name."), code="invalid")
        return check_in_walk_in(
            actor=device.paired_by, participation=participation, details=change.details, at=at
        )
    # A phone hears only of its own point's people.
    entry = RosterEntry.objects.filter(pk=change.entry_id, participation=participation).first()
    if entry is None:
        raise ValidationError(
            _("This person is not on this point's roster."), code="unknown_person"
        )
    undo_check_in(actor=device.paired_by, entry=entry, reason=change.reason)
    return entry


def _answer_from(change: PhoneChange, attempt: ScanAttempt) -> ChangeAnswer:
    entry = attempt.entry
    accepted = attempt.outcome == ScanAttempt.Outcome.ACCEPTED
    if not accepted:
        return _refused(change, attempt.reason, _("This change was refused when first sent."))
    attendance = getattr(entry, "attendance", None)
    messages = {WALK_IN: _("Walk-in added and checked in."), UNDO: _("Check-in undone.")}
    return ChangeAnswer(
        change.change_id,
        True,
        attempt.reason,
        messages[change.kind],
        entry_id=entry.pk,
        name=entry.person.full_name,
        time=attendance.checked_in_at if attendance else None,
    )


def _refused(change: PhoneChange, code: str, message: str) -> ChangeAnswer:
    return ChangeAnswer(change.change_id, False, code, message)
