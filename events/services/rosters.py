"""Who is expected where: the roster of each bridge point of a session.

A person is on a session's roster once, at one point. Coordinators keep their own
point's roster; organisers keep the rosters of the points in their scope. Nothing is
deleted: taking someone off, revoking a ticket or sending a substitute leaves a trace.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.collation import name_sort_key
from directory.models import Agency, Person
from directory.selectors import people_for, scope_for
from directory.services import PEOPLE_COLUMNS, normalise_phone
from directory.spreadsheets import RowError, TableRejected, read_table

from ..models import (
    InvitedAgency,
    RosterChange,
    RosterEntry,
    RosterImport,
    Session,
    SessionChange,
    SessionPoint,
)
from ..notices.planning import queue_invitations, resend_notices_to
from ..selectors import can_keep_roster


def require_roster_keeper(actor: AbstractBaseUser, participation: SessionPoint) -> None:
    if not can_keep_roster(actor, participation):
        raise PermissionDenied(_("You do not keep the roster of this bridge point."))


def require_open(session: Session) -> None:
    """Rosters and attendance change only while a session is scheduled."""
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled."))
    if session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed: its roster and attendance are frozen."))


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
    entry.save(update_fields=["removed_at", "removed_by", "removal_reason"])


def _put_back(entry: RosterEntry, actor: AbstractBaseUser, **details: object) -> None:
    entry.removed_at, entry.removed_by, entry.removal_reason = None, None, ""
    entry.save(update_fields=["removed_at", "removed_by", "removal_reason"])
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
    RosterEntry.objects.filter(pk=entry.pk).update(ticket_version=F("ticket_version") + 1)
    entry.refresh_from_db(fields=["ticket_version"])
    _record(entry, RosterChange.Kind.TICKET_REVOKED, actor, reason.strip()[:300])
    return entry


@dataclass(frozen=True)
class PersonDetails:
    """A person as someone at the door or in a spreadsheet describes them."""

    full_name: str
    agency: str = ""
    position: str = ""
    email: str = ""
    phone: str = ""


def _clean_details(details: PersonDetails) -> tuple[PersonDetails, dict[str, str]]:
    """The details tidied, and what is wrong with them by field."""
    errors: dict[str, str] = {}
    full_name = " ".join(details.full_name.split())
    if not full_name:
        errors["full_name"] = _("Enter the full name.")
    elif len(full_name) > 200:
        errors["full_name"] = _("The name is longer than 200 characters.")
    email = details.email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("This is not a valid e-mail address.")
    phone = details.phone.strip()
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            errors["phone"] = _("Write the phone number as 10 digits starting with 0.")
    if not email and not phone and "email" not in errors and "phone" not in errors:
        errors["phone"] = _("Give a phone number or an e-mail address.")
    agency = " ".join(details.agency.split())
    if len(agency) > 200:
        errors["agency"] = _("The agency name is longer than 200 characters.")
    position = details.position.strip()[:200]
    return PersonDetails(full_name, agency, position, email, phone), errors


class PersonMatcher:
    """Finds the directory's people for many described people in three queries.

    A description matches by e-mail first, then phone; someone outside the actor's scope
    is reported, not added.
    """

    def __init__(self, actor: AbstractBaseUser, described: Iterable[PersonDetails]) -> None:
        described = list(described)
        emails = {d.email for d in described if d.email}
        phones = {d.phone for d in described if d.phone}
        found = Person.objects.filter(email__in=emails) | Person.objects.filter(phone__in=phones)
        found = list(found.select_related("agency")) if emails or phones else []
        self.by_email = {p.email: p for p in found if p.email}
        self.by_phone = {p.phone: p for p in found if p.phone}
        self.reachable = set(
            people_in_reach(actor).filter(pk__in=[p.pk for p in found]).values_list("pk", flat=True)
        )

    def resolve(
        self, details: PersonDetails
    ) -> tuple[Person | None, PersonDetails, dict[str, str]]:
        """The person these details name (None when new), the tidied details, the errors."""
        details, errors = _clean_details(details)
        if errors:
            return None, details, errors
        person = self.by_email.get(details.email) or self.by_phone.get(details.phone)
        if person is not None:
            if person.pk not in self.reachable:
                matched_on = "email" if self.by_email.get(details.email) else "phone"
                errors[matched_on] = _(
                    "This belongs to someone outside your area; ask the organiser to add them."
                )
            return person, details, errors
        if not details.agency:
            errors["agency"] = _("Name the agency of someone new to the directory.")
        return None, details, errors


def _cleaned_for_matching(details: PersonDetails) -> PersonDetails:
    return _clean_details(details)[0]


def resolve_person(
    *, actor: AbstractBaseUser, details: PersonDetails
) -> tuple[Person | None, PersonDetails, dict[str, str]]:
    return PersonMatcher(actor, [_cleaned_for_matching(details)]).resolve(details)


def create_people(*, participation: SessionPoint, described: list[PersonDetails]) -> list[Person]:
    """New people in the directory, in agencies of the point's unit (made when missing)."""
    unit = participation.point.unit
    names = {d.agency for d in described}
    agencies = {a.name: a for a in Agency.objects.filter(unit=unit, name__in=names)}
    missing = [Agency(unit=unit, name=name) for name in names - agencies.keys()]
    for agency in Agency.objects.bulk_create(missing):
        agencies[agency.name] = agency
    people = [
        Person(
            full_name=d.full_name,
            sort_name=name_sort_key(d.full_name),
            position=d.position,
            agency=agencies[d.agency],
            email=d.email,
            phone=d.phone,
        )
        for d in described
    ]
    return Person.objects.bulk_create(people, batch_size=1000)


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


