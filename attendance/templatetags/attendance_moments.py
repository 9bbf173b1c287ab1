"""Attendance's moments for templates: `{{ attendance.checked_in_at|day_moment }}` reads
"07:52 ngày 11/12", `{{ attendance.device_clock_skew|skew_flag }}` "Giờ trên máy lệch 3 giờ
12 phút" with `skew_explanation` for its title (see attendance.window)."""

from django import template

from .. import window

register = template.Library()

register.filter("day_moment", window.day_moment)
register.filter("skew_flag", window.skew_flag)
register.filter("skew_explanation", window.skew_explanation)
