"""Staff roles and the attendees' one-time sign-in links."""

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from sesame.utils import get_query_string

from common.ratelimit import over_limit
from common.tasks import dispatch_on_commit

from ..models import AdministrativeUnit, Person, RoleAssignment, RoleChange
from ..selectors import scope_for


@transaction.atomic
def grant_role(
    *,
    user: AbstractBaseUser,
    role: str,
    unit: AdministrativeUnit | None,
    granted_by: AbstractBaseUser | None = None,
) -> RoleAssignment:
    """Give a user a staff role over a unit's subtree (or the nation); idempotent."""
    if granted_by is not None:
        grantor = scope_for(granted_by)
        if not grantor.is_organiser or (unit is None and not grantor.national):
            raise PermissionDenied(_("You cannot grant a role beyond your own scope."))
        if unit is not None and not grantor.covers_unit(unit):
            raise PermissionDenied(_("You cannot grant a role beyond your own scope."))
    assignment = RoleAssignment.objects.filter(user=user, role=role, unit=unit).first()
    if assignment is None:
        assignment = RoleAssignment(user=user, role=role, unit=unit, granted_by=granted_by)
        assignment.full_clean()
        assignment.save()
        RoleChange.objects.create(
            actor=granted_by,
            user=user,
            username=user.get_username(),
            role=role,
            unit=unit,
            action=RoleChange.Action.GRANTED,
        )
    return assignment


SIGN_IN_LINK_LIMIT = 3
SIGN_IN_LINK_WINDOW_SECONDS = 15 * 60


def request_sign_in_link(*, email: str) -> None:
    """Queue a one-time sign-in link for the person with this e-mail, after commit.

    Says nothing about whether the address is known, and sends at most three links per
    address in fifteen minutes, so the form cannot be used to probe or flood a mailbox.
    """
    from ..tasks import send_sign_in_link

    email = email.strip().lower()
    if over_limit(
        f"sign-in-link:{email}",
        limit=SIGN_IN_LINK_LIMIT,
        window_seconds=SIGN_IN_LINK_WINDOW_SECONDS,
        aligned=False,
    ):
        return
    person_id = (
        Person.objects.filter(email=email, is_active=True).values_list("pk", flat=True).first()
    )
    if person_id is not None:
        # Nothing would send it later: while the broker is away, the web sends it itself.
        fallback = partial(email_sign_in_link, person_id=person_id)
        dispatch_on_commit(send_sign_in_link, person_id, fallback=fallback)


@transaction.atomic
def ensure_attendee_account(*, person: Person) -> AbstractBaseUser:
    """The sign-in account of a person, made on first use without a password; one account
    however many copies of the person a sending holds, and whichever makes it first."""
    if person.user_id is not None:
        return person.user
    # Two notices to one person in one sending carry two copies of the row, both without
    # an account: the row is read again under a lock, so the second finds the first's.
    fresh = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    if fresh.user_id is None:
        User = get_user_model()
        user = User.objects.filter(username=f"person-{person.pk}").first()
        if user is None:
            user = User(username=f"person-{person.pk}", email=person.email)
            # Vietnamese names read family first: all of it in first_name, which
            # get_full_name() prints first.
            user.first_name = person.full_name[:150]
            user.set_unusable_password()
            user.full_clean()
            user.save()
        fresh.user = user
        fresh.save(update_fields=["user", "updated_at"])
    person.user = fresh.user
    return fresh.user


def _new_account(person: Person) -> AbstractBaseUser | None:
    """An unsaved account for a person, as ensure_attendee_account makes it; None when its
    fields do not validate (that one makes it, and says why, when it is needed)."""
    User = get_user_model()
    user = User(username=f"person-{person.pk}", email=person.email)
    user.first_name = person.full_name[:150]  # family name first, see ensure_attendee_account
    user.set_unusable_password()
    try:
        # The username is new by construction (looked up just before, under the lock).
        user.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError:
        return None
    return user


def ensure_attendee_accounts(*, people: Iterable[Person]) -> None:
    """ensure_attendee_account for many people in a constant number of queries (a sending's
    chunk makes its attendees' accounts at once): every copy given gets its account."""
    people = [person for person in people if person.user_id is None]
    if people:
        with transaction.atomic():
            _make_accounts(people)


def _make_accounts(people: list[Person]) -> None:
    locked = list(
        Person.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk__in={person.pk for person in people})
        .order_by("pk")  # one order for every sender, so two chunks never deadlock
    )
    accounts = {person.pk: person.user for person in locked if person.user_id is not None}
    needing = [person for person in locked if person.user_id is None]
    User = get_user_model()
    found = User.objects.in_bulk(
        [f"person-{person.pk}" for person in needing], field_name="username"
    )
    made = {}
    for person in needing:
        user = found.get(f"person-{person.pk}") or _new_account(person)
        if user is not None:
            made[person.pk] = user
    User.objects.bulk_create([user for user in made.values() if user.pk is None])
    now = timezone.now()
    for person in needing:
        if person.pk in made:
            person.user, person.updated_at = made[person.pk], now
    Person.objects.bulk_update([p for p in needing if p.pk in made], ["user", "updated_at"])
    accounts.update(made)
    for person in people:
        if person.pk in accounts:
            person.user = accounts[person.pk]


def sign_in_link(person: Person, next_url: str = "") -> str:
    """A one-time link that signs the person in and opens `next_url` (a path of this site)."""
    user = person.user if person.user_id is not None else ensure_attendee_account(person=person)
    query = get_query_string(user)
    if next_url:
        query += "&" + urlencode({"next": next_url})
    return f"{settings.SITE_URL}{reverse('sign_in_link')}{query}"


def email_sign_in_link(*, person_id: int) -> bool:
    """E-mail a person a one-time sign-in link; False when there is no one to send it to."""
    person = Person.objects.filter(pk=person_id, is_active=True).select_related("user").first()
    if person is None or not person.email:
        return False
    user = ensure_attendee_account(person=person)
    if user.has_usable_password():
        # Staff sign in with their password, which the lockout protects.
        return False
    link = sign_in_link(person)
    context = {"person": person, "link": link, "hours": settings.SESAME_MAX_AGE // 3600}
    with translation.override(person.language):
        subject = _("Your DiemCau sign-in link")
        text = render_to_string("directory/email/sign_in_link.txt", context)
        html = render_to_string("directory/email/sign_in_link.html", context)
    message = EmailMultiAlternatives(subject, text, to=[person.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
