"""Staff accounts, from the web and in bulk: a person found or made, with an account that
signs in by e-mailed link. Their roles are given in `roles`."""

import unicodedata
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..collation import name_sort_key
from ..models import AdministrativeUnit, Agency, Person, RoleAssignment
from ..selectors import Scope, scope_for
from .agencies import ensure_agencies
from .imports import normalise_phone

Role = RoleAssignment.Role


@dataclass(frozen=True)
class StaffDetails:
    """Who gets a staff account. A new person goes into `agency`, or into the agency named
    `agency_name` at `unit` (made, marked for review, when missing)."""

    full_name: str
    email: str
    phone: str = ""
    agency: Agency | None = None
    unit: AdministrativeUnit | None = None
    agency_name: str = ""


def require_organiser(actor: AbstractBaseUser) -> Scope:
    scope = scope_for(actor)
    if not scope.is_organiser:
        raise PermissionDenied(_("Only an organiser can manage staff accounts and roles."))
    return scope


def same_name(first: str, second: str) -> bool:
    """The same name however it was typed: composed accents, case and spaces aside."""

    def folded(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return folded(first) == folded(second)


# --- accounts -----------------------------------------------------------------------------


def _not_usable(field: str) -> str:
    # The same words whoever holds the address, in scope or not: it names no one.
    if field == "email":
        return _("This e-mail address cannot be used for this person: check it.")
    return _("This phone number cannot be used for this person: check it.")


def _cleaned(details: StaffDetails) -> tuple[StaffDetails, dict[str, str]]:
    errors: dict[str, str] = {}
    full_name = " ".join(details.full_name.split())
    email = details.email.strip().lower()
    phone = details.phone.strip()
    if not full_name:
        errors["full_name"] = _("Enter the person's full name.")
    elif len(full_name) > 200:
        errors["full_name"] = _("The full name is longer than 200 characters.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address: the account signs in with it.")
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            errors["phone"] = _("Enter a Vietnamese phone number, such as 0912345678.")
    cleaned = StaffDetails(
        full_name=full_name,
        email=email,
        phone=phone,
        agency=details.agency,
        unit=details.unit,
        agency_name=" ".join(details.agency_name.split()),
    )
    return cleaned, errors


def _match(
    details: StaffDetails,
    scope: Scope,
    by_email: dict[str, Person],
    by_phone: dict[str, Person],
) -> tuple[Person | None, dict[str, str]]:
    """The known person these details name, or None for someone new; refusals by field."""
    errors: dict[str, str] = {}
    person = by_email.get(details.email)
    if person is not None and (
        not same_name(person.full_name, details.full_name)
        or not scope.covers_unit(person.agency.unit)
    ):
        return None, {"email": _not_usable("email")}
    if details.phone:
        holder = by_phone.get(details.phone)
        if holder is not None and (person is None or holder.pk != person.pk):
            errors["phone"] = _not_usable("phone")
    if person is None and not errors:
        if details.agency is not None:
            if not scope.covers_unit(details.agency.unit):
                errors["agency"] = _("Choose an agency in your area.")
        elif details.unit is None or not details.agency_name:
            errors["agency"] = _("Choose the agency of someone new to the directory.")
        elif not scope.covers_unit(details.unit):
            errors["agency"] = _("Choose an agency in your area.")
    return person, errors


def _new_user(details: StaffDetails, taken: set[str]) -> AbstractBaseUser:
    User = get_user_model()
    username = details.email[:150]
    if username in taken:
        # Rare: an account already bears this address as its name without being this
        # person's. A suffix keeps both, and the person signs in by e-mail anyway.
        username = f"{details.email[:140]}#{uuid.uuid4().hex[:8]}"
    taken.add(username)
    user = User(username=username, email=details.email)
    # Vietnamese names read family first: all of it in first_name, which get_full_name()
    # prints first.
    user.first_name = details.full_name[:150]
    user.set_unusable_password()
    return user


def _accounts(actor: AbstractBaseUser, people: list[StaffDetails]) -> tuple[list, dict]:
    """Checks every row, then saves all or nothing; (users by row, errors by row)."""
    scope = require_organiser(actor)
    rows, errors = [], {}
    for index, details in enumerate(people):
        cleaned, row_errors = _cleaned(details)
        rows.append(cleaned)
        if row_errors:
            errors[index] = row_errors
    emails = {row.email for row in rows if row.email}
    phones = {row.phone for row in rows if row.phone}
    known = Person.objects.select_related("agency__unit", "user").filter(
        Q(email__in=emails) | Q(phone__in=phones)
    )
    by_email, by_phone = {}, {}
    for person in known:
        if person.email:
            by_email[person.email] = person
        if person.phone:
            by_phone[person.phone] = person
    matches: dict[int, Person | None] = {}
    first_row_of: dict[str, int] = {}
    for index, row in enumerate(rows):
        if index in errors:
            continue
        person, row_errors = _match(row, scope, by_email, by_phone)
        for key in (row.email, row.phone):
            if not key:
                continue
            earlier = first_row_of.setdefault(key, index)
            if earlier != index and not same_name(rows[earlier].full_name, row.full_name):
                row_errors.setdefault(
                    "email" if key == row.email else "phone",
                    _("Row %(row)s already gives this to another name.") % {"row": earlier + 1},
                )
        if row_errors:
            errors[index] = row_errors
        matches[index] = person
    if errors:
        return [], errors
    return _save_accounts(rows, matches), {}


def _save_accounts(rows: list[StaffDetails], matches: dict[int, Person | None]) -> list:
    wanted = {
        (row.unit.pk, row.agency_name)
        for index, row in enumerate(rows)
        if matches[index] is None and row.agency is None
    }
    agencies, _made = ensure_agencies(wanted=wanted)
    User = get_user_model()
    candidates = {row.email[:150] for row in rows}
    taken = set(User.objects.filter(username__in=candidates).values_list("username", flat=True))

    # One account per e-mail, even where the file repeats a person.
    users_by_email: dict[str, AbstractBaseUser] = {}
    new_users, new_people, linked = [], [], []
    for index, row in enumerate(rows):
        if row.email in users_by_email:
            continue
        person = matches[index]
        if person is not None and person.user_id is not None:
            users_by_email[row.email] = person.user
            continue
        user = _new_user(row, taken)
        new_users.append(user)
        users_by_email[row.email] = user
        if person is not None:
            linked.append((person, user))
            continue
        agency = row.agency or agencies[(row.unit.pk, row.agency_name)]
        new_people.append(
            (
                Person(
                    full_name=row.full_name,
                    sort_name=name_sort_key(row.full_name),
                    agency=agency,
                    email=row.email,
                    phone=row.phone,
                ),
                user,
            )
        )
    User.objects.bulk_create(new_users, batch_size=1000)
    for person, user in linked:
        person.user = user
    Person.objects.bulk_update([person for person, _ in linked], ["user"], batch_size=1000)
    for person, user in new_people:
        person.user = user
    Person.objects.bulk_create([person for person, _ in new_people], batch_size=1000)
    return [users_by_email[row.email] for row in rows]


@transaction.atomic
def create_staff_accounts(
    *, actor: AbstractBaseUser, people: list[StaffDetails]
) -> list[AbstractBaseUser]:
    """A staff account for each row, all or none, in a fixed number of queries.

    A row whose e-mail names a known person of the same name in the actor's area reuses
    that person (and their account, if any); an e-mail or phone of anyone else is refused
    without saying whose it is. Errors are a ValidationError keyed by row index (from 0).
    Accounts have no password: they sign in with a link e-mailed to them.
    """
    users, errors = _accounts(actor, people)
    if errors:
        raise ValidationError({index: list(fields.values()) for index, fields in errors.items()})
    return users


@transaction.atomic
def create_staff_account(
    *,
    actor: AbstractBaseUser,
    full_name: str,
    email: str,
    phone: str = "",
    agency: Agency | None = None,
) -> AbstractBaseUser:
    """One staff account, as create_staff_accounts; errors keyed by field."""
    details = StaffDetails(full_name=full_name, email=email, phone=phone, agency=agency)
    users, errors = _accounts(actor, [details])
    if errors:
        raise ValidationError(errors[0])
    return users[0]


@transaction.atomic
def invite_person(*, actor: AbstractBaseUser, person: Person) -> AbstractBaseUser:
    """The account of a person of the actor's area, made when they have none; idempotent."""
    scope = require_organiser(actor)
    if not scope.covers_unit(person.agency.unit):
        raise PermissionDenied(_("This person is outside your area."))
    if person.user_id is not None:
        return person.user
    if not person.email:
        raise ValidationError(
            {"person": _("This person has no e-mail address, which a staff account signs in with.")}
        )
    User = get_user_model()
    taken = set(User.objects.filter(username=person.email[:150]).values_list("username", flat=True))
    user = _new_user(
        StaffDetails(full_name=person.full_name, email=person.email, phone=person.phone), taken
    )
    user.full_clean()
    user.save()
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user
