"""What each notice says: subject, plain and HTML bodies, the QR ticket and the calendar
invitation, in the recipient's language. Rendered when sent, so a notice always carries
the session's current time, place and SEQUENCE."""

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from PIL import Image

from ..calendars import SharedInvitations, describe_location, invitation_calendar
from ..models import Notice, RosterEntry, Session, SessionPoint
from ..states import clock_and_day, closes_itself_at, day
from .channels import Message
from .kinds import RegisteredKind, registered


@dataclass(frozen=True)
class PersonalParts:
    """The attendee's own one-time link and QR ticket."""

    link: str
    ticket: str


# Tickets, the attendee's page and the roster page belong to the attendance app, which
# registers how to make them when it loads; events never imports it.
_personal_parts: Callable[[RosterEntry, str], PersonalParts] | None = None
_roster_path: Callable[[int], str] | None = None


def provide_personal_parts(provider: Callable[[RosterEntry, str], PersonalParts]) -> None:
    global _personal_parts
    _personal_parts = provider


def provide_roster_path(provider: Callable[[int], str]) -> None:
    """How to reach a bridge point's roster page, for the coordinators' checklist."""
    global _roster_path
    _roster_path = provider


# How many people checked in at a session: attendance's figure, for the organisers'
# warning that the session is about to close itself (left out when nobody provides it).
_checked_in_count: Callable[[int], int] | None = None


def provide_checked_in_count(provider: Callable[[int], int]) -> None:
    global _checked_in_count
    _checked_in_count = provider


def _parts(notice: Notice, extension: RegisteredKind | None) -> PersonalParts | None:
    if notice.entry_id is None:
        return None
    notice.entry.person = notice.person  # already loaded with the notice
    if extension is not None:
        return PersonalParts(link=extension.link_for(notice.entry), ticket="")
    return _personal_parts(notice.entry, notice.kind) if _personal_parts else None


CALENDAR_METHODS = {
    Notice.Kind.INVITATION: "REQUEST",
    Notice.Kind.REMINDER: "REQUEST",
    Notice.Kind.CHECKLIST: "REQUEST",
    Notice.Kind.UPDATE: "REQUEST",
    Notice.Kind.CANCELLATION: "CANCEL",
}
WITH_TICKET = {Notice.Kind.INVITATION, Notice.Kind.REMINDER, Notice.Kind.UPDATE}


def recipient_language(notice: Notice) -> str:
    if notice.person_id is not None:
        return notice.person.language
    person = getattr(notice.user, "person", None)
    return person.language if person is not None else settings.LANGUAGE_CODE


def recipient_address(notice: Notice) -> str:
    if notice.channel == Notice.Channel.SMS:
        return notice.person.phone if notice.person_id else ""
    return (notice.person.email if notice.person_id else notice.user.email).strip()


def recipient_name(notice: Notice) -> str:
    if notice.person_id is not None:
        return notice.person.full_name
    return notice.user.get_full_name() or notice.user.get_username()


def when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "H:i, l, d/m/Y")


def message_id(notice: Notice) -> str:
    # The same on every attempt, so a receiving server can drop a copy sent twice.
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "diemcau.local"
    return f"<notice.{notice.pk}.{notice.session.uid.hex}@{domain}>"


# Pixels a module, and the mask of every ticket's code: choosing the best of the eight masks
# for each code cost about 10 ms of a message's CPU, and readers read any of them.
QR_BOX_SIZE = 6
QR_MASK = 0


