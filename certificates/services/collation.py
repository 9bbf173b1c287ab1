"""Collation: working out who completed a programme and issuing what is due, as one
resumable run that reports its progress.

The other steps in a certificate's life have modules of their own: `issuing` (numbers and
who may manage certificates), `rendering`, `revisions` (corrections and revocations),
`sweep` and `verification`. Views and tasks reach all of them through this module, which
names them again below.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.tasks import dispatch_on_commit
from events.models import BridgePoint, Session
from training.models import Programme

from ..models import Certificate, Collation, Completion
from .completion import collation_refusal, record_completions, work_out
from .issuing import (
    _Grant,
    _issue,
    _snapshot_base,
    register_key,
    require_certificate_manager,
    serial_key,
)
from .rendering import RENDER_CHUNK, dispatch_rendering, page_for, render_certificates
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
    "Verification",
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
) -> Collation:
    """Queue a collation (a person asks, or a session or programme closes); a run already
    waiting or running for the same programme and point is returned instead."""
    from ..tasks import collate

    if actor is not None:
        require_certificate_manager(actor, programme)
    refusal = collation_refusal(programme)
    if refusal:
        raise ValidationError(refusal)
    running = Collation.objects.filter(
        programme=programme,
        point=point,
        status__in=[Collation.Status.QUEUED, Collation.Status.RUNNING],
    ).first()
    if running is not None:
        return running
    collation = Collation.objects.create(
        programme=programme, point=point, session=session, requested_by=actor
    )
    dispatch_on_commit(collate, collation.pk)
    return collation


def run_collation(collation_id: int) -> Collation | None:
    """Work out completion and issue what is due. Safe to run again, or twice at once."""
    collation = (
        Collation.objects.select_related("programme__unit", "point").filter(pk=collation_id).first()
    )
    if collation is None or collation.status == Collation.Status.DONE:
        return collation
    programme = collation.programme
    refusal = collation_refusal(programme)
    if refusal:
        _update(collation, status=Collation.Status.FAILED, error=refusal[:500])
        return collation
    _update(collation, status=Collation.Status.RUNNING, started_at=timezone.now())
    try:
        completions = work_out(programme, point=collation.point)
        record_completions(programme, completions, point=collation.point)
        due = _due(programme, collation.point)
        _update(
            collation,
            stage=Collation.Stage.ISSUING,
            people=len(completions),
            completed=sum(c.completed for c in completions),
            to_issue=len(due),
            issued=0,
        )
        issued = 0
        for start in range(0, len(due), ISSUE_CHUNK):
            now = timezone.now()
            base = _snapshot_base(programme, timezone.localdate(now).isoformat())
            with transaction.atomic():
                issued += _issue(
                    programme,
                    due[start : start + ISSUE_CHUNK],
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


def _update(collation: Collation, **values: object) -> None:
    for name, value in values.items():
        setattr(collation, name, value)
    collation.save(update_fields=[*values, "updated_at"])


def _due(programme: Programme, point: BridgePoint | None) -> list[_Grant]:
    """Completed people without a certificate of the programme, in name order, with what
    their certificates will state: one read for the whole run."""
    completions = Completion.objects.filter(programme=programme, completed=True).exclude(
        person__certificates__programme=programme
    )
    if point is not None:
        completions = completions.filter(point=point)
    return [
        _Grant(
            person_id=person_id,
            entry_id=entry_id,
            point_id=point_id,
            full_name=full_name,
            agency=agency or "",
            point=point_name or "",
            sessions=sessions,
            minutes=minutes,
        )
        for person_id, entry_id, point_id, full_name, agency, point_name, sessions, minutes in (
            completions.order_by("person__sort_name", "person_id")
            .values_list(
                "person_id",
                "entry_id",
                "point_id",
                "person__full_name",
                "person__agency__name",
                "point__name",
                "sessions_counted",
                "minutes_present",
            )
            .iterator(chunk_size=20000)
        )
    ]
