import re
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin, LocalDateTimeInput
from directory.models import AdministrativeUnit, Agency

from .models import BridgePoint, ReminderRule, Session
from .notices.kinds import plan_kind_choices
from .services import AgendaEntry, PersonDetails, PlanLine, PointSelection, UnitRule

LEVEL_CHOICES = [
    ("", _("Every level")),
    (AdministrativeUnit.Level.PROVINCE, _("Every province")),
    (AdministrativeUnit.Level.DISTRICT, _("Every district")),
    (AdministrativeUnit.Level.COMMUNE, _("Every commune")),
]
AGENDA_LINE = re.compile(r"^\s*(\d{1,2})[:h](\d{2})\s*\|\s*([^|]+?)\s*(?:\|\s*(.*?))?\s*$")


class PointChoiceMixin(forms.Form):
    """The bulk choice of bridge points: a rule over the tree plus single points."""

    within = forms.ModelChoiceField(
        label=_("Within"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("The whole of your scope"),
    )
    level = forms.ChoiceField(label=_("Points at"), choices=LEVEL_CHOICES, required=False)
    use_rule = forms.BooleanField(label=_("Choose points by this rule"), required=False)
    add_points = forms.ModelMultipleChoiceField(
        label=_("Add single points"),
        queryset=BridgePoint.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    remove_points = forms.ModelMultipleChoiceField(
        label=_("Leave out"),
        queryset=BridgePoint.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def set_choices(self, *, units: object, points: object) -> None:
        self.fields["within"].queryset = units
        self.fields["add_points"].queryset = points
        self.fields["remove_points"].queryset = points

    def selection(self) -> PointSelection:
        data = self.cleaned_data
        rules = ()
        if data.get("use_rule"):
            within = data.get("within")
            rules = (UnitRule(within.pk if within else None, data.get("level") or None),)
        return PointSelection(
            rules=rules,
            add=tuple(point.pk for point in data.get("add_points") or ()),
            remove=tuple(point.pk for point in data.get("remove_points") or ()),
        )


class SessionForm(BootstrapMixin, PointChoiceMixin):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=255)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=LocalDateTimeInput())
    host_point = forms.ModelChoiceField(label=_("Host point"), queryset=None)
    meeting_url = forms.URLField(
        label=_("Meeting link"), required=False, assume_scheme="https", max_length=500
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "08:00 | Khai mạc | Lãnh đạo Bộ"}),
        help_text=_("One item a line: time | title | speaker."),
    )
    record_past = forms.BooleanField(
        label=_("Record a past session"),
        required=False,
        help_text=_("For sessions that already took place, such as those of 2021."),
    )
    field_order = [
        "programme",
        "title",
        "starts_at",
        "ends_at",
        "host_point",
        "meeting_url",
        "agenda",
        "use_rule",
        "within",
        "level",
        "add_points",
        "remove_points",
        "record_past",
    ]

    def __init__(
        self, *args: object, programmes: object, units: object, points: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["host_point"].queryset = points
        self.set_choices(units=units, points=points)
        self.style_fields()

    def clean_agenda(self) -> list[tuple[time, str, str]]:
        items = []
        for number, line in enumerate(self.cleaned_data["agenda"].splitlines(), start=1):
            if not line.strip():
                continue
            match = AGENDA_LINE.match(line)
            if match is None or int(match[1]) > 23:
                raise forms.ValidationError(
                    _("Line %(line)s: write it as 08:00 | title | speaker.") % {"line": number}
                )
            items.append((time(int(match[1]), int(match[2])), match[3], match[4] or ""))
        return items

    def agenda_entries(self) -> tuple[AgendaEntry, ...]:
        day = timezone.localtime(self.cleaned_data["starts_at"]).date()
        zone = timezone.get_current_timezone()
        return tuple(
            AgendaEntry(datetime.combine(day, clock, tzinfo=zone), title, speaker)
            for clock, title, speaker in self.cleaned_data["agenda"]
        )


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=LocalDateTimeInput())
    record_past = forms.BooleanField(label=_("Record a past session"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class SessionFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All programmes")
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, required=False, empty_label=_("All provinces")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Session.Status.choices],
    )

    def __init__(
        self, *args: object, programmes: object, provinces: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["province"].queryset = provinces
        self.style_fields()


class PointsChangeForm(BootstrapMixin, PointChoiceMixin):
    """Add points by the same bulk choice, or take some of the session's points away."""

    def __init__(
        self, *args: object, units: object, points: object, current: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(units=units, points=points)
        self.fields["remove_points"].queryset = current
        self.fields["remove_points"].label = _("Take away")
        self.style_fields()


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

    def __init__(self, *args: object, agencies: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
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
