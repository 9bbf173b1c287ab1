"""Coordinators of bridge points: people found or created, their accounts, their role.

Roles are granted and revoked through the directory's staff services, which keep the scope
rules and audit each change; this module only decides who and where.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from directory.collation import name_sort_key
from directory.models import AdministrativeUnit, Agency, Person, RoleAssignment
from directory.selectors import Scope, scope_for
from directory.services import normalise_phone, roles, staff
from events.models import BridgePoint

Coordinators = BridgePoint.coordinators.through
COORDINATOR = RoleAssignment.Role.COORDINATOR


@dataclass(frozen=True)
class CoordinatorDetails:
    """Who keeps a point, as an organiser or a file gives them (contacts normalised)."""

    full_name: str
    email: str = ""
    phone: str = ""

    @property
    def key(self) -> str:
        return self.email or self.phone


def read_details(full_name: str, email: str, phone: str) -> tuple[CoordinatorDetails, dict]:
    """The details with e-mail lower-cased and phone as 0XXXXXXXXX, and what is wrong, by field."""
    errors: dict[str, str] = {}
    full_name = " ".join(full_name.split())
    email = email.strip().lower()
    phone = phone.strip()
    if not full_name:
        errors["full_name"] = _("The full name is required.")
    elif len(full_name) > Person._meta.get_field("full_name").max_length:
        errors["full_name"] = _("This value is too long.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("This is not a valid e-mail address.")
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            errors["phone"] = _("Write a Vietnamese number, e.g. 0912345678.")
    if not email and not phone:
        errors["email"] = _("Give an e-mail address or a phone number.")
    return CoordinatorDetails(full_name, email, phone), errors


def match_people(
    details: list[CoordinatorDetails], scope: Scope
) -> tuple[dict[str, Person], dict[str, tuple[str, str]]]:
    """The known person each set of details names, by its key, in one query; and the refusals
    (field, message) by key. A contact that belongs to someone of another name is refused,
    without saying who that is."""
    emails = {item.email for item in details if item.email}
    phones = {item.phone for item in details if item.phone}
    known = list(
        Person.objects.filter(Q(email__in=emails) | Q(phone__in=phones)).select_related(
            "agency__unit", "user"
        )
    )
    by_email = {person.email: person for person in known if person.email}
    by_phone = {person.phone: person for person in known if person.phone}
    found: dict[str, Person] = {}
    refused: dict[str, tuple[str, str]] = {}
    for item in details:
        candidates = {
            person.pk: person
            for person in (by_email.get(item.email), by_phone.get(item.phone))
            if person is not None
        }
        if len(candidates) > 1:
            refused[item.key] = (
                "phone",
                _("The e-mail and the phone belong to two different people."),
            )
            continue
        if not candidates:
            continue
        person = next(iter(candidates.values()))
        field = "email" if item.email and person.email == item.email else "phone"
        if not staff.same_name(person.full_name, item.full_name):
            refused[item.key] = (
                field,
                _(
                    "This e-mail address belongs to another person already in the directory, "
                    "under a different name."
                )
                if field == "email"
                else _(
                    "This phone number belongs to another person already in the directory, "
                    "under a different name."
                ),
            )
        elif not scope.covers_unit(person.agency.unit):
            refused[item.key] = (
                field,
                _("This person is already registered by a unit outside your scope."),
            )
        else:
            found[item.key] = person
    return found, refused


def _agency_name(unit: AdministrativeUnit) -> str:
    # Where a coordinator created from a point's page or file works unless someone says
    # otherwise: the People's Committee of the point's unit.
    return f"Ủy ban nhân dân {unit.name[:1].lower()}{unit.name[1:]}"[:255]


def _committees(units: list[AdministrativeUnit]) -> dict[int, Agency]:
    wanted = {unit.pk: _agency_name(unit) for unit in units}
    agencies = {
        agency.unit_id: agency
        for agency in Agency.objects.filter(unit_id__in=wanted, name__in=set(wanted.values()))
        if wanted[agency.unit_id] == agency.name
    }
    missing = [
        Agency(unit_id=unit_id, name=name, kind=Agency.Kind.PEOPLES_COMMITTEE)
        for unit_id, name in wanted.items()
        if unit_id not in agencies
    ]
    for agency in Agency.objects.bulk_create(missing):
        agencies[agency.unit_id] = agency
    return agencies


def _ensure_accounts(people: list[Person]) -> None:
    """A sign-in account for each person without one, in two statements. Without a password:
    a coordinator signs in by e-mailed link until they choose one."""
    User = get_user_model()
    lacking = [person for person in people if person.user_id is None]
    if not lacking:
        return
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=f"person-{person.pk}",
                email=person.email,
                first_name=person.full_name[:150],
                password=unusable,
            )
            for person in lacking
        ]
    )
    for person, user in zip(lacking, users, strict=True):
        person.user = user
    Person.objects.bulk_update(lacking, ["user"], batch_size=1000)


def grant_coordinator_roles(
    *, actor: AbstractBaseUser, grants: list[tuple[AbstractBaseUser, AdministrativeUnit]]
) -> None:
    """The coordinator role over each (account, unit); idempotent, audited, all or none."""
    unique = {(user.pk, unit.pk): (user, unit) for user, unit in grants}
    try:
        roles.grant_roles(
            actor=actor,
            grants=[
                roles.Grant(user=user, role=COORDINATOR, unit=unit)
                for user, unit in unique.values()
            ],
        )
    except ValidationError as refused:
        # Keyed by grant index there; one message is what a person acts on here.
        raise ValidationError(sorted(set(refused.messages))) from refused


@dataclass(frozen=True)
class Appointment:
    point: BridgePoint
    details: CoordinatorDetails | None = None
    person: Person | None = None


@transaction.atomic
def appoint_coordinators(
    *, actor: AbstractBaseUser, appointments: list[Appointment], known: dict[str, Person]
) -> int:
    """Make each appointment's person a coordinator of its point: the person created where
    unknown (in the People's Committee of the point's unit), an account made, the role over
    the point's unit granted. A fixed number of statements for any number of rows; returns
    how many people were created."""
    new_people: dict[str, Person] = {}
    committees = _committees(
        list({a.point.unit_id: a.point.unit for a in appointments if a.person is None}.values())
    )
    for appointment in appointments:
        details = appointment.details
        if appointment.person is None and details and details.key not in known:
            new_people.setdefault(
                details.key,
                Person(
                    full_name=details.full_name,
                    sort_name=name_sort_key(details.full_name),
                    email=details.email,
                    phone=details.phone,
                    agency=committees[appointment.point.unit_id],
                ),
            )
    Person.objects.bulk_create(new_people.values())
    chosen = {**known, **new_people}
    people = [appointment.person or chosen[appointment.details.key] for appointment in appointments]
    _ensure_accounts(list({person.pk: person for person in people}.values()))
    grant_coordinator_roles(
        actor=actor,
        grants=[
            (person.user, appointment.point.unit)
            for appointment, person in zip(appointments, people, strict=True)
        ],
    )
    Coordinators.objects.bulk_create(
        [
            Coordinators(bridgepoint_id=appointment.point.pk, user_id=person.user_id)
            for appointment, person in zip(appointments, people, strict=True)
        ],
        ignore_conflicts=True,
    )
    return len(new_people)


@transaction.atomic
def appoint_coordinator(
    *,
    actor: AbstractBaseUser,
    point: BridgePoint,
    person: Person | None = None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
) -> Person:
    """One coordinator for one point: a person chosen from the directory, or one given by
    name and contacts (found by e-mail or phone, created if unknown)."""
    scope = scope_for(actor)
    if not scope.is_organiser or not scope.covers_unit(point.unit):
        raise PermissionDenied(_("This unit is outside your scope."))
    if person is not None:
        if not scope.covers_unit(person.agency.unit):
            raise ValidationError(
                _("This person is already registered by a unit outside your scope.")
            )
        appoint_coordinators(
            actor=actor, appointments=[Appointment(point, person=person)], known={}
        )
        return person
    details, errors = read_details(full_name, email, phone)
    if errors:
        raise ValidationError(errors)
    known, refused = match_people([details], scope)
    if details.key in refused:
        field, message = refused[details.key]
        raise ValidationError({field: message})
    appoint_coordinators(
        actor=actor, appointments=[Appointment(point, details=details)], known=known
    )
    return known.get(details.key) or Person.objects.get(
        Q(email=details.email) if details.email else Q(phone=details.phone)
    )


@transaction.atomic
def remove_coordinator(*, actor: AbstractBaseUser, point: BridgePoint, user_id: int) -> None:
    """The user no longer keeps this point; their coordinator role over its unit goes too
    when no other point of that unit is theirs."""
    scope = scope_for(actor)
    if not scope.is_organiser or not scope.covers_unit(point.unit):
        raise PermissionDenied(_("This unit is outside your scope."))
    point.coordinators.remove(user_id)
    if BridgePoint.objects.filter(unit=point.unit, coordinators=user_id).exists():
        return
    role = RoleAssignment.objects.filter(
        user_id=user_id, role=COORDINATOR, unit=point.unit
    ).select_related("user", "unit")
    for assignment in role:
        roles.revoke_role(actor=actor, assignment=assignment)
