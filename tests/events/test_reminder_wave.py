"""A large wave of notices through a real SMTP server on loopback (aiosmtpd): one connection
per chunk, parallel senders that never send a notice twice, a relay failing mid-chunk that
loses nothing, and a reminder wave planned to start early enough to end by its moment."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Notice
from events.notices import sending
from events.notices.due_notices import wave_lead
from events.notices.sending import send_due_notices
from events.selectors import effective_plan
from events.services import add_to_roster, plan_due_notices
from tests import factories, smtp

Status, Kind = Notice.Status, Notice.Kind


class Relay:
    """Counts messages and the connections that carried them; refuses after `accept`."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.connections: set[tuple] = set()
        self.accept: int | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            if self.accept is not None and len(self.received) >= self.accept:
                return "421 Service not available, closing transmission channel"
            self.received.append(envelope.rcpt_tos[0])
            self.connections.add(session.peer)
        return "250 Message accepted"


@pytest.fixture
def relay(settings):
    handler = Relay()
    with smtp.relay(handler, settings):
        settings.NOTICE_RATE_PER_SECOND = 0
        yield handler


def invite(upcoming, count: int, first: int | None = None) -> list[int]:
    """`count` new delegates at Sông Lô, none with an account yet, numbered from `first`
    (by default past every notice already planned)."""
    first = Notice.objects.count() if first is None else first
    people = [
        factories.PersonFactory(
            agency=upcoming.manh.agency, email=f"dai-bieu-{first + n}@songlo.vinhphuc.gov.vn"
        ).pk
        for n in range(count)
    ]
    add_to_roster(actor=upcoming.coordinator, participation=upcoming.song_lo, person_ids=people)
    return people


def test_a_chunk_goes_through_one_smtp_connection(upcoming, relay, settings):
    settings.NOTICE_CHUNK_SIZE = 100
    invite(upcoming, 40)

    report = send_due_notices(seconds=30)

    assert report.sent == len(relay.received) == 43  # and Mạnh, Ánh and Thắng
    assert len(relay.connections) == 1


def test_sending_a_chunk_costs_the_same_queries_whatever_its_size(
    upcoming, relay, settings, django_assert_max_num_queries
):
    settings.NOTICE_CHUNK_SIZE = 200
    settings.NOTICE_MARK_EVERY = 200  # one marking UPDATE per chunk, whatever its size
    invite(upcoming, 123)
    send_due_notices(seconds=60)  # first sign-in accounts are made here
    few = Notice.objects.order_by("pk")[:3].values("pk")
    Notice.objects.filter(pk__in=few).update(status=Status.PENDING, due_at=timezone.now())
    with django_assert_max_num_queries(20) as queries:
        send_due_notices(seconds=30)

    Notice.objects.update(status=Status.PENDING, due_at=timezone.now())
    with django_assert_max_num_queries(len(queries.captured_queries)):
        report = send_due_notices(seconds=60)
    assert report.sent == 126


def test_a_sender_reads_and_writes_its_chunk_by_primary_key(upcoming, relay, settings):
    # The claim's token has no index: a statement that found a worker's rows by their
    # token (or by their status, whose index holds a whole wave) read the whole outbox.
    settings.NOTICE_CHUNK_SIZE = 20
    settings.NOTICE_MARK_EVERY = 7
    invite(upcoming, 40)
    notice_table = f'"{Notice._meta.db_table}"'

    with CaptureQueriesContext(connection) as queries:
        report = send_due_notices(seconds=30)

    assert report.sent == 43
    about_chunks = [
        query["sql"]
        for query in queries.captured_queries
        if f"FROM {notice_table}" in query["sql"]
        or query["sql"].startswith(f"UPDATE {notice_table}")
    ]
    claims = [sql for sql in about_chunks if f'ORDER BY {notice_table}."due_at"' in sql]
    assert len(claims) == 4  # three chunks, then nothing left
    for sql in about_chunks:
        if sql not in claims:
            assert f'{notice_table}."id" IN (' in sql or f'{notice_table}."id" = ' in sql, sql


