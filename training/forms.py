from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin

from .files import DOCUMENT_KINDS, IMAGE_KINDS, megabytes
from .models import Material, Programme, ReformArea
from .services import FIRST_YEAR, LAST_YEAR, MAX_MINUTES_PRESENT

DOCUMENT_ACCEPT = ",".join(f".{name}" for name in DOCUMENT_KINDS)
IMAGE_ACCEPT = ",".join(f".{name}" for name in IMAGE_KINDS)


class ReformAreaChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area: ReformArea) -> str:
        return str(area)


class ProgrammeFieldsMixin(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    issuing_body = forms.CharField(
        label=_("Issuing body"),
        max_length=255,
        help_text=_("Printed at the top of the certificates, e.g. Bộ Nội vụ."),
    )
    reform_areas = ReformAreaChoice(
        label=_("Reform areas of Resolution 76/NQ-CP"),
        queryset=ReformArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="number",
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def style_area_boxes(self) -> None:
        self.fields["reform_areas"].widget.attrs["class"] = "form-check-input"

    def area_numbers(self) -> list[int]:
        return [area.number for area in self.cleaned_data["reform_areas"]]


class ProgrammeCreateForm(BootstrapMixin, ProgrammeFieldsMixin):
    code = forms.SlugField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "Letters, digits and hyphens, e.g. CCHC-2026. Certificate serial numbers carry it, "
            "so it cannot be changed later."
        ),
    )
    unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=None, empty_label=None)
    field_order = ["title", "code", "year", "unit", "issuing_body", "reform_areas", "description"]

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.style_fields()
        self.style_area_boxes()


class ProgrammeEditForm(BootstrapMixin, ProgrammeFieldsMixin):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Programme.Status.choices,
        help_text=_("Closing a programme collates its certificates."),
    )
    # When the page was opened: a save over someone else's later change is refused.
    loaded_at = forms.DateTimeField(widget=forms.HiddenInput)
    field_order = ["title", "year", "issuing_body", "reform_areas", "description", "status"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
        self.style_area_boxes()

    @classmethod
    def initial_for(cls, programme: Programme) -> dict[str, object]:
        return {
            "title": programme.title,
            "year": programme.year,
            "issuing_body": programme.issuing_body,
            "reform_areas": [area.number for area in programme.reform_areas.all()],
            "description": programme.description,
            "status": programme.status,
            "loaded_at": programme.updated_at.isoformat(),
        }


class ProgrammeFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Programme.Status.choices],
    )

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]
        self.style_fields()


class MaterialForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    document_number = forms.CharField(
        label=_("Document number"), max_length=64, required=False, help_text=_("e.g. 76/NQ-CP")
    )
    issued_on = forms.DateField(
        label=_("Date of issue"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        max_length=255,
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    url = forms.URLField(
        label=_("or a link"), required=False, max_length=200, assume_scheme="https"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG; at most %(mb)s MB."
        ) % {"mb": megabytes(settings.MATERIAL_MAX_BYTES)}
        self.style_fields()


class CompletionRuleForm(BootstrapMixin, forms.Form):
    required_sessions = forms.IntegerField(
        label=_("Sessions required"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Leave empty to require every session of the programme."),
    )
    min_minutes_present = forms.IntegerField(
        label=_("Minimum minutes present"),
        min_value=0,
        max_value=MAX_MINUTES_PRESENT,
        initial=0,
        help_text=_("In each session that counts; 0 means arriving is enough."),
    )
    require_on_time = forms.BooleanField(label=_("On-time arrival required"), required=False)
    require_survey = forms.BooleanField(
        label=_("Survey answer required"),
        required=False,
        help_text=_("A person who checked in at a session with a survey must have answered it."),
    )
    print_programme_period = forms.BooleanField(
        label=_("Print the programme's dates on the certificates"),
        required=False,
        help_text=_(
            "Otherwise each certificate gives the first and last session its holder attended."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    @classmethod
    def initial_for(cls, programme: Programme) -> dict[str, object]:
        return {
            "required_sessions": programme.required_sessions,
            "min_minutes_present": programme.min_minutes_present,
            "require_on_time": programme.require_on_time,
            "require_survey": programme.require_survey,
            "print_programme_period": programme.print_programme_period,
        }


class CertificateDesignForm(BootstrapMixin, forms.Form):
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=255)
    signing_place = forms.CharField(
        label=_("Place of signing"), max_length=80, required=False, help_text=_("e.g. Hà Nội")
    )
    signer_title = forms.CharField(
        label=_("Signer's title"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two lines, e.g. “KT. BỘ TRƯỞNG” then “THỨ TRƯỞNG”."),
    )
    signer_name = forms.CharField(label=_("Signed by"), max_length=120, required=False)
    stamp_image = forms.FileField(
        label=_("Stamp image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    remove_stamp_image = forms.BooleanField(label=_("Remove the stamp image"), required=False)
    signature_image = forms.FileField(
        label=_("Signature image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    remove_signature_image = forms.BooleanField(
        label=_("Remove the signature image"), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        hint = _("PNG (best with a transparent background) or JPEG; at most %(mb)s MB.") % {
            "mb": megabytes(settings.MATERIAL_IMAGE_MAX_BYTES)
        }
        self.fields["stamp_image"].help_text = hint
        self.fields["signature_image"].help_text = hint
        self.style_fields()

    @classmethod
    def initial_for(cls, programme: Programme) -> dict[str, object]:
        return {
            "issuing_body": programme.issuing_body,
            "signing_place": programme.signing_place,
            "signer_title": programme.signer_title,
            "signer_name": programme.signer_name,
        }

    def design_values(self) -> dict[str, object]:
        """What the service changes: an image only when one is uploaded or removed."""
        data = self.cleaned_data
        values: dict[str, object] = {
            name: data[name]
            for name in ("issuing_body", "signing_place", "signer_title", "signer_name")
        }
        for name in ("stamp_image", "signature_image"):
            if data.get(name):
                values[name] = data[name]
            elif data.get(f"remove_{name}"):
                values[name] = False
        return values
