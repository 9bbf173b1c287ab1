"""A paired phone's scans, synced in batches.

The phone has already shown green or red from its copy of the roster; the server gives
each scan its final verdict (another phone may have had that person earlier, a ticket may
have been revoked meanwhile) and writes the whole batch in a fixed number of statements,
whatever its size: the scans already answered, the people scanned, one multi-row upsert of
arrivals keeping the earliest, one update of departures and one multi-row insert of the
audit rows (the device and its session were read with its token). A batch is one
transaction: written whole or not at all.

Every scan is judged by the phone's time, corrected when the phone's clock is far off, as
a queued single scan is (`checkin.scan_time`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateTimeField, Q, Value, When
from django.utils import timezone

from events.models import Session
from events.services import require_open

from ..models import Attendance, Method, ScanAttempt, ScannerDevice, attendance_status
from ..selectors import sync as sync_reads
from ..tickets import TicketError, read_ticket
from ..window import WINDOW_CODES, window_moments, window_refusal
from .checkin import clock_skew, is_far_off, scan_time
from .recording import Arrival, upsert_arrivals
from .scans import CHECK_IN, CHECK_OUT, ScanRequest, ScanResult, Who, named_result


@dataclass
class BatchScan:
    scan_id: UUID
    scanned_at: datetime
    payload: str = ""
    entry_id: int | None = None
    action: str = CHECK_IN


@dataclass
class Verdict:
    scan_id: UUID
    result: ScanResult


@dataclass
class _Judged:
    """A scan on its way to its verdict."""

    scan: BatchScan
    at: datetime
    method: str
    entry_id: int | None = None
    version: int | None = None
    result: ScanResult | None = None
    # Verdicts given again to a scan this phone sent before are not recorded twice.
    repeated: bool = False
    keep_id: bool = True


# How often a phone's last sync time is written.
LAST_SYNC_PRECISION = timedelta(seconds=30)


def sync_scans(
    *, device: ScannerDevice, scans: list[BatchScan], sent_at: datetime | None
) -> list[Verdict]:
    """Judge and record a phone's batch of scans; one verdict per scan, in their order.
    All or nothing; a batch sent again is answered again and counted once."""
    # A scan id sent twice in one batch is one scan, answered twice.
    unique = list({scan.scan_id: scan for scan in reversed(scans)}.values())[::-1]
    with transaction.atomic():
        verdicts = {v.scan_id: v for v in _sync(device, unique, sent_at)}
    return [verdicts[scan.scan_id] for scan in scans]


def _sync(device: ScannerDevice, scans: list[BatchScan], sent_at: datetime | None) -> list[Verdict]:
    now = timezone.now()
    # The coordinator's page says when each phone last synced; to the minute is enough.
    if device.last_sync_at is None or now - device.last_sync_at > LAST_SYNC_PRECISION:
        sync_reads.touch_device(device, now)
    participation = device.participation
    session = participation.session
    skew = clock_skew(ScanRequest(0, queued=True, sent_at=sent_at), now)
    judged = [_judge_shape(scan, now, skew) for scan in scans]
    earlier = _earlier_answers(device, judged)
    entries = sync_reads.scanned_entries(
        {j.entry_id for j in judged if j.entry_id} | earlier.entry_ids
    )
    for j in judged:
        if j.scan.scan_id in earlier.answers:
            j.result, j.repeated = earlier.answer(j.scan.scan_id, entries, session), True
        elif j.scan.scan_id in earlier.taken:
            # Another phone's id: no key to its answer; this scan is recorded without one.
            j.keep_id = False
    refusal = _session_refusal(session)
    for j in judged:
        if j.result is None:
            j.result = _refusal(j, refusal, session, entries, participation.point_id)
    _check_in(judged, entries, session, device, skew)
    _check_out(judged, entries)
    _record(judged, device, now, skew)
    return [Verdict(j.scan.scan_id, j.result) for j in judged]


def _judge_shape(scan: BatchScan, now: datetime, skew: int | None) -> _Judged:
    request = ScanRequest(0, device_time=scan.scanned_at, queued=True)
    judged = _Judged(
        scan,
        at=scan_time(request, now, skew),
        method=Method.MANUAL if scan.entry_id else Method.SCAN,
        entry_id=scan.entry_id,
    )
    if scan.entry_id:
        return judged
    try:
        ticket = read_ticket(scan.payload)
    except TicketError as error:
        judged.result = named_result(error.code, None)
        return judged
    judged.entry_id, judged.version = ticket.entry_id, ticket.version
    return judged


@dataclass
class _Earlier:
    answers: dict[UUID, dict]
    entry_ids: set[int]
    taken: set[UUID]

    def answer(self, scan_id: UUID, entries: dict[int, dict], session: Session) -> ScanResult:
        row = self.answers[scan_id]
        entry = entries.get(row["entry_id"])
        context = window_moments(session) if row["reason"] in WINDOW_CODES else {}
        result = named_result(row["reason"], _who(entry), time=row["recorded_time"], **context)
        if row["reason"] == "checked_in":
            result.status = attendance_status(
                session=session,
                checked_in_at=row["recorded_time"],
                checked_out_at=None,
                excuse="",
            )
        result.repeated = True
        return result


def _earlier_answers(device: ScannerDevice, judged: list[_Judged]) -> _Earlier:
    """This phone's scans already recorded: a batch resent after a lost answer."""
    rows = sync_reads.earlier_attempts([j.scan.scan_id for j in judged])
    answers = {row["scan_id"]: row for row in rows if row["scanner_id"] == device.pk}
    taken = {row["scan_id"] for row in rows} - set(answers)
    return _Earlier(
        answers, {row["entry_id"] for row in answers.values() if row["entry_id"]}, taken
    )


