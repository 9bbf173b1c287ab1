"""The words of the check-in log: the short name of each answer a scan is given, moments to
the second, a phone clock's error, and what a change by hand did ("Giờ đến 07:52 → 08:05
ngày 11/12"). Translated once per language, as a file of 300,000 rows would otherwise ask
gettext millions of times."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ...models import Attendance, AttendanceChange, Method
from ...window import skew_text

# A clock this close to the server's is the network's delay, not a wrong clock.
SKEW_WORTH_SAYING = 60
TIMES = ("checked_in_at", "checked_out_at")


def reason_labels() -> dict[str, str]:
    """The short name of every answer a scan is given (attendance.services.scans), as the
    timeline and its filter show it; the scanner's own sentences name the person."""
    return {
        "checked_in": _("Checked in"),
        "checked_out": _("Checked out"),
        "too_long": _("Code far too long"),
        "not_a_ticket": _("Not a DiemCau ticket"),
        "malformed": _("Damaged ticket"),
        "forged": _("Forged ticket"),
        "revoked": _("Revoked ticket"),
        "not_on_roster": _("Not on the session's roster"),
        "wrong_session": _("Ticket for another session"),
        "wrong_point": _("On another point's roster"),
        "already_checked_in": _("Already checked in"),
        "not_checked_in": _("Not checked in yet"),
        "session_cancelled": _("Session cancelled"),
        "session_closed": _("Session closed"),
        "not_open_yet": _("Check-in not open yet"),
        "ended": _("Check-in had ended"),
        "not_your_point": _("Not the scanner's point"),
        "unknown_point": _("Unknown bridge point"),
        "unknown_person": _("Unknown person"),
        "rate_limited": _("Too many scans"),
        "expired": _("Screen code expired"),
        "no_person": _("Account linked to nobody"),
    }


@dataclass(frozen=True)
class Words:
    """Every word a row is written with, in one language."""

    reasons: dict[str, str]
    kinds: dict[str, str]
    methods: dict[str, str]
    excuses: dict[str, str]
    fields: dict[str, str]
    accepted: str
    refused: str
    by_hand: str
    none: str
    moment: str
    ahead: str
    behind: str
    change: str
    change_on_day: str
    choice_change: str


@lru_cache(maxsize=4)
def _words_in(language: str) -> Words:
    def texts(choices: object) -> dict[str, str]:
        return {value: str(label) for value, label in choices}

    return Words(
        reasons=reason_labels(),
        kinds=texts(AttendanceChange.Kind.choices),
        methods=texts(Method.choices),
        excuses=texts(Attendance.Excuse.choices),
        fields={
            "checked_in_at": _("Arrival"),
            "checked_out_at": _("Departure"),
            "method": _("How"),
            "excuse": _("Excuse state"),
        },
        accepted=_("Accepted"),
        refused=_("Refused"),
        by_hand=_("Changed by hand"),
        none=_("(none)"),
        moment=_("%(time)s on %(date)s"),
        ahead=_("%(amount)s ahead"),
        behind=_("%(amount)s behind"),
        change=_("%(field)s %(before)s → %(after)s"),
        change_on_day=_("%(field)s %(before)s → %(after)s on %(date)s"),
        choice_change=_("%(field)s: %(before)s → %(after)s"),
    )


def words() -> Words:
    return _words_in(get_language() or "")


def exact_moment(moment: datetime) -> str:
    """ "07:52:13 ngày 11/12/2026": to the second, with its year, in the site's time zone."""
    local = timezone.localtime(moment)
    return words().moment % {
        "time": local.strftime("%H:%M:%S"),
        "date": local.strftime("%d/%m/%Y"),
    }


def skew_note(seconds: int | None) -> str:
    """ "nhanh 3 phút": how far a phone's clock was ahead or behind, when it matters."""
    if seconds is None or abs(seconds) < SKEW_WORTH_SAYING:
        return ""
    pattern = words().ahead if seconds > 0 else words().behind
    return pattern % {"amount": skew_text(seconds)}


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _times_text(w: Words, label: str, old: datetime | None, new: datetime | None) -> str:
    """ "Giờ đến 07:52 → 08:05 ngày 11/12": the day once when both are on it."""
    if old and new and old.date() == new.date():
        return w.change_on_day % {
            "field": label,
            "before": f"{old:%H:%M}",
            "after": f"{new:%H:%M}",
            "date": f"{new:%d/%m}",
        }

    def text(moment: datetime | None) -> str:
        if moment is None:
            return w.none
        return w.moment % {"time": f"{moment:%H:%M}", "date": f"{moment:%d/%m}"}

    return w.change % {"field": label, "before": text(old), "after": text(new)}


def _choice_text(w: Words, name: str, value: object) -> str:
    if not value:
        return w.none
    choices = {"method": w.methods, "excuse": w.excuses}.get(name, {})
    return choices.get(str(value), str(value))


def describe_change(before: dict, after: dict) -> list[str]:
    """What a change did, one line a field it changed: a field missing on one side was
    empty there (an undone check-in leaves no times)."""
    w = words()
    lines = []
    for name, label in w.fields.items():
        if name not in before and name not in after:
            continue
        old, new = before.get(name), after.get(name)
        if (old or None) == (new or None):
            continue
        if name in TIMES:
            lines.append(_times_text(w, label, _moment(old), _moment(new)))
        else:
            lines.append(
                w.choice_change
                % {
                    "field": label,
                    "before": _choice_text(w, name, old),
                    "after": _choice_text(w, name, new),
                }
            )
    return lines
