from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import AdministrativeUnit

from .files import material_upload_to, signature_upload_to, stamp_upload_to


class ReformArea(models.Model):
    """One of the six content areas of Resolution 76/NQ-CP (seeded reference data)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)

    class Meta:
        verbose_name = _("reform area")
        verbose_name_plural = _("reform areas")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Programme(models.Model):
    """A training programme, e.g. "Tập huấn CCHC năm 2021", and its completion rule."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=255)
    code = models.SlugField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Short code used in certificate serial numbers, e.g. CCHC-2021."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    reform_areas = models.ManyToManyField(
        ReformArea, verbose_name=_("reform areas"), related_name="programmes"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("The nation for a Ministry programme, a province for a provincial one."),
    )
    issuing_body = models.CharField(_("issuing body"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.ACTIVE)
    # The completion rule, evaluated by the certificates issue.
    required_sessions = models.PositiveSmallIntegerField(
        _("sessions required"),
        null=True,
        blank=True,
        help_text=_("Leave empty to require every session of the programme."),
    )
    min_minutes_present = models.PositiveIntegerField(_("minimum minutes present"), default=0)
    require_on_time = models.BooleanField(_("on-time arrival required"), default=False)
    require_survey = models.BooleanField(_("survey answer required"), default=False)
    # A certificate gives the days of the first and last held session its holder attended;
    # some programmes want the whole programme's days on every certificate instead.
    print_programme_period = models.BooleanField(
        _("certificates give the programme's dates"),
        default=False,
        help_text=_(
            "Otherwise each certificate gives the first and last session its holder attended."
        ),
    )
    # Until an organiser sets the rule, nobody completes and no certificate is issued.
    completion_rule_set_at = models.DateTimeField(
        _("completion rule set at"), null=True, blank=True, editable=False
    )
    # What the certificates say and show below the text.
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signer_title = models.CharField(
        _("signer's title"),
        max_length=200,
        blank=True,
        help_text=_("e.g. KT. BỘ TRƯỞNG / THỨ TRƯỞNG"),
    )
    signing_place = models.CharField(
        _("place of signing"), max_length=80, blank=True, help_text=_("e.g. Hà Nội")
    )
    stamp_image = models.ImageField(_("stamp image"), upload_to=stamp_upload_to, blank=True)
    signature_image = models.ImageField(
        _("signature image"), upload_to=signature_upload_to, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_completion_rule(self) -> bool:
        return self.completion_rule_set_at is not None


class Material(models.Model):
    """A legal document or training material of a programme: an uploaded file or a link."""

    class Kind(models.TextChoices):
        LEGAL_DOCUMENT = "legal_document", _("Legal document")
        PLAN = "plan", _("Plan")
        SLIDES = "slides", _("Slides")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind, default=Kind.OTHER)
    document_number = models.CharField(
        _("document number"), max_length=64, blank=True, help_text=_("e.g. 76/NQ-CP")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=material_upload_to, blank=True)
    # The stored file has a name of our own; downloads are saved under the uploader's.
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["programme", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""), name="training_material_file_or_link"
            ),
        ]

    def __str__(self) -> str:
        return self.title
