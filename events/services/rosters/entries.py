"""Putting people on a point's roster and taking them off, and the checks every roster
change makes first: who keeps the roster, and whether the session is still open."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Agency, Person
from directory.selectors import people_for, scope_for

from ...models import InvitedAgency, RosterChange, RosterEntry, Session, SessionChange, SessionPoint
from ...notices.planning import queue_invitations
from ...selectors import can_keep_roster


def require_roster_keeper(actor: AbstractBaseUser, participation: SessionPoint) -> None:
    if not can_keep_roster(actor, participation):
        raise PermissionDenied(_("You do not keep the roster of this bridge point."))


def require_open(session: Session) -> None:
    """Rosters and attendance change while a session is scheduled or held, not once it is
    closed or cancelled. The state is read again under a shared lock on the session's row:
    a closing waits for the changes already under way, and a change that waited for a
    closing sees it, so nothing slips in after attendance froze."""
    session.status = _status_for_change(session.pk) or session.status
    if session.attendance_open:
        return
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled."))
    raise ValidationError(_("This session is closed: its roster and attendance are frozen."))


def _status_for_change(session_id: int) -> str | None:
    if connection.vendor != "postgresql":
        return Session.objects.filter(pk=session_id).values_list("status", flat=True).first()
    # FOR KEY SHARE: changes to one session do not wait for each other (a walk-in at every
    # point at once), only for the closing's FOR UPDATE.
    table = connection.ops.quote_name(Session._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {table} WHERE id = %s FOR KEY SHARE", [session_id])
        row = cursor.fetchone()
    return row[0] if row else None


def people_in_reach(actor: AbstractBaseUser) -> QuerySet[Person]:
    return people_for(actor).filter(is_active=True)


def _record(
    entry: RosterEntry,
    kind: str,
    actor: AbstractBaseUser | None,
    reason: str = "",
    **details: object,
) -> None:
    RosterChange.objects.create(entry=entry, kind=kind, actor=actor, reason=reason, details=details)


def _take_off(entry: RosterEntry, actor: AbstractBaseUser, reason: str) -> None:
    entry.removed_at, entry.removed_by = timezone.now(), actor
    entry.removal_reason = reason.strip()[:300]
    entry.save(update_fields=["removed_at", "removed_by", "removal_reason", "changed_at"])


def _put_back(entry: RosterEntry, actor: AbstractBaseUser, **details: object) -> None:
    entry.removed_at, entry.removed_by, entry.removal_reason = None, None, ""
    entry.save(update_fields=["removed_at", "removed_by", "removal_reason", "changed_at"])
    _record(entry, RosterChange.Kind.RESTORED, actor, **details)


@dataclass
class RosterResult:
    added: int = 0
    restored: int = 0
    already_here: int = 0
    # Names of people already expected at another point of the same session.
    elsewhere: list[str] = field(default_factory=list)


@transaction.atomic
def add_to_roster(
    *,
    actor: AbstractBaseUser,
    participation: SessionPoint,
    person_ids: Iterable[int],
    source: str = RosterEntry.Source.DIRECTORY,
) -> RosterResult:
    """Put people on a point's roster; people already expected elsewhere are named, not moved."""
    require_roster_keeper(actor, participation)
    require_open(participation.session)
    wanted = set(person_ids)
    reachable = set(people_in_reach(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - reachable:
        raise ValidationError(_("Some of these people are outside your scope."))
    result = RosterResult()
    existing = {
        entry.person_id: entry
        for entry in RosterEntry.objects.filter(
            session_id=participation.session_id, person_id__in=wanted
        ).select_related("person", "participation__point")
    }
    new_entries = []
    for person_id in sorted(wanted):
        entry = existing.get(person_id)
        if entry is None:
            new_entries.append(
                RosterEntry(
                    session_id=participation.session_id,
                    participation=participation,
                    person_id=person_id,
                    source=source,
                    added_by=actor,
                )
            )
        elif entry.participation_id != participation.pk:
            result.elsewhere.append(f"{entry.person} ({entry.participation.point})")
        elif entry.removed_at is not None:
            _put_back(entry, actor)
            result.restored += 1
        else:
            result.already_here += 1
    created = RosterEntry.objects.bulk_create(new_entries, batch_size=1000)
    RosterChange.objects.bulk_create(
        [RosterChange(entry=entry, kind=RosterChange.Kind.ADDED, actor=actor) for entry in created],
        batch_size=1000,
    )
    queue_invitations(
        session_id=participation.session_id, entry_ids=[entry.pk for entry in created]
    )
    result.added = len(created)
    return result


@transaction.atomic
def invite_agency_here(
    *,
    actor: AbstractBaseUser,
    participation: SessionPoint,
    agency: Agency,
    quota: int | None = None,
) -> tuple[InvitedAgency, RosterResult]:
    """Invite a whole agency to a point: everyone active in it goes on the point's roster."""
    require_roster_keeper(actor, participation)
    require_open(participation.session)
    if not scope_for(actor).covers_unit(agency.unit):
        raise ValidationError({"agency": _("This agency is outside your scope.")})
    invitation, _created = InvitedAgency.objects.update_or_create(
        participation=participation, agency=agency, defaults={"quota": quota}
    )
    SessionChange.objects.create(
        session=participation.session,
        kind=SessionChange.Kind.DETAILS_CHANGED,
        actor=actor,
        details={"invited": agency.name, "point": participation.point.name, "quota": quota},
    )
    people = agency.people.filter(is_active=True).values_list("pk", flat=True)
    result = add_to_roster(
        actor=actor,
        participation=participation,
        person_ids=list(people),
        source=RosterEntry.Source.AGENCY,
    )
    return invitation, result


@transaction.atomic
def remove_from_roster(*, actor: AbstractBaseUser, entry: RosterEntry, reason: str) -> RosterEntry:
    require_roster_keeper(actor, entry.participation)
    require_open(entry.session)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this person is taken off the roster.")})
    if entry.removed_at is None:
        _take_off(entry, actor, reason)
        _record(entry, RosterChange.Kind.REMOVED, actor, entry.removal_reason)
    return entry


@transaction.atomic
def revoke_ticket(*, actor: AbstractBaseUser, entry: RosterEntry, reason: str) -> RosterEntry:
    """Void the person's QR code (lost phone, shared screenshot); a new one replaces it."""
    require_roster_keeper(actor, entry.participation)
    require_open(entry.session)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the QR code is revoked.")})
    RosterEntry.objects.filter(pk=entry.pk).update(
        ticket_version=F("ticket_version") + 1, changed_at=timezone.now()
    )
    entry.refresh_from_db(fields=["ticket_version"])
    _record(entry, RosterChange.Kind.TICKET_REVOKED, actor, reason.strip()[:300])
    return entry
