from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.params import id_or_none

from .services import MAX_DECISIONS


class ExcuseDecisionForm(forms.Form):
    """The queue's checkboxes and the button pressed: approve or refuse the ticked requests."""

    DECISIONS = (("approve", _("Approve")), ("refuse", _("Refuse")))

    decision = forms.ChoiceField(choices=DECISIONS)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, data: object = None, *, entry_values: list[str] | None = None) -> None:
        super().__init__(data)
        self.entry_values = entry_values or []

    def clean(self) -> dict:
        cleaned = super().clean()
        ids = [id_or_none(value) for value in self.entry_values]
        if not ids:
            raise ValidationError(_("Choose at least one request."))
        if None in ids:
            raise ValidationError(_("The list of chosen requests was not understood."))
        if len(set(ids)) > MAX_DECISIONS:
            raise ValidationError(
                _("Decide at most %(count)d requests at a time.") % {"count": MAX_DECISIONS}
            )
        cleaned["entry_ids"] = ids
        return cleaned
