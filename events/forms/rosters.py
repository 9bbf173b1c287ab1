"""Forms of rosters, reminder plans and contacts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin
from common.pickers import Picker
from directory.models import Agency

from ..models import ReminderRule
from ..notices.kinds import plan_kind_choices
from ..services import (
    PersonDetails,
    PlanLine,
)


class PersonDetailsForm(BootstrapMixin, forms.Form):
    """Someone at the door, or a substitute: found in the directory by phone or e-mail,
    otherwise added to it."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    agency = forms.CharField(label=_("Agency"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def details(self) -> PersonDetails:
        return PersonDetails(**self.cleaned_data)


class SubstituteForm(PersonDetailsForm):
    reason = forms.CharField(
        label=_("Why someone else attends"), max_length=300, widget=forms.TextInput()
    )

    def details(self) -> PersonDetails:
        data = {key: value for key, value in self.cleaned_data.items() if key != "reason"}
        return PersonDetails(**data)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class InviteAgencyForm(BootstrapMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())

    def __init__(
        self, *args: object, agencies: object = None, unit_id: int | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        # A province's point reaches thousands of agencies: they are typed, not listed.
        self.fields["agency"].widget = Picker("directory:pick_agencies", params={"unit": unit_id})
        self.fields["agency"].widget.choices = self.fields["agency"].choices
        self.style_fields()


class ReminderRuleForm(BootstrapMixin, forms.Form):
    """A line of a session's reminder plan: a clock time on a day, or minutes from a moment."""

    kind = forms.ChoiceField(label=_("What"), choices=plan_kind_choices)
    anchor = forms.ChoiceField(
        label=_("Counted from"), choices=ReminderRule.Anchor.choices, initial="start"
    )
    day_offset = forms.IntegerField(
        label=_("Days"),
        initial=-1,
        min_value=-30,
        max_value=30,
        help_text=_("-1 is the day before."),
    )
    at_time = forms.TimeField(
        label=_("At"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Leave empty to count in minutes."),
    )
    minute_offset = forms.IntegerField(
        label=_("Minutes"),
        initial=0,
        min_value=-30 * 24 * 60,
        max_value=30 * 24 * 60,
        help_text=_("-60 is an hour before."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def line(self) -> PlanLine:
        return PlanLine(**self.cleaned_data)


class ContactForm(BootstrapMixin, forms.Form):
    """A delegate's corrected e-mail or phone, so their notices can go out."""

    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
