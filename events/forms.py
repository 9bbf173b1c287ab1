import re
from datetime import datetime, time

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin, LocalDateTimeInput
from common.pickers import MultiPicker, Picker
from directory.models import AdministrativeUnit, Agency, Person

from .models import BridgePoint, ReminderRule, Session
from .notices.kinds import plan_kind_choices
from .services import (
    MAX_SERIES_DURATION,
    AgendaEntry,
    PersonDetails,
    PlanLine,
    PointSelection,
    SessionEdit,
    UnitRule,
)

LEVEL_CHOICES = [
    ("", _("Every level")),
    (AdministrativeUnit.Level.PROVINCE, _("Every province")),
    (AdministrativeUnit.Level.DISTRICT, _("Every district")),
    (AdministrativeUnit.Level.COMMUNE, _("Every commune")),
]
AGENDA_LINE = re.compile(r"^\s*(\d{1,2})[:h](\d{2})\s*\|\s*([^|]+?)\s*(?:\|\s*(.*?))?\s*$")


def agenda_field() -> forms.CharField:
    return forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "08:00 | Khai mạc | Lãnh đạo Bộ"}),
        help_text=_("One item a line: time | title | speaker."),
    )


def parse_agenda(text: str) -> list[tuple[time, str, str]]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = AGENDA_LINE.match(line)
        if match is None or int(match[1]) > 23:
            raise forms.ValidationError(
                _("Line %(line)s: write it as 08:00 | title | speaker.") % {"line": number}
            )
        items.append((time(int(match[1]), int(match[2])), match[3], match[4] or ""))
    return items


def agenda_on(day_of: datetime, items: list[tuple[time, str, str]]) -> tuple[AgendaEntry, ...]:
    """Clock times of an agenda placed on the session's day, in Vietnamese time."""
    day = timezone.localtime(day_of).date()
    zone = timezone.get_current_timezone()
    return tuple(
        AgendaEntry(datetime.combine(day, clock, tzinfo=zone), title, speaker)
        for clock, title, speaker in items
    )


def agenda_text(items: object) -> str:
    """A session's agenda as the lines the form reads back."""
    lines = []
    for item in items:
        clock = timezone.localtime(item.starts_at).strftime("%H:%M")
        lines.append(" | ".join(part for part in (clock, item.title, item.speaker) if part))
    return "\n".join(lines)


