"""Forms of the attendance pages entered by hand: a paper sign-in sheet, one person's times."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import BootstrapMixin, LocalDateTimeInput
from common.params import id_or_none
from events.models import Session

from .models import Method
from .selectors.audit import AuditFilters, kind_choices
from .services.paper import MAX_ROWS, PaperRow, session_days

# "7:30", "07:30", "7h30", "7h", "7.30": how a time is written on a sheet or typed.
CLOCK = re.compile(r"^\s*(\d{1,2})(?:\s*[:hH.]\s*(\d{2})?)?\s*$")


def parse_clock(text: str) -> time | None:
    """A time of day as people write it, or None when it is not one."""
    match = CLOCK.match(text or "")
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class PaperSheetForm(BootstrapMixin, forms.Form):
    """What applies to the whole sheet; the people and their times are read by `lines`."""

    day = forms.DateField(
        label=gettext_lazy("Day on the sheet"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    arrival = forms.CharField(
        label=gettext_lazy("Arrival for those ticked without one"),
        required=False,
        max_length=10,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    departure = forms.CharField(
        label=gettext_lazy("Departure for those ticked without one"),
        required=False,
        max_length=10,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("e.g. sign-in sheet of the morning session")}
        ),
    )
    overwrite = forms.BooleanField(
        label=gettext_lazy("Replace arrivals already recorded (by scan or by hand)"),
        required=False,
    )

    def __init__(self, *args: object, session: Session, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = session_days(session)[0]
        self.style_fields()

    def clean_arrival(self) -> time | None:
        return self._clock("arrival")

    def clean_departure(self) -> time | None:
        return self._clock("departure")

    def _clock(self, name: str) -> time | None:
        text = self.cleaned_data.get(name, "")
        if not text:
            return None
        clock = parse_clock(text)
        if clock is None:
            raise forms.ValidationError(_("Write the time as HH:MM, e.g. 07:45."))
        return clock


@dataclass
class SheetLine:
    """One person's line as posted: ticked or not, the times as typed, what is wrong."""

    entry_id: int
    ticked: bool
    arrival: str
    departure: str
    errors: list[str] = field(default_factory=list)

    @property
    def wanted(self) -> bool:
        """Ticked, or with a time typed: typing a time is reason enough to enter it."""
        return self.ticked or bool(self.arrival.strip() or self.departure.strip())


def posted_lines(data: QueryDict) -> list[SheetLine]:
    """The lines of the page that was posted (each lists its entry in `shown`)."""
    ticked = set(data.getlist("tick"))
    lines = []
    for raw in data.getlist("shown")[:MAX_ROWS]:
        entry_id = id_or_none(raw)
        if entry_id is None:
            continue
        lines.append(
            SheetLine(
                entry_id=entry_id,
                ticked=raw in ticked,
                arrival=data.get(f"in-{entry_id}", "")[:10],
                departure=data.get(f"out-{entry_id}", "")[:10],
            )
        )
    return lines


def sheet_rows(
    lines: list[SheetLine], *, day: date, arrival: time | None, departure: time | None
) -> tuple[list[PaperRow], list[SheetLine]]:
    """The service's rows from the lines wanted, with the sheet's day and its default times;
    a time that cannot be read is put on its line, and no row is made of it."""
    rows, used = [], []
    for line in lines:
        if not line.wanted:
            continue
        arrived = parse_clock(line.arrival) if line.arrival.strip() else arrival
        left = parse_clock(line.departure) if line.departure.strip() else departure
        unreadable = (line.arrival.strip() and arrived is None) or (
            line.departure.strip() and left is None
        )
        if unreadable:
            line.errors.append(_("Write the time as HH:MM, e.g. 07:45."))
            continue
        if arrived is None:
            line.errors.append(_("Write the arrival time from the sheet."))
            continue
        rows.append(
            PaperRow(
                line.entry_id,
                _on(day, arrived),
                _on(day, left) if left is not None else None,
            )
        )
        used.append(line)
    return rows, used


def _on(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


class CorrectTimesForm(BootstrapMixin, forms.Form):
    """One person's arrival and departure, set by hand with a reason."""

    checked_in_at = forms.DateTimeField(
        label=gettext_lazy("Arrival"), required=False, widget=LocalDateTimeInput()
    )
    checked_out_at = forms.DateTimeField(
        label=gettext_lazy("Departure"), required=False, widget=LocalDateTimeInput()
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class AuditFilterForm(BootstrapMixin, forms.Form):
    """The audit timeline's filters, read from the address (the page, its files, the API)."""

    EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)

    person = forms.CharField(label=gettext_lazy("Person"), max_length=100, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("What happened"), required=False)
    method = forms.ChoiceField(label=gettext_lazy("How"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        self.fields["method"].choices = [("", _("Every way")), *Method.choices]
        self.style_fields()

    def clean(self) -> dict:
        data = super().clean()
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not self.EARLIEST <= day <= self.LATEST:
                self.add_error(name, _("Choose a day from 01/01/2000 to 31/12/2099."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end and not self.has_error("date_to"):
            self.add_error("date_to", _("The last day comes before the first."))
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            person=data.get("person", "").strip(),
            kind=data.get("kind", ""),
            method=data.get("method", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class PairDeviceForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Phone's name"),
        max_length=80,
        help_text=gettext_lazy("For example “Lan's phone, east door”."),
    )


class ClaimDeviceForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Pairing code"),
        max_length=32,
        help_text=gettext_lazy("Eight letters and digits, shown on the coordinator's page."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