def test_a_relay_failing_mid_chunk_leaves_the_rest_for_the_next_pass(upcoming, relay, settings):
    settings.NOTICE_CHUNK_SIZE = 100
    invite(upcoming, 20)
    relay.accept = 5

    first = send_due_notices(seconds=30)

    # the five the relay took are sent; none of the others is lost or marked sent
    assert first.sent == Notice.objects.filter(status=Status.SENT).count() == 5
    waiting = Notice.objects.filter(status=Status.PENDING)
    assert waiting.count() == 18
    assert not waiting.exclude(claim="").exists()
    assert all(n.due_at > timezone.now() for n in waiting)  # backed off, not hammered

    # when the relay is back and the retries fall due, each of them goes once
    relay.accept = None
    waiting.update(due_at=timezone.now())
    second = send_due_notices(seconds=30)

    assert second.sent == 18
    assert Notice.objects.filter(status=Status.SENT).count() == 23
    assert max(Counter(relay.received).values()) == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_senders_never_send_a_notice_twice(upcoming, relay, settings):
    if connection.vendor != "postgresql":
        pytest.skip("parallel claims are taken with SKIP LOCKED on PostgreSQL")
    settings.NOTICE_CHUNK_SIZE = 10
    invite(upcoming, 117)
    reports = []

    def sender() -> None:
        try:
            reports.append(send_due_notices(seconds=60))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(relay.received) == 120
    assert max(Counter(relay.received).values()) == 1
    assert sum(r.sent for r in reports) == 120
    assert Notice.objects.filter(status=Status.SENT).count() == 120
    assert len([r for r in reports if r.sent]) > 1  # the work was shared


def test_a_reminder_wave_starts_early_enough_to_end_by_its_moment(upcoming, settings):
    settings.NOTICE_RATE_PER_SECOND = 10
    settings.NOTICE_WAVE_MARGIN_SECONDS = 60
    invite(upcoming, 300)
    session = upcoming.session
    at = next(
        line.planned_for(session)
        for line in effective_plan(session)
        if line.kind == Kind.REMINDER and line.at_time is not None
    )
    size = session.roster.filter(removed_at=None).count()
    # 300-odd people at 10 a second take 30-odd seconds, and a minute of margin
    assert wave_lead(size) == timedelta(seconds=size / 10 + 60)

    assert plan_due_notices(now=at - wave_lead(size) - timedelta(seconds=1)).notices == 0
    planned = plan_due_notices(now=at - wave_lead(size))

    assert planned.notices == size
    reminders = Notice.objects.filter(kind=Kind.REMINDER, planned_for=at)
    assert reminders.count() == size
    assert all(n.due_at <= at - timedelta(seconds=size / 10) for n in reminders)


def test_a_wave_is_paced_by_the_slower_of_the_rate_limit_and_the_workers(settings):
    settings.NOTICE_WAVE_MARGIN_SECONDS = 300
    settings.NOTICE_WAVE_RATE_ESTIMATE = 500

    # a relay asking for 100 a second: 300,000 take 3,000 s, and five minutes of margin
    settings.NOTICE_RATE_PER_SECOND = 100
    assert wave_lead(300_000) == timedelta(seconds=3300)

    # a limit above what the workers keep, or none: their pace decides
    settings.NOTICE_RATE_PER_SECOND = 1000
    assert wave_lead(300_000) == timedelta(seconds=900)
    settings.NOTICE_RATE_PER_SECOND = 0
    assert wave_lead(300_000) == timedelta(seconds=900)


def test_each_worker_counts_the_rate_a_hundredth_at_a_time(settings, monkeypatch):
    # given the default rate, and a chunk with nothing counted ahead yet
    settings.NOTICE_RATE_PER_SECOND = 1000
    chunk = sending._Chunk("a-worker", [])
    counted: list[int] = []

    def count_hit(key: str, *, window_seconds: int, hits: int) -> int:
        counted.append(hits)
        return sum(counted)

    monkeypatch.setattr(sending, "count_hit", count_hit)

    # when it sends 25 messages
    for _ in range(25):
        sending._throttle(chunk)

    # then it asked the shared counter three times, for ten each, not 25 times
    assert counted == [10, 10, 10]


def test_a_slow_relays_rate_is_counted_message_by_message(settings, monkeypatch):
    settings.NOTICE_RATE_PER_SECOND = 20
    chunk = sending._Chunk("a-worker", [])
    counted: list[int] = []
    monkeypatch.setattr(
        sending, "count_hit", lambda key, *, window_seconds, hits: counted.append(hits) or 1
    )

    for _ in range(5):
        sending._throttle(chunk)

    assert counted == [1] * 5
