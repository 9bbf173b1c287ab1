"""Whose training history a user may read: their own, or, for an organiser, anyone in scope."""

from django.http import Http404

from directory.models import Person
from directory.selectors import AnyUser, get_person_for, scope_for


def history_person_for(user: AnyUser, person_id: object = None) -> Person:
    """The person whose history is asked for; 404 for anyone the user may not see."""
    scope = scope_for(user)
    if person_id in (None, ""):
        person_id = scope.person_id
    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if person_id == scope.person_id:
        return Person.objects.select_related("agency__unit").get(pk=person_id)
    if not scope.is_organiser:
        raise Http404
    return get_person_for(user, person_id)
