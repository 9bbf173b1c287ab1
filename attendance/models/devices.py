"""Scanner phones paired to one point of one session.

A coordinator pairs a phone from their signed-in page: the page shows a short code (and a
QR of it) good for a few minutes and once; the phone that claims it gets a device token,
shown to it once and kept by the server only as a SHA-256. The phone then syncs its scans
with that token alone: no sign-in, no session cookie, one query to know it. Revoking the
device, or taking the coordinator who paired it off the point, stops it at the next sync.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import SessionPoint


class ScannerDevice(models.Model):
    participation = models.ForeignKey(
        SessionPoint, on_delete=models.CASCADE, related_name="scanner_devices"
    )
    name = models.CharField(_("name"), max_length=80)
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Until a phone claims it: the SHA-256 of the pairing code and when the code lapses.
    pairing_code_hash = models.CharField(max_length=64, blank=True)
    pairing_expires_at = models.DateTimeField(null=True, blank=True)
    paired_at = models.DateTimeField(_("paired at"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_sync_at = models.DateTimeField(_("last sync"), null=True, blank=True)

    class Meta:
        verbose_name = _("scanner device")
        verbose_name_plural = _("scanner devices")
        ordering = ["participation", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing_code_hash"],
                condition=~models.Q(pairing_code_hash=""),
                name="attendance_pairing_code_unique",
            ),
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~models.Q(token_hash=""),
                name="attendance_device_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_paired(self) -> bool:
        return self.paired_at is not None

    @property
    def is_active(self) -> bool:
        return self.paired_at is not None and self.revoked_at is None
