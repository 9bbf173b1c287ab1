"""Who completes a programme, worked out for everyone on its rosters at once.

The rule is the programme's: which sessions count (all, or N of them), the minutes a
person must be present at each, whether they must arrive on time, and whether they must
answer the survey. The same `minutes_present` and lateness that the roster pages show
decide here, so a person reads the same figures on both.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from attendance.models import minutes_present
from events.models import BridgePoint, RosterEntry, Session
from surveys.models import Survey, SurveyReceipt
from training.models import Programme

from ..models import Completion
from .bulk import upsert_rows

COMPLETION_FIELDS = (
    "completed",
    "sessions_counted",
    "sessions_required",
    "minutes_present",
    "minutes_required",
    "late_sessions",
    "survey_missing",
    "entry_id",
    "point_id",
    "attended_from",
    "attended_until",
)
# A certificate states only sessions that took place: held (its end passed) or closed.
HELD_STATES = (Session.Status.HELD, Session.Status.CLOSED)
# People worked out, compared with what is stored and written at a time: a national
# programme's 300,000 are never all held at once.
COMPLETION_CHUNK = 5000


def counted_sessions(programme: Programme) -> list[Session]:
    return list(
        Session.objects.filter(programme=programme)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("starts_at", "pk")
        .only("pk", "status", "starts_at", "ends_at", "late_after_minutes")
    )


def held_days(session: Session, now: datetime) -> tuple[date, date] | None:
    """The first and last day a session was held on, or None if it was not held (yet):
    never a day after `now`, even for a session closed before its planned end."""
    if session.status not in HELD_STATES or session.starts_at > now:
        return None
    return (
        timezone.localtime(session.starts_at).date(),
        timezone.localtime(min(session.ends_at, now)).date(),
    )


def sessions_required(programme: Programme, sessions: list[Session]) -> int:
    if programme.required_sessions is None:
        return len(sessions)
    return programme.required_sessions


@dataclass
class _Tally:
    counted: int = 0
    minutes: int = 0
    late: int = 0
    entry_id: int | None = None
    point_id: int | None = None
    best: tuple[bool, datetime] | None = None
    survey_missing: bool = False
    attended_from: date | None = None
    attended_until: date | None = None

    def attended(self, days: tuple[date, date]) -> None:
        first, last = days
        self.attended_from = min(first, self.attended_from or first)
        self.attended_until = max(last, self.attended_until or last)


def _entries(
    programme: Programme, point: BridgePoint | None, person_id: int | None = None
) -> object:
    entries = RosterEntry.objects.filter(session__programme=programme, removed_at=None).exclude(
        session__status=Session.Status.CANCELLED
    )
    if point is not None:
        # Everyone who was ever on this point's roster, with all their sessions.
        entries = RosterEntry.objects.filter(
            session__programme=programme,
            removed_at=None,
            person_id__in=entries.filter(participation__point=point).values("person_id"),
        ).exclude(session__status=Session.Status.CANCELLED)
    if person_id is not None:
        entries = entries.filter(person_id=person_id)
    # By person, so that each person's entries come together and are worked out as soon as
    # the next person's begin.
    return streamed(
        entries.order_by("person_id", "pk").values_list(
            "pk",
            "person_id",
            "session_id",
            "participation__point_id",
            "attendance__checked_in_at",
            "attendance__checked_out_at",
        ),
        chunk=20000,
    )


def streamed(rows: QuerySet, *, chunk: int) -> Iterable:
    """Rows read while the caller writes: through a server-side cursor on PostgreSQL. On
    SQLite (the demo, the tests) a read left open across writes keeps every other
    process from committing, so its rows, a demo's few, are read at once."""
    if connection.vendor == "sqlite":
        return list(rows)
    return rows.iterator(chunk_size=chunk)


def _surveys(programme: Programme) -> tuple[set[int], set[tuple[int, int]]]:
    """Sessions of the programme that have a survey, and who answered which (by receipt,
    so anonymous surveys count too), read in two queries for the whole programme."""
    with_survey = set(
        Survey.objects.filter(session__programme=programme).values_list("session_id", flat=True)
    )
    answered = set(
        SurveyReceipt.objects.filter(survey__session__programme=programme)
        .order_by()
        .values_list("survey__session_id", "person_id")
        .iterator(chunk_size=20000)
    )
    return with_survey, answered