class PointChoiceMixin(forms.Form):
    """The bulk choice of bridge points: a rule over the tree plus single points.

    Units and points are picked by typing: a national scope has thousands of each.
    """

    within = forms.ModelChoiceField(
        label=_("Within"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        widget=Picker("directory:pick_units", placeholder=_("The whole of your scope")),
        help_text=_("Leave empty for the whole of your scope."),
    )
    level = forms.ChoiceField(label=_("Points at"), choices=LEVEL_CHOICES, required=False)
    use_rule = forms.BooleanField(label=_("Choose points by this rule"), required=False)
    add_points = forms.ModelMultipleChoiceField(
        label=_("Add single points"),
        queryset=BridgePoint.objects.none(),
        required=False,
        widget=MultiPicker("events:pick_points"),
    )
    remove_points = forms.ModelMultipleChoiceField(
        label=_("Leave out"),
        queryset=BridgePoint.objects.none(),
        required=False,
        widget=MultiPicker("events:pick_points"),
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
    host_point = forms.ModelChoiceField(
        label=_("Host point"), queryset=None, widget=Picker("events:pick_points")
    )
    meeting_url = forms.URLField(
        label=_("Meeting link"), required=False, assume_scheme="https", max_length=500
    )
    agenda = agenda_field()
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
        return parse_agenda(self.cleaned_data["agenda"])

    def agenda_entries(self) -> tuple[AgendaEntry, ...]:
        return agenda_on(self.cleaned_data["starts_at"], self.cleaned_data["agenda"])


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
        label=_("Province"),
        queryset=None,
        required=False,
        widget=Picker(
            "directory:pick_units",
            params={"level": "province"},
            placeholder=_("All provinces"),
            attrs={"aria-label": _("Province")},
        ),
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
        self,
        *args: object,
        units: object,
        points: object,
        current: object,
        session_id: int,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(units=units, points=points)
        self.fields["remove_points"].queryset = current
        self.fields["remove_points"].label = _("Take away")
        self.fields["remove_points"].help_text = _(
            "Their delegates are told; rosters and attendance stay in the history."
        )
        self.fields["remove_points"].widget.params = {"session": session_id, "all": 1}
        self.style_fields()


class SessionEditForm(BootstrapMixin, forms.Form):
    """A scheduled session's details; `version` is the session as the page showed it."""

    version = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=255)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=LocalDateTimeInput())
    host_point = forms.ModelChoiceField(
        label=_("Host point"), queryset=None, widget=Picker("events:pick_points")
    )
    meeting_url = forms.URLField(
        label=_("Meeting link"), required=False, assume_scheme="https", max_length=500
    )
    late_after_minutes = forms.IntegerField(
        label=_("Late after (minutes)"),
        min_value=0,
        max_value=240,
        help_text=_("Delegates who check in later than this after the start count as late."),
    )
    agenda = agenda_field()
    record_past = forms.BooleanField(label=_("Record a past session"), required=False)

    def __init__(self, *args: object, points: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_point"].queryset = points
        self.style_fields()

    @classmethod
    def initial_for(cls, session: Session, version: str) -> dict[str, object]:
        return {
            "version": version,
            "title": session.title,
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at),
            "host_point": session.host_point_id,
            "meeting_url": session.meeting_url,
            "late_after_minutes": session.late_after_minutes,
            "agenda": agenda_text(session.agenda_items.all()),
        }

    def clean_agenda(self) -> list[tuple[time, str, str]]:
        return parse_agenda(self.cleaned_data["agenda"])

    def edit(self) -> SessionEdit:
        data = self.cleaned_data
        return SessionEdit(
            title=data["title"],
            meeting_url=data["meeting_url"],
            host_point=data["host_point"],
            late_after_minutes=data["late_after_minutes"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            agenda=agenda_on(data["starts_at"], data["agenda"]),
        )


class ChairForm(forms.Form):
    chair = forms.ModelChoiceField(
        label=_("Chair"),
        queryset=Person.objects.none(),
        required=False,
        widget=Picker("directory:pick_people", placeholder=_("Nobody yet")),
    )

    def __init__(self, *args: object, people: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people
        self.fields["chair"].widget.attrs["class"] = "form-select form-select-sm"


class SeriesForm(BootstrapMixin, PointChoiceMixin):
    """A recurring session: weekly or monthly, a number of times or until a day."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("Every week, on the same weekday")
        MONTHLY_DATE = "MONTHLY_DATE", _("Every month, on the same date")
        MONTHLY_WEEKDAY = (
            "MONTHLY_WEEKDAY",
            _("Every month, on the same weekday (e.g. the first Monday)"),
        )

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=255)
    first_start = forms.DateTimeField(
        label=_("First session starts at"), widget=LocalDateTimeInput()
    )
    duration_minutes = forms.IntegerField(
        label=_("Each lasts (minutes)"),
        min_value=1,
        max_value=int(MAX_SERIES_DURATION.total_seconds() // 60),
        initial=90,
    )
    frequency = forms.ChoiceField(label=_("Repeats"), choices=Frequency.choices)
    count = forms.IntegerField(
        label=_("Number of sessions"), min_value=1, max_value=120, required=False
    )
    until = forms.DateField(
        label=_("Or until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Give a number of sessions or a last day."),
    )
    host_point = forms.ModelChoiceField(
        label=_("Host point"), queryset=None, widget=Picker("events:pick_points")
    )
    meeting_url = forms.URLField(
        label=_("Meeting link"), required=False, assume_scheme="https", max_length=500
    )
    record_past = forms.BooleanField(label=_("Record a past session"), required=False)
    field_order = [
        "programme",
        "title",
        "first_start",
        "duration_minutes",
        "frequency",
        "count",
        "until",
        "host_point",
        "meeting_url",
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

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if not data.get("count") and not data.get("until"):
            self.add_error("count", _("Give a number of sessions or a last day."))
        elif data.get("count") and data.get("until"):
            self.add_error("until", _("Give a number of sessions or a last day, not both."))
        return data

    def rule(self) -> str:
        """The RRULE the choices make, from the first session's weekday and date."""
        data = self.cleaned_data
        first = timezone.localtime(data["first_start"])
        weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
        frequency = data["frequency"]
        if frequency == self.Frequency.WEEKLY:
            parts = ["FREQ=WEEKLY", f"BYDAY={weekday}"]
        elif frequency == self.Frequency.MONTHLY_DATE:
            parts = ["FREQ=MONTHLY", f"BYMONTHDAY={first.day}"]
        else:
            parts = ["FREQ=MONTHLY", f"BYDAY={(first.day - 1) // 7 + 1}{weekday}"]
        if data.get("count"):
            parts.append(f"COUNT={data['count']}")
        else:
            parts.append(f"UNTIL={data['until']:%Y%m%d}T235959")
        return ";".join(parts)


class OccurrenceEditForm(BootstrapMixin, forms.Form):
    """One occurrence of a series, or it and the following ones."""

    version = forms.CharField(widget=forms.HiddenInput)
    which = forms.ChoiceField(
        label=_("Change"),
        choices=[
            ("this", _("This occurrence only")),
            ("following", _("This occurrence and the following ones")),
        ],
        initial="this",
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=LocalDateTimeInput())
    meeting_url = forms.URLField(
        label=_("Meeting link"), required=False, assume_scheme="https", max_length=500
    )
    record_past = forms.BooleanField(label=_("Record a past session"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
        self.fields["which"].widget.attrs["class"] = "form-check-input"


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
