"""A dry run: what a collation would issue now, before anything is numbered.

It works out completion as a collation does, in the worker (a national programme has
300,000 people), but stores no completion, no certificate and no number: only its counts
on the `Collation` row (`dry_run=True`) and a sample PDF of the first certificate it would
issue, drawn from the snapshot that certificate would keep and marked as a sample.
"""

from collections import Counter

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from directory.models import Person
from events.models import BridgePoint, RosterEntry
from training.models import Programme

from ..models import Certificate, Collation, Completion
from ..pdf import CertificatePage, render_sample
from .completion import stream_completions
from .issuing import _Grant, _snapshot_base, statement
from .rendering import picture


def update_run(collation: Collation, **values: object) -> None:
    """Write a run's progress (its own columns only: two workers may share the row)."""
    for name, value in values.items():
        setattr(collation, name, value)
    collation.save(update_fields=[*values, "updated_at"])


def run_dry(collation: Collation) -> Collation:
    """Count what a collation would issue and draw its first certificate as a sample;
    changes nothing else. Safe to run again."""
    programme = collation.programme
    update_run(
        collation,
        status=Collation.Status.RUNNING,
        stage=Collation.Stage.COMPLETION,
        started_at=timezone.now(),
    )
    holders = set(
        Certificate.objects.filter(programme=programme)
        .order_by()
        .values_list("person_id", flat=True)
        .iterator(chunk_size=20000)
    )
    # Streamed and counted as they come: a national programme's 300,000 are never held.
    tally = DryRunTally(holders)
    for completion in stream_completions(programme, point=collation.point):
        tally.add(completion)
    update_run(
        collation,
        stage=Collation.Stage.SAMPLE,
        people=tally.people,
        completed=tally.completed,
        to_issue=len(tally.due),
        outcome=tally.outcome(),
    )
    first = _first_in_name_order(programme, tally.due)
    if first is not None:
        (completion,) = stream_completions(programme, point=collation.point, only_person=first)
        _store_sample(collation, _grant_for(completion))
    update_run(
        collation,
        status=Collation.Status.DONE,
        stage=Collation.Stage.FINISHED,
        finished_at=timezone.now(),
    )
    return collation


class DryRunTally:
    """What a dry run counts, one completion at a time: people, who completes, who would
    be issued one (their ids only), and who would not, by reason (a person may have
    several)."""

    KEYS = (
        "not_completed",
        "short_of_sessions",
        "late",
        "survey_missing",
        "already_issued",
        "no_held_session",
    )

    def __init__(self, holders: set[int]) -> None:
        self.holders = holders
        self.people = self.completed = 0
        self.due: set[int] = set()
        self.counts: Counter[str] = Counter()

    def add(self, c: Completion) -> None:
        self.people += 1
        self.completed += c.completed
        if not c.completed:
            self.counts["not_completed"] += 1
            self.counts["short_of_sessions"] += c.sessions_counted < c.sessions_required
            self.counts["late"] += c.late_sessions > 0
            self.counts["survey_missing"] += c.survey_missing
        elif c.person_id in self.holders:
            self.counts["already_issued"] += 1
        elif c.attended_from is None:
            self.counts["no_held_session"] += 1
        else:
            self.due.add(c.person_id)

    def outcome(self) -> dict[str, int]:
        return {key: self.counts[key] for key in self.KEYS}


def _first_in_name_order(programme: Programme, due: set[int]) -> int | None:
    """The person a collation would number first: the first in name order who is due.
    Read in name order until one is found, which is at once unless the first few hold a
    certificate already."""
    if not due:
        return None
    on_rosters = RosterEntry.objects.filter(session__programme=programme, removed_at=None).values(
        "person_id"
    )
    for person_id in (
        Person.objects.filter(pk__in=on_rosters)
        .order_by("sort_name", "pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=2000)
    ):
        if person_id in due:
            return person_id
    return None


def _grant_for(completion: Completion) -> _Grant:
    person = Person.objects.select_related("agency").get(pk=completion.person_id)
    point = (
        BridgePoint.objects.filter(pk=completion.point_id).values_list("name", flat=True).first()
        if completion.point_id
        else None
    )
    return _Grant(
        person_id=person.pk,
        entry_id=completion.entry_id,
        point_id=completion.point_id,
        full_name=person.full_name,
        agency=person.agency.name if person.agency else "",
        point=point or "",
        sessions=completion.sessions_counted,
        minutes=completion.minutes_present,
        first_day=completion.attended_from.isoformat(),
        last_day=completion.attended_until.isoformat(),
    )


def sample_page(programme: Programme, grant: _Grant) -> CertificatePage:
    """The certificate as it would be issued today, without its numbers and code."""
    base = _snapshot_base(programme, timezone.localdate().isoformat())
    return CertificatePage(
        snapshot=statement(grant, base),
        serial="",
        register="",
        code="",
        verify_url="",
        stamp=picture(programme.stamp_image.name),
        signature=picture(programme.signature_image.name),
        sample=True,
    )


def _store_sample(collation: Collation, grant: _Grant) -> None:
    programme = collation.programme
    data = render_sample(sample_page(programme, grant))
    name = f"certificates/samples/{programme.code}/{collation.pk}.pdf"
    if default_storage.exists(name):
        default_storage.delete(name)  # a run taken again draws it again
    update_run(collation, sample=default_storage.save(name, ContentFile(data)))
    # Earlier samples of the programme are of no use once a newer one exists.
    for earlier in (
        Collation.objects.filter(programme=programme, dry_run=True, pk__lt=collation.pk)
        .exclude(sample="")
        .only("pk", "sample")
    ):
        default_storage.delete(earlier.sample.name)
        Collation.objects.filter(pk=earlier.pk).update(sample="")
