from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import PersonalDataExport

from .models import CorrectionRequest


class CorrectionForm(forms.Form):
    """What a person asks to correct: which field, what is wrong, what it should be."""

    field = forms.ChoiceField(
        label=_("What is to be corrected"),
        choices=[("", _("Choose…")), *CorrectionRequest.Field.choices],
        error_messages={
            "required": _("Choose what is to be corrected."),
            "invalid_choice": _("Choose what is to be corrected from the list."),
        },
    )
    what_is_wrong = forms.CharField(
        label=_("What is wrong"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say what is wrong."),
            "max_length": _("Say it in at most %(limit_value)d characters."),
        },
    )
    should_be = forms.CharField(
        label=_("What it should be"),
        max_length=500,
        error_messages={
            "required": _("Say what it should be."),
            "max_length": _("Say it in at most %(limit_value)d characters."),
        },
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        wrong, right = data.get("what_is_wrong", ""), data.get("should_be", "")
        if wrong and right and wrong.strip().casefold() == right.strip().casefold():
            self.add_error("should_be", _("What it should be is the same as what is wrong."))
        return data


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        widget=forms.RadioSelect,
        choices=[
            (CorrectionRequest.Status.DONE, _("Corrected")),
            (CorrectionRequest.Status.REFUSED, _("Refused")),
        ],
        error_messages={
            "required": _("Choose whether it was corrected or refused."),
            "invalid_choice": _("Choose whether it was corrected or refused."),
        },
    )
    reply = forms.CharField(
        label=_("Reply to the person"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write a reply to the person."),
            "max_length": _("Say it in at most %(limit_value)d characters."),
        },
    )


class CorrectionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *CorrectionRequest.Status.choices],
    )


class ExportFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *PersonalDataExport.Kind.choices],
    )
    actor = forms.CharField(label=_("Exported by"), required=False, max_length=100)
