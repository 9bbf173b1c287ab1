"""Moments on the certificate pages as the rest of the site writes them: "07:52 ngày
11/12/2026" (`{{ moment|clock_and_day }}`), through events.states."""

from datetime import datetime

from django import template

from events.states import clock_and_day as _clock_and_day

register = template.Library()


@register.filter
def clock_and_day(moment: datetime | None) -> str:
    return _clock_and_day(moment) if moment else ""
