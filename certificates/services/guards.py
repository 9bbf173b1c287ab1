"""What must hold before a certificate is numbered: a completion rule, every session that
counts held and closed (its attendance frozen), and a design that names its signer.

A certificate is an official record: one that states a session not yet held, or that
nobody signs, is worse than none. Every way in asks here: the programme page's button,
the receivers of a session or programme closing, and the worker when it takes the run
(`collation.run_collation`), since the state may have changed since it was queued.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from events.models import BridgePoint, RosterEntry, Session
from events.states import state_of
from training.models import Programme

# What the certificate prints below its text, each required; in the order the design page
# asks for them.
DESIGN_FIELDS = {
    "issuing_body": gettext_lazy("issuing body"),
    "signing_place": gettext_lazy("place of signing"),
    "signer_title": gettext_lazy("signer's title"),
    "signer_name": gettext_lazy("signer's full name"),
}
# A long list in a message is cut here; the page lists them all.
LISTED_IN_MESSAGE = 5


@dataclass(frozen=True)
class CollationGuard:
    """Why a programme (or one point's people) cannot be collated now, if it cannot."""

    no_rule: bool = False
    open_sessions: list[Session] = field(default_factory=list)
    missing_design: list[str] = field(default_factory=list)
    point: BridgePoint | None = None

    @property
    def refused(self) -> bool:
        return self.no_rule or bool(self.open_sessions) or bool(self.missing_design)

    @property
    def messages(self) -> list[str]:
        messages = []
        if self.no_rule:
            messages.append(no_rule_message())
        if self.open_sessions:
            messages.append(self._open_message())
        if self.missing_design:
            messages.append(
                _(
                    "The certificate design lacks: %(fields)s. Fill them in on the certificate "
                    "design page; a certificate is not issued without them."
                )
                % {"fields": ", ".join(self.missing_design)}
            )
        return messages

    def __str__(self) -> str:
        return " ".join(self.messages)

    def _open_message(self) -> str:
        count = len(self.open_sessions)
        listed = "; ".join(
            f"{session.title} ({state_of(session)})"
            for session in self.open_sessions[:LISTED_IN_MESSAGE]
        )
        if count > LISTED_IN_MESSAGE:
            listed += "; …"
        values = {"count": count, "sessions": listed}
        if self.point is not None:
            return (
                ngettext(
                    "%(count)d session that this point's people take part in is not closed "
                    "yet: %(sessions)s. Their certificates are issued once it is held and "
                    "closed.",
                    "%(count)d sessions that this point's people take part in are not closed "
                    "yet: %(sessions)s. Their certificates are issued once these are held "
                    "and closed.",
                    count,
                )
                % values
            )
        return (
            ngettext(
                "%(count)d session of the programme is not closed yet: %(sessions)s. "
                "Certificates are issued once every session is held and closed.",
                "%(count)d sessions of the programme are not closed yet: %(sessions)s. "
                "Certificates are issued once every session is held and closed.",
                count,
            )
            % values
        )


def no_rule_message() -> str:
    return _(
        "This programme has no completion rule yet. Set one (sessions, minutes, "
        "on-time arrival) before working out completion; nothing was issued."
    )


def open_sessions(programme: Programme, *, point: BridgePoint | None = None) -> list[Session]:
    """Sessions that count (not cancelled) and are not closed yet, in date order; for a
    point, only those on whose rosters the point's people are (attended, or could still be
    entered as attending by hand)."""
    sessions: QuerySet[Session] = Session.objects.filter(programme=programme).exclude(
        status__in=[Session.Status.CANCELLED, Session.Status.CLOSED]
    )
    if point is not None:
        people = RosterEntry.objects.filter(
            session__programme=programme, participation__point=point, removed_at=None
        ).values("person_id")
        sessions = sessions.filter(
            Exists(
                RosterEntry.objects.filter(
                    session=OuterRef("pk"), removed_at=None, person_id__in=people
                )
            )
        )
    return list(
        sessions.order_by("starts_at", "pk").only(
            "pk", "title", "status", "starts_at", "ends_at", "closed_at", "close_warned_at"
        )
    )


def missing_design(programme: Programme) -> list[str]:
    """What the design lacks of what a certificate must print, as the page names it."""
    return [
        str(label) for name, label in DESIGN_FIELDS.items() if not getattr(programme, name).strip()
    ]


def collation_guard(
    programme: Programme, *, point: BridgePoint | None = None, dry_run: bool = False
) -> CollationGuard:
    """What refuses a collation of the programme (or of one point's people) now. A dry run
    numbers nothing, so it needs only the rule: it previews while sessions are still open."""
    if dry_run:
        return CollationGuard(no_rule=not programme.has_completion_rule, point=point)
    return CollationGuard(
        no_rule=not programme.has_completion_rule,
        open_sessions=open_sessions(programme, point=point),
        missing_design=missing_design(programme),
        point=point,
    )


def collation_refusal(programme: Programme, *, point: BridgePoint | None = None) -> str:
    """Why certificates cannot be issued for this programme now; empty if they can."""
    return str(collation_guard(programme, point=point))
