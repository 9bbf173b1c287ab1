"""Collation: working out who completed a programme and issuing what is due, as one
resumable run that reports its progress.

The other steps in a certificate's life have modules of their own: `guards` (what must
hold before anything is numbered), `dry_run`, `issuing` (numbers and who may manage
certificates), `rendering`, `revisions` (corrections and revocations), `sweep` and
`verification`. Views and tasks reach all of them through this module, which names them
again below.
"""

from collections.abc import Iterator
from itertools import islice

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.tasks import dispatch_on_commit
from events.models import BridgePoint, Session
from training.models import Programme

from ..models import Certificate, Collation, Completion
from .completion import record_completions, stream_completions, streamed
from .dry_run import run_dry
from .dry_run import update_run as _update
from .guards import CollationGuard, collation_guard, collation_refusal
from .issuing import (
    _Grant,
    _issue,
    _snapshot_base,
    register_key,
    require_certificate_manager,
    serial_key,
)
from .rendering import (
    RENDER_CHUNK,
    certificate_pdf,
    certificate_pdfs,
    dispatch_rendering,
    page_for,
    render_certificates,
)
from .revisions import reissue_certificate, revoke_certificate
from .sweep import sweep
from .verification import (
    CODE_LENGTH,
    Verification,
    file_matches,
    new_code,
    normalise_code,
    verify,
    verify_url,
)

__all__ = [
    "CODE_LENGTH",
    "ISSUE_CHUNK",
    "RENDER_CHUNK",
    "CollationGuard",
    "Verification",
    "certificate_pdf",
    "certificate_pdfs",
    "collation_guard",
    "collation_refusal",
    "dispatch_rendering",
    "file_matches",
    "new_code",
    "normalise_code",
    "page_for",
    "register_key",
    "reissue_certificate",
    "render_certificates",
    "require_certificate_manager",
    "revoke_certificate",
    "run_collation",
    "serial_key",
    "start_collation",
    "sweep",
    "verify",
    "verify_url",
]

ISSUE_CHUNK = 2000


def start_collation(
    *,
    actor: AbstractBaseUser | None,
    programme: Programme,
    point: BridgePoint | None = None,
    session: Session | None = None,
    dry_run: bool = False,
) -> Collation:
    """Queue a collation (a person asks, or a session or programme closes), or a dry run;
    refused, with every reason, while the guards refuse. A run already waiting or running
    for the same programme and point is returned instead, also to a second caller at the
    same moment (the database keeps one: `certificates_collation_one_active`)."""
    from ..tasks import collate

    if actor is not None:
        require_certificate_manager(actor, programme)
    guard = collation_guard(programme, point=point, dry_run=dry_run)
    if guard.refused:
        raise ValidationError(guard.messages)
    for _attempt in range(3):
        running = _active(programme, point, dry_run=dry_run)
        if running is not None:
            return running
        try:
            with transaction.atomic():
                collation = Collation.objects.create(
                    programme=programme,
                    point=point,
                    session=session,
                    requested_by=actor,
                    dry_run=dry_run,
                )
        except IntegrityError:
            # Another caller's run went in first (we waited for its commit): theirs it
            # is, unless it has already finished, when we try again.
            continue
        dispatch_on_commit(collate, collation.pk)
        return collation
    raise ValidationError(
        _("Another collation of the programme has just started; see its progress.")
    )


def _active(programme: Programme, point: BridgePoint | None, *, dry_run: bool) -> Collation | None:
    return Collation.objects.filter(
        programme=programme, point=point, dry_run=dry_run, status__in=Collation.ACTIVE
    ).first()


def run_collation(collation_id: int) -> Collation | None:
    """Work out completion and issue what is due (or, for a dry run, count it and draw a
    sample). The guards are asked again: what was open when the run was queued may still
    be. Safe to run again, or twice at once."""
    collation = (
        Collation.objects.select_related("programme__unit", "point").filter(pk=collation_id).first()
    )
    if collation is None or collation.status in (Collation.Status.DONE, Collation.Status.REFUSED):
        return collation
    programme = collation.programme
    guard = collation_guard(programme, point=collation.point, dry_run=collation.dry_run)
    if guard.refused:
        _update(
            collation,
            status=Collation.Status.REFUSED,
            error=str(guard)[:500],
            finished_at=timezone.now(),
        )
        return collation
    if collation.dry_run:
        try:
            return run_dry(collation)
        except Exception as error:
            _update(collation, status=Collation.Status.FAILED, error=str(error)[:500])
            raise
    _update(collation, status=Collation.Status.RUNNING, started_at=timezone.now())
    try:
        recorded = record_completions(
            programme,
            stream_completions(programme, point=collation.point),
            point=collation.point,
        )
        _update(
            collation,
            stage=Collation.Stage.ISSUING,
            people=recorded.people,
            completed=recorded.completed,
            to_issue=_due_people(programme, collation.point).count(),
            issued=0,
        )
        issued = 0
        due = _due(programme, collation.point)
        while grants := list(islice(due, ISSUE_CHUNK)):
            now = timezone.now()
            base = _snapshot_base(programme, timezone.localdate(now).isoformat())
            with transaction.atomic():
                issued += _issue(
                    programme,
                    grants,
                    actor=collation.requested_by,
                    collation=collation,
                    now=now,
                    base=base,
                )
            _update(collation, issued=issued)
        _update(collation, stage=Collation.Stage.RENDERING)
        dispatch_rendering(Certificate.objects.filter(collation=collation, rendered_at=None))
        _update(
            collation,
            status=Collation.Status.DONE,
            stage=Collation.Stage.FINISHED,
            finished_at=timezone.now(),
        )
    except Exception as error:
        _update(collation, status=Collation.Status.FAILED, error=str(error)[:500])
        raise
    return collation


def _due_people(programme: Programme, point: BridgePoint | None) -> QuerySet[Completion]:
    """Completed people without a certificate of the programme. Someone who checked in at
    no session that was held has no period to state and is not issued one."""
    completions = (
        Completion.objects.filter(programme=programme, completed=True)
        .exclude(attended_from=None)
        .exclude(person__certificates__programme=programme)
    )
    if point is not None:
        completions = completions.filter(point=point)
    return completions


def _due(programme: Programme, point: BridgePoint | None) -> Iterator[_Grant]:
    """The due people in name order, with what their certificates will state, streamed
    from one query (a server-side cursor on PostgreSQL): a national run's 300,000 are
    issued chunk by chunk and never held at once."""
    rows = streamed(
        _due_people(programme, point)
        .order_by("person__sort_name", "person_id")
        .values_list(
            "person_id",
            "entry_id",
            "point_id",
            "person__full_name",
            "person__agency__name",
            "point__name",
            "sessions_counted",
            "minutes_present",
            "attended_from",
            "attended_until",
        ),
        chunk=ISSUE_CHUNK,
    )
    for (
        person_id,
        entry_id,
        point_id,
        full_name,
        agency,
        point_name,
        sessions,
        minutes,
        first,
        last,
    ) in rows:
        yield _Grant(
            person_id=person_id,
            entry_id=entry_id,
            point_id=point_id,
            full_name=full_name,
            agency=agency or "",
            point=point_name or "",
            sessions=sessions,
            minutes=minutes,
            first_day=first.isoformat(),
            last_day=last.isoformat(),
        )
