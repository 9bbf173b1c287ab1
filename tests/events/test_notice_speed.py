"""What a reminder wave costs the sender: a chunk of messages takes the same few queries
whatever its size (its attendees' accounts are made together), the calendars of a chunk
share what they have in common and stay the same bytes, and the QR ticket, drawn with a
fixed mask, still reads back."""

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from attendance.tickets import ticket_for
from events.calendars import invitation_calendar
from events.models import BridgePoint, Notice
from events.notices import content
from events.notices.content import qr_png
from events.notices.sending import send_due_notices
from events.selectors import effective_plan
from events.services import plan_due_notices
from tests.events.test_reminder_wave import invite

pytestmark = pytest.mark.django_db

Kind, Status = Notice.Kind, Notice.Status
# Whatever the chunk's size: claim, load and its agenda, the accounts (lock, look-up,
# insert, link), one marking, the empty claim that ends the loop, and the releases; with
# the savepoints that the test's own transaction turns each atomic block into.
CHUNK_QUERIES = 18


def plan_reminders(session) -> None:
    """The day-before reminders planned; everything else already sent, nothing due."""
    at = next(
        line.planned_for(session)
        for line in effective_plan(session)
        if line.kind == Kind.REMINDER and line.at_time is not None
    )
    Notice.objects.exclude(kind=Kind.REMINDER).update(status=Status.SENT)
    plan_due_notices(now=at + timedelta(minutes=1))
    Notice.objects.update(due_at=timezone.now() + timedelta(days=1))


def make_due(people: list[int]) -> None:
    Notice.objects.filter(kind=Kind.REMINDER, person_id__in=people).update(due_at=timezone.now())


def send() -> int:
    """Send what is due; the queries it took."""
    with CaptureQueriesContext(connection) as queries:
        send_due_notices(seconds=60)
    return len(queries)


def test_a_chunk_of_fifty_reminders_costs_the_queries_of_a_chunk_of_five(
    upcoming, settings, django_assert_max_num_queries
):
    # given 55 delegates without accounts, their reminders planned, one chunk at a time
    settings.NOTICE_RATE_PER_SECOND, settings.NOTICE_CHUNK_SIZE = 0, 100
    settings.NOTICE_MARK_EVERY = 100
    five, fifty = invite(upcoming, 5, 0), invite(upcoming, 50, 5)
    plan_reminders(upcoming.session)
    mail.outbox.clear()

    # when the reminders of five, then those of fifty, are sent
    make_due(five)
    with django_assert_max_num_queries(CHUNK_QUERIES):
        for_five = send()
    make_due(fifty)
    with django_assert_max_num_queries(CHUNK_QUERIES):
        for_fifty = send()

    # then both chunks took the same queries, and everyone has an account to sign in with
    assert for_five == for_fifty
    assert len(mail.outbox) == 55
    assert Notice.objects.filter(kind=Kind.REMINDER, status=Status.SENT).count() == 55
    assert all("/accounts/link/sign-in/?token=" in message.body for message in mail.outbox)
    linked = upcoming.manh.agency.people.filter(pk__in=five + fifty).select_related("user")
    assert {person.user.username for person in linked} == {f"person-{pk}" for pk in five + fifty}
    assert not any(person.user.has_usable_password() for person in linked)


def test_the_calendars_of_a_chunk_are_the_bytes_each_would_be_alone(upcoming, monkeypatch):
    # given one moment, and attendees at a point, at another, and at one with no address
    moment = datetime(2026, 12, 5, 1, 2, 3, 456789, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    session = upcoming.session
    points = [upcoming.song_lo.point, upcoming.tam_dao.point, BridgePoint(name=""), None]
    attendees = ["manh.vv@songlo.vinhphuc.gov.vn", "mot.dia.chi.rat.dai.de.bi.gap.dong@x.gov.vn"]

    # when each is rendered with the chunk's shared parts, and on its own
    shared = {}
    for method in ("REQUEST", "CANCEL"):
        for point in points:
            for attendee in attendees:
                together = invitation_calendar(
                    session, location=point, attendee=attendee, method=method, shared=shared
                )
                alone = invitation_calendar(
                    session, location=point, attendee=attendee, method=method
                )

                # then the two are the same bytes, naming that attendee at that point
                assert together == alone
                [event] = Calendar.from_ical(together).walk("VEVENT")
                assert str(event["ATTENDEE"]) == f"mailto:{attendee}"
                assert ("LOCATION" in event) == bool(point and point.name)
                assert event["DTSTAMP"].dt == moment.replace(microsecond=0)
    assert len(shared) == 2  # one calendar built for each method


def test_a_chunks_messages_are_what_each_would_say_alone_its_templates_rendered_once(
    upcoming, monkeypatch
):
    # given reminders to people at one point, one of whose names HTML would misread
    people = invite(upcoming, 4, 0)
    Person = upcoming.manh.__class__
    Person.objects.filter(pk=people[1]).update(full_name="Lê <Văn> & 'Tú' \"Bé\"")
    plan_reminders(upcoming.session)
    notices = list(
        Notice.objects.filter(kind=Kind.REMINDER, person_id__in=people)
        .select_related("session__programme", "participation__point", "person", "entry", "batch")
        .order_by("pk")
    )
    rendered = []
    real = content.render_to_string
    monkeypatch.setattr(
        content, "render_to_string", lambda *a, **k: rendered.append(a[0]) or real(*a, **k)
    )

    # when they are rendered as a chunk, sharing their bodies
    shared = {}
    together = [content.render(notice, bodies=shared) for notice in notices]
    templates_for_chunk = len(rendered)

    # then each says what it says rendered alone, the awkward name escaped in the HTML
    for notice, message in zip(notices, together, strict=True):
        alone = content.render(notice)
        assert (message.text, message.html) == (alone.text, alone.html)
        assert notice.person.full_name in message.text
    assert "Lê &lt;Văn&gt; &amp; &#x27;Tú&#x27; &quot;Bé&quot;" in together[1].html
    assert together[0].text != together[1].text  # names and sign-in links differ
    # and the two templates were rendered for the first alone and once shared: 4, not 8
    assert templates_for_chunk == 4
    assert len(shared) == 1


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg is not installed")
def test_the_ticket_qr_reads_back_as_the_ticket(tmp_path):
    # given the longest ticket there can be
    ticket = ticket_for(10**19 - 1, 10**9 - 1)

    # when its QR is drawn
    png = tmp_path / "qr.png"
    png.write_bytes(qr_png(ticket))

    # then a reader reads the ticket from it
    read = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True)
    assert read.stdout.strip() == ticket
