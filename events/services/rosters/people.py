"""People as a door keeper or a spreadsheet describes them: tidied, matched with the
directory (by e-mail, then phone), added to it when new, and their contact corrected."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from directory.collation import name_sort_key
from directory.models import Person
from directory.services import normalise_phone
from directory.services.agencies import ensure_agencies

from ...models import RosterChange, RosterEntry, SessionPoint
from ...notices.planning import resend_notices_to
from .entries import _record, people_in_reach, require_roster_keeper


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
    # Agencies made here from a bare name are marked for an organiser to review.
    by_key, _made = ensure_agencies(wanted={(unit.pk, d.agency) for d in described})
    agencies = {name: agency for (_unit, name), agency in by_key.items()}
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
