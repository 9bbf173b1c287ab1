"""Who is expected where: agencies invited to a point, roster entries, their changes and
imported roster files."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import Agency, Person

from .sessions import Session, SessionPoint


class InvitedAgency(models.Model):
    """An agency invited to send people to a session at one bridge point."""

    participation = models.ForeignKey(
        SessionPoint, on_delete=models.CASCADE, related_name="invited_agencies"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="invitations")
    quota = models.PositiveIntegerField(_("quota"), null=True, blank=True)

    class Meta:
        verbose_name = _("invited agency")
        verbose_name_plural = _("invited agencies")
        ordering = ["participation", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "agency"], name="events_agency_once_per_point"
            ),
        ]

    def __str__(self) -> str:
        return str(self.agency)


class RosterEntry(models.Model):
    """A person expected at one bridge point of a session (danh sách đại biểu).

    One person is on a session's roster once, at one point. Taking someone off keeps the
    row (removed_at), so check-ins and the audit trail still point at it.
    """

    class Source(models.TextChoices):
        DIRECTORY = "directory", _("Added from the directory")
        AGENCY = "agency", _("Invited with their agency")
        IMPORT = "import", _("Imported from a file")
        WALK_IN = "walk_in", _("Walk-in at the door")
        SUBSTITUTE = "substitute", _("Substitute")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roster")
    participation = models.ForeignKey(
        SessionPoint,
        verbose_name=_("bridge point"),
        on_delete=models.PROTECT,
        related_name="roster",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roster_entries"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source)
    substitute_for = models.ForeignKey(
        "self",
        verbose_name=_("in place of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substitutes",
    )
    # Part of the signed QR ticket: raising it revokes every ticket printed before.
    ticket_version = models.PositiveIntegerField(default=1, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # When the entry last changed in a way a scanner phone's copy of the roster must follow
    # (added, taken off or back, ticket revoked): phones ask for what changed since their
    # last sync, in one indexed read of their point.
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["participation", "person__sort_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="events_roster_person_once_per_session"
            ),
        ]
        indexes = [
            models.Index(fields=["participation", "removed_at"]),
            models.Index(fields=["participation", "changed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.participation}"

    @property
    def attendance_or_none(self) -> object:
        """The check-in record (attendance app), or None before anything happened."""
        return getattr(self, "attendance", None)


class RosterChange(models.Model):
    """Who changed a roster entry, when and why (added, removed, ticket revoked...)."""

    class Kind(models.TextChoices):
        ADDED = "added", _("Added")
        REMOVED = "removed", _("Removed")
        RESTORED = "restored", _("Restored")
        MOVED = "moved", _("Moved to another point")
        TICKET_REVOKED = "ticket_revoked", _("QR code revoked")
        SUBSTITUTED = "substituted", _("Replaced by a substitute")
        CONTACT_CORRECTED = "contact_corrected", _("E-mail or phone corrected")

    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")
        ordering = ["entry", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_kind_display()}"


class RosterImport(models.Model):
    """An uploaded roster file, kept from its preview until someone confirms it."""

    participation = models.ForeignKey(
        SessionPoint, on_delete=models.CASCADE, related_name="roster_imports"
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)
    added_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.file_name
