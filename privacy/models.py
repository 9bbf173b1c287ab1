"""A person's request to correct what is held about them, and its answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import Person


class CorrectionRequest(models.Model):
    """What a person says is wrong about them, and what it should be; answered by an
    organiser whose scope covers them, who marks it done or refused with a reply.

    The correction itself is made where the data lives (the directory, a roster, a
    certificate's new version), by the ordinary services; this row is the request and the
    answer, kept as the record that the person's right was honoured.
    """

    class Field(models.TextChoices):
        FULL_NAME = "full_name", _("Full name")
        POSITION = "position", _("Position")
        AGENCY = "agency", _("Agency")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        ATTENDANCE = "attendance", _("Attendance at a session")
        CERTIFICATE = "certificate", _("Certificate")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        DONE = "done", _("Corrected")
        REFUSED = "refused", _("Refused")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="correction_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("what is to be corrected"), max_length=16, choices=Field)
    what_is_wrong = models.CharField(_("what is wrong"), max_length=1000)
    should_be = models.CharField(_("what it should be"), max_length=500)
    status = models.CharField(
        _("status"), max_length=8, choices=Status, default=Status.OPEN, db_index=True
    )
    reply = models.CharField(_("reply"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # When the organisers were told by e-mail (empty: nobody to tell, or not yet).
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", answered_at=None, answered_by=None)
                | (Q(status__in=["done", "refused"], answered_at__isnull=False) & ~Q(reply="")),
                name="privacy_correction_answered_with_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_field_display()} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
