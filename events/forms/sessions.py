"""Scheduling forms: a session, its agenda as lines, the bulk choice of bridge points,
moving, cancelling and filtering."""

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin, LocalDateTimeInput
from common.pickers import MultiPicker, Picker
from directory.models import AdministrativeUnit

from ..models import BridgePoint, Session
from ..models.sessions import CHECKIN_WIDEN_LIMIT_MINUTES
from ..services import (
    AgendaEntry,
    PointSelection,
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


def _window_field(field: str, label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=CHECKIN_WIDEN_LIMIT_MINUTES,
        initial=Session._meta.get_field(field).default,
        help_text=help_text,
    )


def checkin_opens_field() -> forms.IntegerField:
    return _window_field(
        "checkin_opens_minutes",
        _("Check-in opens (minutes before the start)"),
        _(
            "Scans earlier than this are refused. 60 minutes unless changed; at most 10080 "
            "(a week)."
        ),
    )


def checkin_closes_field() -> forms.IntegerField:
    return _window_field(
        "checkin_closes_minutes",
        _("Check-in stays open (minutes after the end)"),
        _(
            "0: check-in closes when the session ends. Raise it to take late scans; at most "
            "10080 (a week)."
        ),
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


class SchedulingForm(BootstrapMixin, PointChoiceMixin):
    """What scheduling one session and scheduling a series share: the caller's programmes,
    and units and points for the host and the bulk choice."""

    def __init__(
        self, *args: object, programmes: object, units: object, points: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["host_point"].queryset = points
        self.set_choices(units=units, points=points)
        self.style_fields()


class SessionForm(SchedulingForm):
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
    checkin_opens_minutes = checkin_opens_field()
    checkin_closes_minutes = checkin_closes_field()
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
        "checkin_opens_minutes",
        "checkin_closes_minutes",
        "use_rule",
        "within",
        "level",
        "add_points",
        "remove_points",
        "record_past",
    ]

    def clean_agenda(self) -> list[tuple[time, str, str]]:
        return parse_agenda(self.cleaned_data["agenda"])

    def agenda_entries(self) -> tuple[AgendaEntry, ...]:
        return agenda_on(self.cleaned_data["starts_at"], self.cleaned_data["agenda"])

    def checkin_window(self) -> dict[str, int]:
        """The check-in window asked for; left empty, the usual one."""
        return {
            name: self.cleaned_data[name]
            if self.cleaned_data.get(name) is not None
            else self.fields[name].initial
            for name in ("checkin_opens_minutes", "checkin_closes_minutes")
        }


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
