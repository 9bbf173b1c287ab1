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
from .completion import work_out
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
    completions = work_out(programme, point=collation.point)
    holders = set(
        Certificate.objects.filter(programme=programme)
        .order_by()
        .values_list("person_id", flat=True)
        .iterator(chunk_size=20000)
    )
    due = {
        c.person_id: c
        for c in completions
        if c.completed and c.person_id not in holders and c.attended_from is not None
    }
    update_run(
        collation,
        stage=Collation.Stage.SAMPLE,
        people=len(completions),
        completed=sum(c.completed for c in completions),
        to_issue=len(due),
        outcome=outcome_of(completions, holders),
    )
    first = _first_in_name_order(programme, due)
    if first is not None:
        _store_sample(collation, _grant_for(first))
    update_run(
        collation,
        status=Collation.Status.DONE,
        stage=Collation.Stage.FINISHED,
        finished_at=timezone.now(),
    )
    return collation


def outcome_of(completions: list[Completion], holders: set[int]) -> dict[str, int]:
    """Who would not get a certificate, by reason (a person may have several)."""
    counts: Counter[str] = Counter()
    for c in completions:
        if not c.completed:
            counts["not_completed"] += 1
            counts["short_of_sessions"] += c.sessions_counted < c.sessions_required
            counts["late"] += c.late_sessions > 0
            counts["survey_missing"] += c.survey_missing
        elif c.person_id in holders:
            counts["already_issued"] += 1
        elif c.attended_from is None:
            counts["no_held_session"] += 1
    keys = (
        "not_completed",
        "short_of_sessions",
        "late",
        "survey_missing",
        "already_issued",
        "no_held_session",
    )
    return {key: counts[key] for key in keys}


def _first_in_name_order(programme: Programme, due: dict[int, Completion]) -> Completion | None:
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
            return due[person_id]
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