def qr_png(text: str) -> bytes:
    """The ticket's QR code as a black-and-white PNG, drawn from its module matrix in one
    step (qrcode's own PIL image draws each module as a rectangle)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, mask_pattern=QR_MASK
    )
    code.add_data(text)
    code.make(fit=True)
    rows = code.get_matrix()
    size = len(rows)
    pixels = bytes(0 if dark else 255 for row in rows for dark in row)
    modules = Image.frombytes("L", (size, size), pixels).convert("1")
    image = modules.resize((size * QR_BOX_SIZE,) * 2, Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _lead(extension: RegisteredKind, session: Session) -> str:
    # A kind about the whole programme names the programme where others name the session.
    title = session.programme.title if extension.about_programme else session.title
    return str(extension.lead) % {"title": title, "programme": session.programme.title}


def _subject(notice: Notice, session: Session, extension: RegisteredKind | None) -> str:
    names = {"title": session.title, "when": when(session.starts_at)}
    if notice.kind == Notice.Kind.SESSION_CLOSING:
        return _("“%(title)s” will close itself on %(closes)s") % {
            "title": session.title,
            "closes": day(_closes(session)),
        }
    if extension is not None:
        return str(extension.subject) % {**names, "programme": session.programme.title}
    subjects = {
        Notice.Kind.INVITATION: _("Invitation: %(title)s, %(when)s"),
        Notice.Kind.REMINDER: _("Reminder: %(title)s, %(when)s"),
        Notice.Kind.CHECKLIST: _("Bridge point checklist: %(title)s, %(when)s"),
        Notice.Kind.UPDATE: _("Changed: %(title)s, now at %(when)s"),
        Notice.Kind.CANCELLATION: _("Cancelled: %(title)s, %(when)s"),
    }
    return subjects[notice.kind] % {**names, "programme": session.programme.title}


def _change(notice: Notice) -> dict[str, object]:
    change = notice.batch.change if notice.batch_id and notice.batch.change_id else None
    details = change.details if change is not None else {}
    before = details.get("before", {}).get("starts_at")
    return {
        "previous_start": when(datetime.fromisoformat(before)) if before else "",
        "reason": details.get("reason", ""),
    }


def _closes(session: Session) -> datetime:
    return (
        closes_itself_at(
            status=session.status,
            ends_at=session.ends_at,
            close_warned_at=session.close_warned_at,
            now=timezone.now(),
        )
        or timezone.now()
    )


def _closing(notice: Notice) -> dict[str, object]:
    """What the organisers' warning says: what is recorded, when it closes, where to go."""
    if notice.kind != Notice.Kind.SESSION_CLOSING:
        return {}
    session = notice.session
    return {
        "held_on": clock_and_day(session.starts_at),
        "closes": clock_and_day(_closes(session)),
        "point_count": SessionPoint.objects.filter(session=session).count(),
        "roster_count": RosterEntry.objects.filter(session=session, removed_at=None).count(),
        "checked_in_count": _checked_in_count(session.pk) if _checked_in_count else None,
        "session_link": settings.SITE_URL + reverse("events:session_detail", args=[session.pk]),
    }


# Stand-ins for the two things a message to someone on a roster says of them alone: no
# template escapes or changes them, and no name or link holds them.
NAME, LINK = "\ue000name\ue000", "\ue000link\ue000"
PERSONAL_KINDS = {
    Notice.Kind.INVITATION,
    Notice.Kind.REMINDER,
    Notice.Kind.UPDATE,
    Notice.Kind.CANCELLATION,
}


@dataclass(frozen=True)
class _Bodies:
    text: str
    html: str

    def filled(self, name: str, link: str) -> "_Bodies":
        return _Bodies(
            text=self.text.replace(NAME, name).replace(LINK, link),
            html=self.html.replace(NAME, conditional_escape(name)).replace(
                LINK, conditional_escape(link)
            ),
        )


# The bodies of a chunk's messages by what they say alike, or None where filling them in
# did not give what rendering alone gives (render each alone then).
SharedBodies = dict[tuple, _Bodies | None]


def _shared_key(
    notice: Notice, language: str, *, has_link: bool, has_ticket: bool, roster_size: int | None
) -> tuple | None:
    """What a message's bodies depend on besides the person's name and link, for the
    messages of a wave to people on the rosters; None for any other."""
    if notice.entry_id is None or notice.kind not in PERSONAL_KINDS:
        return None
    return (
        notice.kind,
        language,
        notice.session_id,
        notice.participation_id,
        notice.batch_id,
        has_link,
        has_ticket,
        roster_size,
    )


