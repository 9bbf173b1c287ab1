"""Everything held about one person, read across every app in a fixed number of queries
(one or two per kind of record, however many rows): the page "Dữ liệu cá nhân của tôi"
and its JSON and XLSX downloads are built from it."""

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser

from directory.models import Person
from directory.selectors import scope_for

from .attendance import changes, roster, scans
from .records import account, certificates, notices, other, surveys
from .sections import Holdings, Row, Section

__all__ = ["Holdings", "Row", "Section", "holdings_of"]

PERSON_READERS: tuple[Callable[[Person], Section], ...] = (
    roster,
    changes,
    scans,
    surveys,
    certificates,
    other,
)


def holdings_of(user: AbstractBaseUser) -> Holdings:
    """What the system holds about the signed-in user and the person record tied to them."""
    person_id = scope_for(user).person_id
    person = (
        Person.objects.select_related("agency__unit").filter(pk=person_id).first()
        if person_id is not None
        else None
    )
    sections = [account(user, person)]
    if person is not None:
        sections += [reader(person) for reader in PERSON_READERS]
    sections.append(notices(user, person))
    return Holdings(person=person, sections=sections)