def _who(entry: dict | None) -> Who | None:
    if entry is None:
        return None
    return Who(
        entry["pk"],
        entry["person__full_name"],
        entry["person__agency__name"],
        entry["participation__point__name"],
    )


def _session_refusal(session: Session) -> str | None:
    """Read again under a shared lock, as every change to attendance does: a closing
    waits for this batch, and a batch that waited for a closing sees it."""
    try:
        require_open(session)
    except ValidationError:
        return (
            "session_cancelled" if session.status == Session.Status.CANCELLED else "session_closed"
        )
    return None


def _refusal(
    j: _Judged, refusal: str | None, session: Session, entries: dict[int, dict], point_id: int
) -> ScanResult | None:
    """The refusal of a scan that can be judged without writing, or None."""
    if refusal:
        return named_result(refusal, None)
    if outside := window_refusal(session, j.at):
        return named_result(outside[0], None, **outside[1])
    entry = entries.get(j.entry_id)
    # A phone hears about the people of its own point, and of no one else: anyone else is
    # answered as someone who does not exist.
    if entry is None or entry["participation__point_id"] != point_id:
        return named_result("unknown_person", None)
    who = _who(entry)
    if j.version is not None and j.version != entry["ticket_version"]:
        return named_result("revoked", who)
    if entry["session_id"] != session.pk:
        return named_result("wrong_session", who, session=session.title)
    if entry["removed_at"] is not None:
        return named_result("not_on_roster", who)
    return None


def _check_in(
    judged: list[_Judged],
    entries: dict[int, dict],
    session: Session,
    device: ScannerDevice,
    skew: int | None,
) -> None:
    """Arrivals in one statement: per person the batch's earliest, unless an earlier one
    is already recorded; every other check-in of theirs is told when they arrived."""
    first: dict[int, _Judged] = {}
    for j in judged:
        if j.result is None and j.scan.action == CHECK_IN:
            entry = entries[j.entry_id]
            arrived = entry["attendance__checked_in_at"]
            if arrived is not None and arrived <= j.at:
                continue
            if j.entry_id not in first or j.at < first[j.entry_id].at:
                first[j.entry_id] = j
    flagged = skew if is_far_off(skew) else None
    recorded = upsert_arrivals(
        [
            Arrival(
                j.entry_id,
                session.pk,
                device.participation_id,
                j.at,
                j.method,
                device.paired_by_id,
                flagged,
            )
            for j in first.values()
        ]
    )
    # Arrivals another phone recorded earlier while this batch was on its way.
    beaten = set(first) - recorded
    if beaten:
        for entry_id, at in sync_reads.arrivals_of(beaten).items():
            entries[entry_id]["attendance__checked_in_at"] = at
    for j in judged:
        if j.result is not None or j.scan.action != CHECK_IN:
            continue
        entry = entries[j.entry_id]
        if first.get(j.entry_id) is j and j.entry_id in recorded:
            entry["attendance__checked_in_at"] = j.at
            j.result = named_result("checked_in", _who(entry), time=j.at)
            j.result.status = attendance_status(
                session=session,
                checked_in_at=j.at,
                checked_out_at=entry["attendance__checked_out_at"],
                excuse=entry["attendance__excuse"] or "",
            )
        else:
            arrived = entry["attendance__checked_in_at"]
            j.result = named_result("already_checked_in", _who(entry), time=arrived)


def _check_out(judged: list[_Judged], entries: dict[int, dict]) -> None:
    """Departures in one statement, per person the batch's latest."""
    last: dict[int, datetime] = {}
    for j in judged:
        if j.result is not None or j.scan.action != CHECK_OUT:
            continue
        entry = entries[j.entry_id]
        if entry["attendance__checked_in_at"] is None:
            j.result = named_result("not_checked_in", _who(entry))
            continue
        last[j.entry_id] = max(last.get(j.entry_id, j.at), j.at)
        j.result = named_result("checked_out", _who(entry), time=j.at)
    if not last:
        return
    leaving = Case(
        *(When(pk=entry_id, then=Value(at)) for entry_id, at in last.items()),
        output_field=DateTimeField(),
    )
    Attendance.objects.filter(pk__in=list(last)).filter(
        Q(checked_out_at__isnull=True) | Q(checked_out_at__lt=leaving)
    ).update(checked_out_at=leaving, updated_at=timezone.now())


def _record(judged: list[_Judged], device: ScannerDevice, now: datetime, skew: int | None) -> None:
    """Every new attempt, accepted or refused, in one multi-row insert. The same batch
    sent twice at once by a retrying phone: both are judged alike, and the second one's
    rows, already there by their scan ids, are not written again."""
    label = f"#{device.pk} {device.name}"[:64]
    attempts = [
        ScanAttempt(
            scan_id=j.scan.scan_id if j.keep_id else None,
            device_id=label,
            scanner_id=device.pk,
            method=j.method,
            action=j.scan.action,
            participation_id=device.participation_id,
            entry_id=j.result.entry_id,
            actor_id=device.paired_by_id,
            outcome=(
                ScanAttempt.Outcome.ACCEPTED if j.result.accepted else ScanAttempt.Outcome.REFUSED
            ),
            reason=j.result.code,
            payload=j.scan.payload[:120],
            device_time=j.scan.scanned_at,
            clock_skew=skew,
            server_time=now,
            recorded_time=j.result.time,
        )
        for j in judged
        if not j.repeated
    ]
    ScanAttempt.objects.bulk_create(attempts, ignore_conflicts=True)
