"""Forms that edit a scheduled session, a series and a point's chair."""

from datetime import datetime, time

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin, LocalDateTimeInput
from common.pickers import Picker
from directory.models import Person

from ..models import Session
from ..services import (
    MAX_SERIES_DURATION,
    SessionEdit,
)
from .sessions import (
    SchedulingForm,
    agenda_field,
    agenda_on,
    agenda_text,
    checkin_closes_field,
    checkin_opens_field,
    parse_agenda,
)


def moved(form: forms.Form, name: str) -> datetime | None:
    """The posted time, or None when it is the one the form opened with: the browser's
    field has no seconds, so a start at 08:00:30 would otherwise move on every save."""
    posted, opened = form.cleaned_data[name], form.initial.get(name)
    if isinstance(opened, datetime) and posted == opened.replace(second=0, microsecond=0):
        return None
    return posted


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
    checkin_opens_minutes = checkin_opens_field()
    checkin_closes_minutes = checkin_closes_field()
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
            "checkin_opens_minutes": session.checkin_opens_minutes,
            "checkin_closes_minutes": session.checkin_closes_minutes,
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
            starts_at=moved(self, "starts_at"),
            ends_at=moved(self, "ends_at"),
            agenda=agenda_on(data["starts_at"], data["agenda"]),
            checkin_opens_minutes=data["checkin_opens_minutes"],
            checkin_closes_minutes=data["checkin_closes_minutes"],
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


class SeriesForm(SchedulingForm):
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
