"""People who turn up without being on the roster: a walk-in, or a delegate sent in
someone's place."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from directory.models import Person

from ...models import RosterChange, RosterEntry, SessionPoint
from ...notices.planning import queue_invitations
from .entries import _put_back, _record, _take_off, require_open, require_roster_keeper
from .people import PersonDetails, create_people, resolve_person


@transaction.atomic
def add_walk_in(
    *, actor: AbstractBaseUser, participation: SessionPoint, details: PersonDetails
) -> RosterEntry:
    """Someone who turned up without being on the roster: found or added, then put on it."""
    require_roster_keeper(actor, participation)
    require_open(participation.session)
    person, details, errors = resolve_person(actor=actor, details=details)
    if errors:
        raise ValidationError(errors)
    if person is None:
        [person] = create_people(participation=participation, described=[details])
    return _entry_here(actor, participation, person, RosterEntry.Source.WALK_IN)


def _entry_here(
    actor: AbstractBaseUser, participation: SessionPoint, person: Person, source: str
) -> RosterEntry:
    entry = (
        RosterEntry.objects.filter(session_id=participation.session_id, person=person)
        .select_related("participation__point")
        .first()
    )
    if entry is not None and entry.participation_id != participation.pk:
        raise ValidationError(
            _("%(name)s is on the roster of %(point)s for this session.")
            % {"name": person.full_name, "point": entry.participation.point}
        )
    if entry is None:
        entry = RosterEntry.objects.create(
            session_id=participation.session_id,
            participation=participation,
            person=person,
            source=source,
            added_by=actor,
        )
        _record(entry, RosterChange.Kind.ADDED, actor, source=source)
        queue_invitations(session_id=participation.session_id, entry_ids=[entry.pk])
    elif entry.removed_at is not None:
        _put_back(entry, actor, source=source)
    entry.participation = participation
    entry.person = person
    return entry


@transaction.atomic
def add_substitute(
    *,
    actor: AbstractBaseUser,
    entry: RosterEntry,
    details: PersonDetails,
    reason: str,
) -> RosterEntry:
    """A delegate sent in someone's place (cử người dự thay): the original leaves the roster
    with the reason, the substitute joins it pointing back at them."""
    participation = entry.participation
    require_roster_keeper(actor, participation)
    require_open(entry.session)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why someone else attends instead.")})
    person, details, errors = resolve_person(actor=actor, details=details)
    if errors:
        raise ValidationError(errors)
    if person is not None and person.pk == entry.person_id:
        raise ValidationError({"full_name": _("A person cannot substitute for themselves.")})
    if person is None:
        [person] = create_people(participation=participation, described=[details])
    substitute = _entry_here(actor, participation, person, RosterEntry.Source.SUBSTITUTE)
    substitute.substitute_for = entry
    substitute.source = RosterEntry.Source.SUBSTITUTE
    substitute.save(update_fields=["substitute_for", "source"])
    if entry.removed_at is None:
        _take_off(entry, actor, reason)
    _record(entry, RosterChange.Kind.SUBSTITUTED, actor, reason.strip()[:300], by=person.full_name)
    return substitute
