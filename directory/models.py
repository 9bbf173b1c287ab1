from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .collation import name_sort_key


class AdministrativeUnit(models.Model):
    """A node of the administrative tree: nation, province, [district,] commune.

    The tree has any depth, so the pre-2025 three tiers and today's two both fit. A unit
    that was merged away keeps its row with `valid_until`, so old sessions keep their points.
    """

    class Level(models.TextChoices):
        NATION = "nation", _("Nation")
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune")

    code = models.CharField(_("official code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    division_type = models.CharField(
        _("division type"), max_length=50, blank=True, help_text=_("e.g. tỉnh, phường, xã")
    )
    level = models.CharField(_("level"), max_length=16, choices=Level)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path of primary keys ("/1/27/3105/"): a whole subtree is one indexed
    # prefix match, which scope checks and roll-ups over 3,000+ units rely on.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["depth", "code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_until__isnull=True),
                name="directory_unit_current_code_unique",
            ),
            models.UniqueConstraint(
                fields=["level", "code", "valid_until"],
                condition=Q(valid_until__isnull=False),
                name="directory_unit_past_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="directory_unit_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(level="nation") | Q(parent__isnull=False),
                name="directory_unit_only_nation_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        started = self.valid_from is None or self.valid_from <= day
        not_ended = self.valid_until is None or day <= self.valid_until
        return started and not_ended

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    @staticmethod
    def province_id_in(path: str) -> int | None:
        """The province (the nation's child) that the unit with this path lies in, itself
        if it is one; None for the nation. Read from the path, without a query."""
        parts = path.strip("/").split("/")
        return int(parts[1]) if len(parts) > 1 else None


class UnitSuccession(models.Model):
    """A former unit and a unit of today that took over (part of) its territory.

    The July 2025 reorganisation merged provinces and communes and abolished districts; a
    former unit may have passed to several successors, and a successor may have many
    predecessors. Points and sessions of former units keep their history; this tells an
    organiser where each went.
    """

    former = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("former unit"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("successor unit"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("e.g. Nghị quyết 202/2025/QH15")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        ordering = ["former", "successor"]
        constraints = [
            models.UniqueConstraint(
                fields=["former", "successor"], name="directory_succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(former=F("successor")), name="directory_succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.former} → {self.successor}"


class Agency(models.Model):
    """An agency or unit (cơ quan, đơn vị) that sends civil servants to training."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry or central agency")
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
        SPECIALISED = "specialised", _("Specialised agency")
        PUBLIC_SERVICE = "public_service", _("Public service unit")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    code = models.CharField(_("code"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind, default=Kind.SPECIALISED)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # Set where an import makes an agency from a bare name: its kind is a guess, and the
    # coverage report counts agencies by kind, so an organiser checks it (editing clears it).
    needs_review = models.BooleanField(_("created by an import, needs review"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="directory_agency_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A civil servant (cán bộ, công chức, viên chức) who can be invited to training."""

    full_name = models.CharField(_("full name"), max_length=200)
    # Given name first, in Vietnamese letter order; kept by save() and the bulk imports.
    sort_name = models.CharField(max_length=700, editable=False, default="", db_index=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="people"
    )
    # Stored lower-cased by the services, so uniqueness is case-insensitive.
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="vi"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="directory_person_email_unique"
            ),
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="directory_person_phone_unique"
            ),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""),
                name="directory_person_reachable",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.sort_name = name_sort_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.email = self.email.strip().lower()
        self.phone = self.phone.strip()


class RoleAssignment(models.Model):
    """A staff role with the part of the tree it reaches.

    An organiser with no unit is national; otherwise the unit's subtree is their scope (a
    provincial Sở Nội vụ). A coordinator's unit is the one their bridge points stand in.
    """

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        COORDINATOR = "coordinator", _("Bridge-point coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        help_text=_("Leave empty for a national organiser."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"], name="directory_role_unique_per_unit"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(unit__isnull=True),
                name="directory_role_unique_national",
            ),
            models.CheckConstraint(
                condition=Q(role="organiser") | Q(unit__isnull=False),
                name="directory_role_coordinator_has_unit",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else _("nationwide")
        return f"{self.user} · {self.get_role_display()} · {where}"


class RoleChange(models.Model):
    """That a role was granted or revoked: who acted, whose role, which role, where, when.

    Kept when the assignment it records is deleted (a revocation deletes it), so the plain
    fields hold what the assignment was.
    """

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REVOKED = "revoked", _("Revoked")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="role_changes",
    )
    # The account's name when it changed: the record outlives a deleted account.
    username = models.CharField(_("account"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=RoleAssignment.Role)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("change"), max_length=8, choices=Action)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.username} · {self.get_role_display()}"


class ImportRecord(models.Model):
    """Who imported which file into the directory, and what it changed."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("People")
        UNITS = "units", _("Administrative units")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    file_name = models.CharField(_("file name"), max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    row_count = models.PositiveIntegerField(_("rows"))
    created_count = models.PositiveIntegerField(_("created"))
    updated_count = models.PositiveIntegerField(_("updated"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"


class PersonalDataExport(models.Model):
    """That someone took personal data out of the system as a file: who, when, what, how
    many rows. Written by every view that serves such a file, so that the body answerable
    for the data (Decree 13/2023/NĐ-CP) can say to whom it was disclosed.

    The session, point and programme are kept as plain ids with a label: they belong to apps
    above this one, and the record must outlive them unchanged.
    """

    class Kind(models.TextChoices):
        ROSTER = "roster", _("Roster of a bridge point")
        NATIONAL_ROSTER = "national_roster", _("Roster of a whole session")
        CERTIFICATE_REGISTER = "certificate_register", _("Certificate register")
        SURVEY_ANSWERS = "survey_answers", _("Survey answers")
        TRAINING_HISTORY = "training_history", _("A person's training history")
        OWN_DATA = "own_data", _("A person's own data")
        BRIDGE_POINTS = "bridge_points", _("Bridge points and their coordinators")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        PDF = "pdf", "PDF"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    file_format = models.CharField(_("format"), max_length=8, choices=Format)
    row_count = models.PositiveIntegerField(_("rows"))
    # Where the exported people are: what decides which organisers read this record.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    session_id = models.PositiveBigIntegerField(_("session"), null=True, blank=True)
    point_id = models.PositiveBigIntegerField(_("bridge point"), null=True, blank=True)
    programme_id = models.PositiveBigIntegerField(_("programme"), null=True, blank=True)
    label = models.CharField(_("what was exported"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.actor} · {self.created_at:%Y-%m-%d %H:%M}"
