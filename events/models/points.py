"""Bridge points: the rooms that receive a broadcast, and who keeps them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import AdministrativeUnit, Person


class BridgePoint(models.Model):
    """A room that receives the broadcast (điểm cầu), inside an administrative unit."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="bridge_points",
    )
    room = models.CharField(_("room"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    equipment_notes = models.TextField(_("equipment and connection notes"), blank=True)
    is_host = models.BooleanField(
        _("can host"), default=False, help_text=_("A host point (điểm cầu chính) broadcasts.")
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_points",
    )
    default_chair = models.ForeignKey(
        Person,
        verbose_name=_("default chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bridge point")
        verbose_name_plural = _("bridge points")
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="events_point_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name
