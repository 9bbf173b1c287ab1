"""Completion of a programme and the certificates that attest it.

A certificate never changes once issued: it keeps a snapshot of what it states and the
SHA-256 of its PDF. The PDF itself is not stored: it is drawn again from the snapshot when
asked for, the same bytes each time (`pdf.py`). A correction is a new version; a revocation
is a status with its date and reason. Numbers come from `CertificateCounter` rows, taken
under a row lock in the transaction that inserts the certificates, so they neither repeat
nor skip.

The tables keep their `attendance_` names: these models moved here from the attendance
app without copying a row (migration 0001 of this app only takes over their state).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from directory.models import Person
from events.models import BridgePoint, RosterEntry, Session
from training.models import Programme


class Completion(models.Model):
    """Whether a person completes a programme, as the last collation worked it out."""

    # Indexes that others cover (programme: the unique key) or that nothing reads by are
    # left out: each costs a write per row, and a national collation writes 300,000.
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="completions", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="completions")
    completed = models.BooleanField(_("completed"))
    sessions_counted = models.PositiveSmallIntegerField(_("sessions that count"))
    sessions_required = models.PositiveSmallIntegerField(_("sessions required"))
    minutes_present = models.PositiveIntegerField(_("minutes present"))
    minutes_required = models.PositiveIntegerField(_("minutes required"))
    late_sessions = models.PositiveSmallIntegerField(_("sessions arrived late"), default=0)
    survey_missing = models.BooleanField(_("survey not answered"), default=False)
    # The days of the first and last held session the person checked in at: what their
    # certificate states. Empty when they checked in at no session that was held.
    attended_from = models.DateField(_("first session attended on"), null=True, blank=True)
    attended_until = models.DateField(_("last session attended on"), null=True, blank=True)
    # The roster entry the certificate names (point, agency), and which its notice is about.
    entry = models.ForeignKey(
        RosterEntry, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    point = models.ForeignKey(
        BridgePoint,
        on_delete=models.SET_NULL,
        null=True,
        related_name="completions",
        db_index=False,
    )
    computed_at = models.DateTimeField(_("worked out at"))

    class Meta:
        db_table = "attendance_completion"
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="attendance_completion_once"
            ),
        ]
        indexes = [models.Index(fields=["programme", "point", "completed"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.programme}"

    @property
    def shortfall(self) -> str:
        """Why the person does not complete, as they would read it; empty if they do."""
        if self.completed:
            return ""
        parts = []
        if self.sessions_counted < self.sessions_required or not self.survey_missing:
            # The minimum is per session: a total of minutes would read 215 of 120 as short.
            each = self.minutes_required // self.sessions_required if self.sessions_required else 0
            figures = {
                "counted": self.sessions_counted,
                "required": self.sessions_required,
                "minutes": each,
            }
            if each:
                parts.append(
                    ngettext(
                        "present at least %(minutes)d minutes at %(counted)d of %(required)d "
                        "session",
                        "present at least %(minutes)d minutes at %(counted)d of %(required)d "
                        "sessions",
                        self.sessions_required,
                    )
                    % figures
                )
            else:
                parts.append(
                    ngettext(
                        "attended %(counted)d of %(required)d session",
                        "attended %(counted)d of %(required)d sessions",
                        self.sessions_required,
                    )
                    % figures
                )
        if self.late_sessions:
            parts.append(
                ngettext(
                    "late to %(count)d session", "late to %(count)d sessions", self.late_sessions
                )
                % {"count": self.late_sessions}
            )
        if self.survey_missing:
            parts.append(gettext("survey not answered"))
        return "; ".join(parts)


class CertificateCounter(models.Model):
    """The last number given under one key: a programme's serials, or an issuing body's
    register for one year."""

    key = models.CharField(max_length=300, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "attendance_certificatecounter"

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class Collation(models.Model):
    """One run of working out completion and issuing certificates, with its progress; or a
    dry run, which numbers and stores nothing but its counts and a sample PDF."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("collation", "Failed")
        # The guards found, when the worker took the run, what they refuse: a session not
        # closed, a design without its signer. `error` says what.
        REFUSED = "refused", pgettext_lazy("collation", "Refused")

    class Stage(models.TextChoices):
        COMPLETION = "completion", _("Working out completion")
        ISSUING = "issuing", _("Issuing certificates")
        RENDERING = "rendering", _("Rendering PDFs")
        SAMPLE = "sample", _("Drawing the sample certificate")
        FINISHED = "finished", _("Finished")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="collations")
    point = models.ForeignKey(
        BridgePoint, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(max_length=8, choices=Status, default=Status.QUEUED)
    stage = models.CharField(max_length=16, choices=Stage, default=Stage.COMPLETION)
    people = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    to_issue = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    # A dry run's breakdown: who did not complete and why, who already holds a certificate.
    outcome = models.JSONField(default=dict, blank=True)
    # A dry run's sample: the first certificate as it would be issued, marked as a sample.
    sample = models.FileField(_("sample PDF"), upload_to="certificates/samples/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "attendance_collation"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["programme", "status"])]
        constraints = [
            # One run waiting or running per programme and point (the whole programme
            # being point 0), and one dry run: two organisers clicking at once get one.
            models.UniqueConstraint(
                F("programme"),
                Coalesce(F("point"), Value(0)),
                F("dry_run"),
                condition=Q(status__in=["queued", "running"]),
                name="certificates_collation_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Certificate(models.Model):
    """A certificate of completion: one valid version per person and programme."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUPERSEDED = "superseded", _("Superseded")
        REVOKED = "revoked", _("Revoked")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="certificates", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.VALID)
    serial = models.CharField(_("serial number"), max_length=48, unique=True)
    register_key = models.CharField(max_length=300)
    register_year = models.PositiveSmallIntegerField(_("register year"))
    register_number = models.PositiveIntegerField(_("register number"))
    # Random, at least 80 bits: what the QR code carries and the public page looks up.
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    snapshot = models.JSONField(_("what it states"))
    entry = models.ForeignKey(
        RosterEntry, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    point = models.ForeignKey(
        BridgePoint, on_delete=models.PROTECT, null=True, related_name="certificates"
    )
    collation = models.ForeignKey(
        Collation, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificates"
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    correction_reason = models.CharField(
        _("reason for the new version"), max_length=300, blank=True
    )
    # Certificates issued while PDFs were stored keep their file: drawn before the drawing
    # was the same in any batch, it is the one whose hash was recorded. Newer ones have none.
    pdf = models.FileField(_("PDF stored at issue"), upload_to="certificates/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    revocation_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        db_table = "attendance_certificate"
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["register_key", "register_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person", "version"], name="attendance_certificate_version"
            ),
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(status="valid"),
                name="attendance_certificate_one_valid",
            ),
            models.UniqueConstraint(
                fields=["register_key", "register_number"], name="attendance_certificate_register"
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | ~Q(revocation_reason=""),
                name="attendance_certificate_revocation_says_why",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "point", "status"]),
            models.Index(
                fields=["rendered_at"],
                condition=Q(rendered_at=None),
                name="attendance_cert_to_render",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def register_label(self) -> str:
        return f"{self.register_number}/{self.register_year}"

    @property
    def full_name(self) -> str:
        return self.snapshot.get("full_name", "")


class CertificatePrint(models.Model):
    """A point's certificates of a programme in one file to print or hand out, drawn by a
    worker; the file is deleted when it expires (the certificates are drawn again for the
    next one)."""

    class Format(models.TextChoices):
        PDF = "pdf", _("One PDF to print")
        ZIP = "zip", _("ZIP of each person's PDF")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Drawing")
        DONE = "done", _("Ready")
        FAILED = "failed", pgettext_lazy("collation", "Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    point = models.ForeignKey(BridgePoint, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    file_format = models.CharField(_("format"), max_length=3, choices=Format)
    status = models.CharField(max_length=8, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(_("file"), upload_to="certificates/prints/", blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate print")
        verbose_name_plural = _("certificate prints")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"], name="certificates_print_expiry")]

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.point_id} · {self.file_format}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
