"""Calendar subscription feeds: secret URLs that can be revoked."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Person
from directory.selectors import scope_for
from training.models import Programme

from ..models import BridgePoint, CalendarFeed


def _may_manage(actor: AbstractBaseUser, target: Person | BridgePoint | Programme) -> bool:
    scope = scope_for(actor)
    if isinstance(target, Person):
        return target.pk == scope.person_id or (
            scope.is_staff and scope.covers_unit(target.agency.unit)
        )
    if isinstance(target, BridgePoint):
        return (
            scope.is_organiser and scope.covers_unit(target.unit)
        ) or target.coordinators.filter(pk=actor.pk).exists()
    return scope.is_organiser and scope.covers_unit(target.unit)


@transaction.atomic
def open_feed(*, actor: AbstractBaseUser, target: Person | BridgePoint | Programme) -> CalendarFeed:
    """The active feed of an attendee, point or programme, made on first use."""
    if not _may_manage(actor, target):
        raise PermissionDenied(_("You cannot open this calendar."))
    kind = {Person: "person", BridgePoint: "point", Programme: "programme"}[type(target)]
    feed = CalendarFeed.objects.filter(kind=kind, revoked_at__isnull=True, **{kind: target}).first()
    if feed is None:
        feed = CalendarFeed(kind=kind, created_by=actor, **{kind: target})
        feed.full_clean()
        feed.save()
    return feed


@transaction.atomic
def revoke_feed(*, actor: AbstractBaseUser, feed: CalendarFeed) -> CalendarFeed:
    """Stop a subscription URL for good; the next open_feed makes a new one."""
    target = feed.person or feed.point or feed.programme
    if not _may_manage(actor, target):
        raise PermissionDenied(_("You cannot revoke this calendar."))
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed
