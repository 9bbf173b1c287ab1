"""Sending the outbox: workers claim due notices in chunks, send each and mark it.

A claim is a lease: the rows are the claimant's until `due_at`, renewed for the whole
chunk (one UPDATE) whenever a third of it has gone by, and each SMTP step is bounded so that
one message ends well inside it. A worker killed mid-chunk leaves its rows to come back when
their leases end, and another worker sends them then. The messages of a chunk go through
one SMTP connection, and those the relay accepted are marked sent together, in one UPDATE
every NOTICE_MARK_EVERY messages and at the chunk's end, so a chunk costs a constant number
of queries. A message can still go twice if a worker dies between the relay's acceptance and
that commit (at most NOTICE_MARK_EVERY messages), or stalls (not killed) for longer than the
lease; the copy carries the same Message-ID, and a lost lease is logged.
"""

import logging
import math
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Value, When
from django.utils import timezone
from django.utils.module_loading import import_string

from common.ratelimit import count_hit
from directory.services.accounts import ensure_attendee_accounts

from ..calendars import SharedInvitations
from ..models import Notice, RosterEntry, Session
from .channels import Channel, DeliveryError, TemporaryFailure
from .content import SharedBodies, recipient_address, render
from .planning import BEFORE_START

logger = logging.getLogger(__name__)

Status, Problem, Kind = Notice.Status, Notice.Problem, Notice.Kind
WAITING = [Status.PENDING, Status.SENDING]


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped


def _lease() -> timedelta:
    return timedelta(seconds=settings.NOTICE_LEASE_SECONDS)


def _due(now: datetime):
    return Notice.objects.filter(status__in=WAITING, due_at__lte=now)


def _claim(token: str, size: int) -> list[int]:
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            _due(now)
            .order_by("due_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            Notice.objects.filter(pk__in=ids).update(
                status=Status.SENDING,
                claim=token,
                due_at=now + _lease(),
                attempts=F("attempts") + 1,
                updated_at=now,
            )
    return ids


def _load(ids: list[int], token: str) -> list[Notice]:
    return list(
        Notice.objects.filter(pk__in=ids, claim=token)
        .select_related(
            "session__programme",
            "session__series",
            "participation__point",
            "person__user",
            "user__person",
            "entry",
            "batch__change",
        )
        .prefetch_related("session__agenda_items")
        .order_by("pk")
    )


def _make_accounts(notices: list[Notice], now: datetime) -> None:
    """The accounts behind the sign-in links of a chunk's messages, made for the whole chunk
    in a few queries rather than a few for each message (the link of every notice about a
    roster entry signs its person in)."""
    ensure_attendee_accounts(
        people=[
            notice.person
            for notice in notices
            if notice.entry_id is not None
            and notice.person_id is not None
            and not _reason_to_skip(notice, now)
            and recipient_address(notice)
        ]
    )


def _roster_sizes(notices: list[Notice]) -> dict[int, int]:
    points = {n.participation_id for n in notices if n.kind == Kind.CHECKLIST}
    if not points:
        return {}
    return dict(
        RosterEntry.objects.filter(participation_id__in=points, removed_at=None)
        .values_list("participation_id")
        .annotate(size=Count("pk"))
        .order_by()
    )


def _reason_to_skip(notice: Notice, now: datetime) -> str:
    session = notice.session
    if session.status == Session.Status.CANCELLED and notice.kind != Kind.CANCELLATION:
        return Problem.CANCELLED
    if notice.entry_id is not None and notice.entry.removed_at is not None:
        return Problem.REMOVED
    if notice.person_id is not None and not notice.person.is_active:
        return Problem.REMOVED
    if notice.kind in (*BEFORE_START, Kind.INVITATION, Kind.UPDATE) and now >= session.starts_at:
        return Problem.TOO_LATE
    if notice.kind == Kind.SESSION_CLOSING and session.status != Session.Status.HELD:
        return Problem.TOO_LATE  # closed (or cancelled) before the warning went
    return ""


