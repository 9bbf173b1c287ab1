from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin
from training.models import Programme

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class CompletionRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "required_sessions",
            "min_minutes_present",
            "require_on_time",
            "require_survey",
            "print_programme_period",
        ]
        help_texts = {
            "min_minutes_present": _("In each session that counts; 0 means arriving is enough."),
            "require_survey": _(
                "A person who checked in at a session with a survey must have answered it."
            ),
        }
        labels = {"print_programme_period": _("Print the programme's dates on the certificates")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class CertificateDesignForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "issuing_body",
            "signing_place",
            "signer_title",
            "signer_name",
            "stamp_image",
            "signature_image",
        ]
        widgets = {"signer_title": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "signer_title": _("One or two lines, e.g. “KT. BỘ TRƯỞNG” then “THỨ TRƯỞNG”."),
            "stamp_image": _("Optional PNG with a transparent background."),
            "signature_image": _("Optional PNG with a transparent background."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class ReissueForm(ReasonForm):
    full_name = forms.CharField(label=_("Name as printed"), max_length=200)
    agency = forms.CharField(label=_("Agency as printed"), max_length=300, required=False)
    field_order = ["full_name", "agency", "reason"]


class VerifyCodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class VerifyFileForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Certificate PDF"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB: it is not a certificate."))
        return upload
