"""Reads of programmes, through the caller's scope."""

from django.db.models import QuerySet
from django.http import Http404

from directory.selectors import AnyUser, scope_for

from .models import Programme


def programmes_for(user: AnyUser) -> QuerySet[Programme]:
    """Programmes an organiser's scope reaches; staff of a point see every programme whose
    sessions they receive through the sessions selector instead."""
    scope = scope_for(user)
    programmes = Programme.objects.select_related("unit").prefetch_related("reform_areas")
    if scope.is_organiser:
        return programmes.filter(scope.units_q("unit__"))
    return programmes.none()


def get_programme_for(user: AnyUser, programme_id: int) -> Programme:
    programme = programmes_for(user).filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return programme
