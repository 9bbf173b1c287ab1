"""Decisions taken from the organiser's home."""

from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Attendance, AttendanceChange
from directory.selectors import scope_for

MAX_DECISIONS = 200


class ExcuseNotFound(ObjectDoesNotExist):
    """One of the chosen requests does not exist or lies outside the organiser's scope."""


@dataclass(frozen=True)
class ExcuseDecisions:
    decided: int
    skipped: list[str]  # the people whose request was no longer waiting


@transaction.atomic
def decide_excuses(
    *,
    actor: AbstractBaseUser,
    entry_ids: Collection[int],
    approve: bool,
    note: str = "",
) -> ExcuseDecisions:
    """Approve or refuse many excuse requests at once, under the rules of the single
    decision (an organiser over the point, an open session, a request still waiting) and
    with the same audit row each; four queries whatever the number.

    All or nothing for scope: one request outside it refuses the whole batch, as if it did
    not exist. A request decided meanwhile, or whose session has closed, is skipped.
    """
    scope = scope_for(actor)
    if not scope.is_organiser:
        raise PermissionDenied(_("Only an organiser can decide on an excuse."))
    ids = set(entry_ids)
    if not ids:
        raise ValidationError(_("Choose at least one request."))
    if len(ids) > MAX_DECISIONS:
        raise ValidationError(
            _("Decide at most %(count)d requests at a time.") % {"count": MAX_DECISIONS}
        )
    rows = list(
        Attendance.objects.select_for_update(of=("self",))
        .filter(scope.units_q("participation__point__unit__"), pk__in=ids)
        .select_related("session", "entry__person")
    )
    if len(rows) != len(ids):
        raise ExcuseNotFound
    waiting = [
        row
        for row in rows
        if row.excuse == Attendance.Excuse.REQUESTED and row.session.attendance_open
    ]
    waiting_ids = {row.pk for row in waiting}
    skipped = sorted(row.entry.person.full_name for row in rows if row.pk not in waiting_ids)
    if not waiting:
        return ExcuseDecisions(decided=0, skipped=skipped)
    decision = Attendance.Excuse.APPROVED if approve else Attendance.Excuse.REJECTED
    now = timezone.now()
    Attendance.objects.filter(pk__in=[row.pk for row in waiting]).update(
        excuse=decision, excuse_decided_by=actor, excuse_decided_at=now, updated_at=now
    )
    AttendanceChange.objects.bulk_create(
        AttendanceChange(
            attendance=row,
            kind=AttendanceChange.Kind.EXCUSE_DECIDED,
            actor=actor,
            reason=note.strip()[:300],
            before={"excuse": Attendance.Excuse.REQUESTED},
            after={"excuse": decision},
        )
        for row in waiting
    )
    return ExcuseDecisions(decided=len(waiting), skipped=skipped)
