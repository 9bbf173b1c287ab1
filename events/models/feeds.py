"""Calendar feeds: secret subscription URLs for an attendee, a bridge point or a programme."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import Person

from .points import BridgePoint


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret, revocable subscription URL for one attendee, bridge point or programme."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Attendee")
        POINT = "point", _("Bridge point")
        PROGRAMME = "programme", _("Programme")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    point = models.ForeignKey(
        BridgePoint, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    programme = models.ForeignKey(
        "training.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="person", person__isnull=False, point=None, programme=None)
                    | Q(kind="point", point__isnull=False, person=None, programme=None)
                    | Q(kind="programme", programme__isnull=False, person=None, point=None)
                ),
                name="events_feed_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person or self.point or self.programme}"