# The directory's people columns, less the unit code: a roster's people belong to its point.
ROSTER_COLUMNS = {
    key: PEOPLE_COLUMNS[key] for key in ("full_name", "position", "agency", "email", "phone")
}
ROSTER_EXAMPLE = ("Nguyễn Thị Ánh", "Chuyên viên", "UBND xã Đồng Thịnh", "", "0912345678")
COLUMN_LABELS = {
    "full_name": "Họ và tên",
    "position": "Chức vụ",
    "agency": "Cơ quan",
    "email": "Email",
    "phone": "Điện thoại",
}


@dataclass(frozen=True)
class PreviewRow:
    row: int
    details: PersonDetails
    person: Person | None
    # "new" (added to the directory too), "existing", or "already_here" (skipped).
    action: str


@dataclass(frozen=True)
class RosterPreview:
    upload: RosterImport
    rows: list[PreviewRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def count_new(self) -> int:
        return self.count("new")

    @property
    def count_existing(self) -> int:
        return self.count("existing")

    @property
    def count_already_here(self) -> int:
        return self.count("already_here")


def _check_roster_file(
    *, actor: AbstractBaseUser, participation: SessionPoint, file_name: str, content: bytes
) -> list[PreviewRow]:
    table = read_table(
        name=file_name, content=content, columns=ROSTER_COLUMNS, required={"full_name"}
    )
    if not table.rows:
        raise TableRejected([RowError(0, "", _("The file has no rows under its header."))])
    errors: list[RowError] = []
    rows: list[PreviewRow] = []
    seen: dict[str, int] = {}
    on_session = {
        entry.person_id: entry
        for entry in RosterEntry.objects.filter(session_id=participation.session_id).select_related(
            "participation__point"
        )
    }
    described = [
        (number, PersonDetails(**{key: values.get(key, "") for key in ROSTER_COLUMNS}))
        for number, values in table.rows
    ]
    matcher = PersonMatcher(actor, [_cleaned_for_matching(d) for _n, d in described])
    for number, details in described:
        person, details, problems = matcher.resolve(details)
        for key in ("email", "phone"):
            value = getattr(details, key)
            if value and key not in problems:
                if value in seen:
                    problems[key] = _("Also on row %(row)s of this file.") % {"row": seen[value]}
                seen.setdefault(value, number)
        action = "new" if person is None else "existing"
        # Someone out of reach is reported as such, without telling where they are expected.
        entry = on_session.get(person.pk) if person is not None and not problems else None
        if entry is not None and entry.participation_id != participation.pk:
            problems["full_name"] = _("Already on the roster of %(point)s.") % {
                "point": entry.participation.point
            }
        elif entry is not None and entry.removed_at is None:
            action = "already_here"
        errors += [RowError(number, COLUMN_LABELS[key], reason) for key, reason in problems.items()]
        rows.append(PreviewRow(number, details, person, action))
    if errors:
        raise TableRejected(errors)
    return rows


@transaction.atomic
def preview_roster_import(
    *, actor: AbstractBaseUser, participation: SessionPoint, file_name: str, content: bytes
) -> RosterPreview:
    """Check a whole roster file; rejected with every (row, column, reason) when anything is
    wrong. A clean file is kept, unapplied, until someone confirms the preview."""
    require_roster_keeper(actor, participation)
    require_open(participation.session)
    rows = _check_roster_file(
        actor=actor, participation=participation, file_name=file_name, content=content
    )
    upload = RosterImport.objects.create(
        participation=participation,
        file_name=file_name[:255],
        content=content,
        uploaded_by=actor,
        row_count=len(rows),
    )
    return RosterPreview(upload, rows)


@transaction.atomic
def apply_roster_import(*, actor: AbstractBaseUser, upload: RosterImport) -> RosterResult:
    """Put a previewed file on the roster, checking it again: the directory may have moved."""
    upload = (
        RosterImport.objects.select_for_update()
        .select_related("participation__point__unit", "participation__session")
        .get(pk=upload.pk)
    )
    participation = upload.participation
    require_roster_keeper(actor, participation)
    require_open(participation.session)
    if upload.applied_at is not None:
        raise ValidationError(_("This file was already added to the roster."))
    rows = _check_roster_file(
        actor=actor,
        participation=participation,
        file_name=upload.file_name,
        content=bytes(upload.content),
    )
    person_ids = [row.person.pk for row in rows if row.person is not None]
    new_people = create_people(
        participation=participation,
        described=[row.details for row in rows if row.person is None],
    )
    person_ids += [person.pk for person in new_people]
    result = add_to_roster(
        actor=actor,
        participation=participation,
        person_ids=person_ids,
        source=RosterEntry.Source.IMPORT,
    )
    upload.applied_at = timezone.now()
    upload.added_count = result.added + result.restored
    upload.save(update_fields=["applied_at", "added_count"])
    return result


@transaction.atomic
def correct_contact(
    *, actor: AbstractBaseUser, entry: RosterEntry, email: str, phone: str
) -> Person:
    """Correct a delegate's e-mail or phone from the roster; the notices about this session
    that could not reach them are sent again."""
    require_roster_keeper(actor, entry.participation)
    person = entry.person
    details, errors = _clean_details(
        PersonDetails(full_name=person.full_name, email=email, phone=phone)
    )
    email, phone = details.email, details.phone
    if not errors and email and Person.objects.filter(email=email).exclude(pk=person.pk).exists():
        errors["email"] = _("Another person in the directory has this e-mail.")
    if not errors and phone and Person.objects.filter(phone=phone).exclude(pk=person.pk).exists():
        errors["phone"] = _("Another person in the directory has this phone number.")
    if errors:
        raise ValidationError(errors)
    before = {"email": person.email, "phone": person.phone}
    person.email, person.phone = email, phone
    person.save(update_fields=["email", "phone", "updated_at"])
    _record(
        entry,
        RosterChange.Kind.CONTACT_CORRECTED,
        actor,
        before=before,
        after={"email": email, "phone": phone},
    )
    resend_notices_to(session=entry.session, person=person)
    return person