def _throttle(chunk: "_Chunk") -> None:
    """Hold back to NOTICE_RATE_PER_SECOND across all workers (one counter per second in the
    shared cache); 0 sends as fast as the workers can. A chunk counts a hundredth of the
    rate at a time (three round trips to the cache for every message cost more than a
    tenth of its CPU), so the workers together may go past the rate by a block each; at a
    rate under 100 they count every message."""
    rate = settings.NOTICE_RATE_PER_SECOND
    if rate <= 0:
        return
    if chunk.allowance > 0:
        chunk.allowance -= 1
        return
    block = max(1, rate // 100)
    while count_hit("notices:sent", window_seconds=1, hits=block) > rate:
        time.sleep(max(0.0, int(time.time()) + 1 - time.time()))
    chunk.allowance = block - 1


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base, twice, four times... at most an hour."""
    seconds = min(settings.NOTICE_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # jitter, not a secret


class _Channels:
    def __init__(self) -> None:
        self._open: dict[str, Channel] = {}

    def get(self, name: str) -> Channel:
        if name not in self._open:
            self._open[name] = import_string(settings.NOTICE_CHANNELS[name])()
        return self._open[name]

    def close(self) -> None:
        for channel in self._open.values():
            channel.close()
        self._open.clear()


def _finish(notice: Notice, token: str, report: SendReport, **fields: object) -> None:
    now = timezone.now()
    status = fields.setdefault("status", Status.SENT)
    if not Notice.objects.filter(pk=notice.pk, claim=token).update(
        claim="", updated_at=now, **fields
    ):
        logger.warning(
            "notice %s outlived its lease (NOTICE_LEASE_SECONDS); another worker took it "
            "and may have sent it as well",
            notice.pk,
        )
    counter = {
        Status.SENT: "sent",
        Status.PENDING: "retried",
        Status.FAILED: "failed",
        Status.SKIPPED: "skipped",
    }[status]
    setattr(report, counter, getattr(report, counter) + 1)


class _Chunk:
    """What one claimed chunk has sent so far but not yet marked, and its lease."""

    def __init__(self, token: str, ids: list[int]) -> None:
        self.token = token
        # Every statement about the chunk names its rows by primary key and token, and no
        # more: the token has no index, so a filter on it alone read the whole outbox
        # (300,000 rows in a national wave) after every chunk, and a filter on the status
        # as well let PostgreSQL pick the outbox's index of due rows (all of a wave's) for
        # a hundred rows. Together these cost it more CPU than the sending itself.
        self.ids = ids
        self.sent: dict[int, str] = {}
        self.renewed = time.monotonic()
        # Its messages' calendars share what they have in common (its rows were loaded
        # together, so they agree on it).
        self.calendars: SharedInvitations = {}
        self.bodies: SharedBodies = {}
        # Messages it may still send under the rate, counted ahead (`_throttle`).
        self.allowance = 0

    def keep_lease(self, report: SendReport) -> None:
        """Renew the lease of what is still ours, once a third of it has gone by."""
        if time.monotonic() - self.renewed < settings.NOTICE_LEASE_SECONDS / 3:
            return
        self.mark_sent(report)
        now = timezone.now()
        Notice.objects.filter(pk__in=self.ids, claim=self.token).update(
            due_at=now + _lease(), updated_at=now
        )
        self.renewed = time.monotonic()

    def mark_sent(self, report: SendReport) -> None:
        """One UPDATE for every message the relay accepted since the last one."""
        if not self.sent:
            return
        now = timezone.now()
        marked = Notice.objects.filter(pk__in=list(self.sent), claim=self.token).update(
            status=Status.SENT,
            claim="",
            sent_at=now,
            updated_at=now,
            problem="",
            address=Case(
                *(When(pk=pk, then=Value(address)) for pk, address in self.sent.items()),
                output_field=CharField(),
            ),
        )
        if marked < len(self.sent):
            logger.warning(
                "%s notices outlived their lease (NOTICE_LEASE_SECONDS); another worker took "
                "them and may have sent them as well",
                len(self.sent) - marked,
            )
        report.sent += len(self.sent)
        self.sent.clear()


def _deliver(
    notice: Notice, chunk: _Chunk, channels: _Channels, sizes: dict[int, int], report: SendReport
) -> None:
    token = chunk.token
    now = timezone.now()
    if reason := _reason_to_skip(notice, now):
        _finish(notice, token, report, status=Status.SKIPPED, problem=reason)
        return
    address = recipient_address(notice)
    if not address:
        _finish(notice, token, report, status=Status.SKIPPED, problem=Problem.NO_ADDRESS)
        return
    if notice.channel == Notice.Channel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            _finish(
                notice,
                token,
                report,
                status=Status.FAILED,
                problem=Problem.INVALID_ADDRESS,
                address=address,
            )
            return
    if notice.channel not in settings.NOTICE_CHANNELS:
        _finish(notice, token, report, status=Status.SKIPPED, problem=Problem.NO_ADDRESS)
        return
    try:
        message = render(
            notice,
            roster_size=sizes.get(notice.participation_id),
            calendars=chunk.calendars,
            bodies=chunk.bodies,
        )
        _throttle(chunk)
        channels.get(notice.channel).send(message)
    except DeliveryError as failure:
        _fail(notice, token, report, failure, address)
    except Exception as error:  # one bad notice must not stop the chunk
        logger.exception("notice %s could not be sent", notice.pk)
        _fail(notice, token, report, TemporaryFailure("error", repr(error)), address)
    else:
        chunk.sent[notice.pk] = address
        if len(chunk.sent) >= settings.NOTICE_MARK_EVERY:
            chunk.mark_sent(report)


def _fail(
    notice: Notice, token: str, report: SendReport, failure: DeliveryError, address: str
) -> None:
    fields = {"problem": failure.problem, "detail": failure.detail, "address": address}
    if failure.temporary and notice.attempts < settings.NOTICE_MAX_ATTEMPTS:
        due = timezone.now() + retry_delay(notice.attempts)
        _finish(notice, token, report, status=Status.PENDING, due_at=due, **fields)
    else:
        _finish(notice, token, report, status=Status.FAILED, **fields)


def _release(token: str, ids: list[int]) -> None:
    """Give back what this worker claimed and did not reach (not counted as an attempt)."""
    if not ids:
        return
    Notice.objects.filter(pk__in=ids, claim=token).update(
        status=Status.PENDING, claim="", due_at=timezone.now(), attempts=F("attempts") - 1
    )


def send_due_notices(*, seconds: float | None = None) -> SendReport:
    """Claim and send due notices, chunk after chunk, for at most `seconds`.

    Any number of workers may run this at once: each notice is claimed by one of them."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + (seconds or settings.NOTICE_TASK_SECONDS)
    report = SendReport()
    channels = _Channels()
    ids: list[int] = []
    try:
        while time.monotonic() < deadline:
            ids = _claim(token, settings.NOTICE_CHUNK_SIZE)
            if not ids:
                break
            notices = _load(ids, token)
            _make_accounts(notices, timezone.now())
            sizes = _roster_sizes(notices)
            chunk = _Chunk(token, ids)
            try:
                for notice in notices:
                    if time.monotonic() >= deadline:
                        break
                    chunk.keep_lease(report)
                    _deliver(notice, chunk, channels, sizes, report)
            finally:
                # What the relay accepted is marked even when the chunk stops early.
                chunk.mark_sent(report)
            _release(token, ids)
    finally:
        channels.close()
        # A worker holds one chunk at a time: what an error left claimed is in the last.
        _release(token, ids)
    return report


def senders_needed() -> int:
    """How many more sending tasks to start, given what is due and what is being sent."""
    now = timezone.now()
    chunk, parallel = settings.NOTICE_CHUNK_SIZE, settings.NOTICE_PARALLEL_SENDERS
    due = _due(now).values("pk")[: chunk * parallel].count()
    if not due:
        return 0
    busy = (
        Notice.objects.filter(status=Status.SENDING, due_at__gt=now)
        .values("claim")
        .distinct()
        .count()
    )
    return max(0, min(parallel - busy, math.ceil(due / chunk)))