def _render_bodies(context: dict[str, object]) -> _Bodies:
    return _Bodies(
        text=render_to_string("events/email/notice.txt", context),
        html=render_to_string("events/email/notice.html", context),
    )


def _bodies(
    context: Callable[[], dict[str, object]],
    name: str,
    link: str,
    key: tuple | None,
    shared: SharedBodies | None,
) -> _Bodies:
    """The message's text and HTML. A wave's messages at one point say the same but for
    the name and the link, so they are rendered once a chunk with stand-ins filled in for
    each: the templates were a tenth of a reminder's CPU. The first one is also rendered
    alone, and the shared bodies are kept only if filling them in gives the same text."""
    if shared is None or key is None:
        return _render_bodies(context())
    if key in shared:
        bodies = shared[key]
        return bodies.filled(name, link) if bodies else _render_bodies(context())
    own = context()
    alone = _render_bodies(own)
    template = _render_bodies({**own, "notice": None, "name": NAME, "link": LINK if link else ""})
    shared[key] = template if template.filled(name, link) == alone else None
    return alone


def render(
    notice: Notice,
    *,
    roster_size: int | None = None,
    calendars: SharedInvitations | None = None,
    bodies: SharedBodies | None = None,
) -> Message:
    """The message for one notice. `roster_size` feeds the coordinators' checklist;
    `calendars` and `bodies` let the notices of one loaded chunk share their calendars'
    and bodies' common parts."""
    session = notice.session
    point = notice.participation.point
    extension = registered(notice.kind)
    parts = _parts(notice, extension)
    address = recipient_address(notice)
    language = recipient_language(notice)
    name = recipient_name(notice)
    link = parts.link if parts else ""
    has_ticket = bool(parts) and notice.kind in WITH_TICKET

    @functools.cache  # built only if a body is rendered, and then once
    def context() -> dict[str, object]:
        return {
            "notice": notice,
            "kind": notice.kind,
            "name": name,
            "session": session,
            "programme": session.programme,
            "starts": when(session.starts_at),
            "ends": formats.date_format(timezone.localtime(session.ends_at), "H:i"),
            "point": point,
            "location": describe_location(point),
            "agenda": [
                (formats.date_format(timezone.localtime(item.starts_at), "H:i"), item)
                for item in session.agenda_items.all()
            ],
            "link": link,
            "has_ticket": has_ticket,
            "roster_size": roster_size,
            "roster_link": settings.SITE_URL + _roster_path(notice.participation_id)
            if _roster_path
            else "",
            # A registered kind (a survey request, a certificate) brings its own words.
            "registered": extension is not None,
            "lead": _lead(extension, session) if extension else "",
            "link_label": extension.link_label if extension else "",
            "about_programme": bool(extension and extension.about_programme),
            "short_label": extension.short_label if extension else "",
            **_change(notice),
            **_closing(notice),
        }

    with translation.override(language):
        key = _shared_key(
            notice,
            language,
            has_link=bool(link),
            has_ticket=has_ticket,
            roster_size=roster_size,
        )
        both = _bodies(context, name, link, key, bodies)
        subject = _subject(notice, session, extension)
        # Only a text message is read short: an e-mail's would be rendered for nothing.
        short_text = (
            render_to_string("events/email/notice_sms.txt", context()).strip()
            if notice.channel == Notice.Channel.SMS
            else ""
        )
    method = CALENDAR_METHODS.get(notice.kind, "")
    calendar = b""
    if method and notice.channel == Notice.Channel.EMAIL:
        calendar = invitation_calendar(
            session, location=point, attendee=address, method=method, shared=calendars
        )
    return Message(
        to=address,
        subject=subject,
        text=both.text,
        html=both.html,
        short_text=short_text,
        message_id=message_id(notice),
        calendar=calendar,
        calendar_method=method,
        qr_png=qr_png(parts.ticket) if has_ticket else b"",
    )