def stream_completions(
    programme: Programme,
    *,
    point: BridgePoint | None = None,
    now: datetime | None = None,
    only_person: int | None = None,
) -> Iterator[Completion]:
    """Completion for every person on the programme's rosters (or one point's people, or
    one person), one person at a time in person order, read from one streamed query."""
    now = now or timezone.now()
    sessions = {session.pk: session for session in counted_sessions(programme)}
    days = {pk: held_days(session, now) for pk, session in sessions.items()}
    required = sessions_required(programme, list(sessions.values()))
    minimum = programme.min_minutes_present
    with_survey, answered = _surveys(programme) if programme.require_survey else (set(), set())
    person: int | None = None
    tally = _Tally()
    entries = _entries(programme, point, only_person)
    for entry_id, person_id, session_id, point_id, arrived, left in entries:
        if person_id != person:
            if person is not None:
                yield _completion(programme, person, tally, required, minimum, now)
            person, tally = person_id, _Tally()
        session = sessions[session_id]
        minutes = minutes_present(session=session, checked_in_at=arrived, checked_out_at=left)
        late = arrived is not None and arrived > session.starts_at + timedelta(
            minutes=session.late_after_minutes
        )
        counts = (
            arrived is not None and minutes >= minimum and not (programme.require_on_time and late)
        )
        tally.minutes += minutes
        tally.late += int(late and programme.require_on_time)
        # The certificate names the point of the latest session that counted, else the
        # latest session at all.
        key = (counts, session.starts_at)
        if tally.best is None or key >= tally.best:
            tally.best, tally.entry_id, tally.point_id = key, entry_id, point_id
        tally.counted += int(counts)
        if arrived is not None and days[session_id] is not None:
            tally.attended(days[session_id])
        if (
            arrived is not None
            and session_id in with_survey
            and (session_id, person_id) not in answered
        ):
            tally.survey_missing = True
    if person is not None:
        yield _completion(programme, person, tally, required, minimum, now)


def _completion(
    programme: Programme,
    person_id: int,
    tally: _Tally,
    required: int,
    minimum: int,
    now: datetime,
) -> Completion:
    return Completion(
        programme=programme,
        person_id=person_id,
        completed=required > 0 and tally.counted >= required and not tally.survey_missing,
        sessions_counted=tally.counted,
        sessions_required=required,
        minutes_present=tally.minutes,
        minutes_required=minimum * required,
        late_sessions=tally.late,
        survey_missing=tally.survey_missing,
        entry_id=tally.entry_id,
        point_id=tally.point_id,
        attended_from=tally.attended_from,
        attended_until=tally.attended_until,
        computed_at=now,
    )


def work_out(
    programme: Programme, *, point: BridgePoint | None = None, now: datetime | None = None
) -> list[Completion]:
    """`stream_completions` as a list: for a page's or a test's handful of people."""
    return list(stream_completions(programme, point=point, now=now))


STORED_FIELDS = ("programme_id", "person_id", *COMPLETION_FIELDS, "computed_at")


def _values(completion: Completion) -> tuple[object, ...]:
    return tuple(getattr(completion, name) for name in COMPLETION_FIELDS)


@dataclass
class Recorded:
    """What `record_completions` went through: people, how many complete, rows written."""

    people: int = 0
    completed: int = 0
    written: int = 0


def _chunks(completions: Iterable[Completion], size: int) -> Iterator[list[Completion]]:
    iterator = iter(completions)
    while chunk := list(islice(iterator, size)):
        yield chunk


def record_completions(
    programme: Programme,
    completions: Iterable[Completion],
    *,
    point: BridgePoint | None = None,
) -> Recorded:
    """Store what changed since the last run, and nothing else, COMPLETION_CHUNK people at
    a time (each chunk its own transaction: a run taken again writes what is still
    different). For the whole programme, people taken off every roster then lose theirs."""
    recorded = Recorded()
    for chunk in _chunks(completions, COMPLETION_CHUNK):
        recorded.people += len(chunk)
        recorded.completed += sum(c.completed for c in chunk)
        recorded.written += _record_chunk(programme, chunk)
    if point is None:
        # NOT EXISTS, an anti-join: NOT IN over 300,000 ids is checked row by row once the
        # ids outgrow work_mem (minutes on the national session).
        on_a_roster = RosterEntry.objects.filter(
            session__programme=programme, removed_at=None, person_id=OuterRef("person_id")
        ).exclude(session__status=Session.Status.CANCELLED)
        Completion.objects.filter(programme=programme).exclude(Exists(on_a_roster)).delete()
    return recorded


def _record_chunk(programme: Programme, chunk: list[Completion]) -> int:
    stored = {
        row[0]: row[1:]
        for row in Completion.objects.filter(
            programme=programme, person_id__in=[c.person_id for c in chunk]
        )
        .order_by()
        .values_list("person_id", *COMPLETION_FIELDS)
    }
    # In person order, so two collations writing the same rows lock them in the same order.
    changed = sorted(
        (c for c in chunk if stored.get(c.person_id) != _values(c)),
        key=lambda c: c.person_id,
    )
    with transaction.atomic():
        upsert_rows(
            Completion,
            [{name: getattr(c, name) for name in STORED_FIELDS} for c in changed],
            unique_fields=["programme", "person"],
            update_fields=[*COMPLETION_FIELDS, "computed_at"],
        )
    return len(changed)
