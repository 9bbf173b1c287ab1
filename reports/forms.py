"""The filters every report takes: a unit, a programme, a session and a date range."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class ReportFilterForm(forms.Form):
    """The shape of the filters only; whether the caller may see what they name is checked
    by `reports.selectors.resolve_filters`, which answers 404 outside their scope."""

    unit = forms.IntegerField(label=_("Administrative unit"), required=False, min_value=1)
    programme = forms.IntegerField(label=_("Programme"), required=False, min_value=1)
    session = forms.IntegerField(label=_("Session"), required=False, min_value=1)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy, for example 03/11/2021.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy, for example 03/11/2021.")},
    )
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not date(2000, 1, 1) <= day <= date(2100, 12, 31):
                self.add_error(name, _("Choose a date between 2000 and 2100."))
        return data
