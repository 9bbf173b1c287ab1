"""The registry of notice kinds that apps above events add to the outbox.

Events owns the kinds a session makes by itself (invitation, reminder, checklist, update,
cancellation, and the organisers' warning that a held session is about to close itself).
An app above it registers each kind of its own in `AppConfig.ready`: who receives it, what
the message says and where its link leads (surveys registers the survey request,
certificates the certificate notice). The outbox plans, renders and sends them
without naming those apps, so the chain of apps stays one-way.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ..models import PlanLine, RosterEntry


class NoticeKind(models.TextChoices):
    """The kinds a session makes by itself."""

    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")
    CHECKLIST = "checklist", _("Bridge point checklist")
    UPDATE = "update", _("Session changed")
    CANCELLATION = "cancellation", _("Cancellation")
    # To the organisers of a held session a few days before it closes itself.
    SESSION_CLOSING = "session_closing", _("Session closing soon")


class PlanKind(models.TextChoices):
    """The session's own kinds that can be lines of a reminder plan."""

    REMINDER = NoticeKind.REMINDER.value, _("Reminder to attendees")
    CHECKLIST = NoticeKind.CHECKLIST.value, _("Checklist to coordinators")


@dataclass(frozen=True)
class RegisteredKind:
    """A kind of notice that an app above events sends through the outbox."""

    value: str
    label: Promise
    # The e-mail's subject and opening line; "%(title)s" is the session's title,
    # "%(programme)s" its programme's, "%(when)s" its start.
    subject: Promise
    lead: Promise
    # The button that carries the attendee's one-time link, and where the link leads.
    link_label: Promise
    link_for: Callable[["RosterEntry"], str]
    # About the whole programme rather than one sitting: no time, place or agenda, and the
    # text message says `short_label` and the programme's title.
    about_programme: bool = False
    short_label: Promise | None = None
    # A kind that can be a line of a reminder plan: its name in the plan, the plan's
    # default line, and the rule for when it may fall (with the refusal to show).
    plan_label: Promise | None = None
    default_line: "PlanLine | None" = None
    after_end_only: Promise | None = None
    # Narrows a session's roster entries to the kind's recipients (e.g. those who came).
    recipients: Callable[[QuerySet], QuerySet] | None = None
    # Of these sessions, those that have something to send (e.g. a survey set up): one
    # query for all of them.
    sessions_with: Callable[[Iterable[int]], set[int]] | None = None


_kinds: dict[str, RegisteredKind] = {}


def register(kind: RegisteredKind) -> None:
    """Add a kind; registering the same value again replaces it (apps' ready() may rerun)."""
    _kinds[kind.value] = kind


def registered(value: str) -> RegisteredKind | None:
    return _kinds.get(value)


def all_registered() -> list[RegisteredKind]:
    return list(_kinds.values())


def plannable() -> list[RegisteredKind]:
    """The registered kinds that can be lines of a reminder plan."""
    return [kind for kind in _kinds.values() if kind.plan_label is not None]


def notice_kind_choices() -> list[tuple[str, Promise]]:
    """Every kind a notice can have: the session's own and the registered ones."""
    return [*NoticeKind.choices, *((kind.value, kind.label) for kind in _kinds.values())]


def kind_label(value: str) -> str:
    """The name of a kind, the session's own or a registered one."""
    return str(dict(notice_kind_choices()).get(value, value))


def plan_kind_choices() -> list[tuple[str, Promise]]:
    """Every kind a reminder plan's line can have."""
    return [*PlanKind.choices, *((kind.value, kind.plan_label) for kind in plannable())]
