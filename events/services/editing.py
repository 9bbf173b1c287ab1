"""Changing a scheduled session's details: all or nothing, never over someone else's save."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.bounds import offset_fits
from directory.models import Person
from directory.selectors import people_for, scope_for

from ..models import AgendaItem, BridgePoint, Session, SessionChange, SessionPoint, http_url_only
from ..models.sessions import CHECKIN_WIDEN_LIMIT_MINUTES
from ..notices.planning import send_soon
from ..selectors import find_conflicts
from .sessions import (
    AgendaEntry,
    Scheduled,
    check_times,
    record_change,
    require_editable,
    require_host_in_scope,
)


class SessionChanged(ValidationError):
    """Someone saved the session after the caller read it: nothing of theirs was saved."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The session has been changed since you opened this page. Reload it to see "
                "the changes, then make yours again."
            ),
            code="stale",
        )


def session_version(session: Session) -> str:
    """What a form carries to tell whether the session changed since it was opened."""
    return session.updated_at.isoformat()


# What attendees see: a change to any of these raises SEQUENCE and sends an update.
FOR_ATTENDEES = ("title", "meeting_url", "starts_at", "ends_at", "host_point", "agenda")
MAX_LATE_MINUTES = 240
# The check-in window, widened by an organiser: the points' business, not the attendees'
# calendars, so recorded as a settings change.
WINDOW_FIELDS = ("checkin_opens_minutes", "checkin_closes_minutes")


@dataclass(frozen=True)
class SessionEdit:
    """A session's details as the organiser wants them; None leaves a detail as it is."""

    title: str | None = None
    meeting_url: str | None = None
    host_point: BridgePoint | None = None
    late_after_minutes: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    agenda: tuple[AgendaEntry, ...] | None = None
    checkin_opens_minutes: int | None = None
    checkin_closes_minutes: int | None = None


def _agenda_of(session: Session) -> list[dict[str, str]]:
    return [
        {"starts_at": item.starts_at.isoformat(), "title": item.title, "speaker": item.speaker}
        for item in session.agenda_items.all()
    ]


def _edit_errors(session: Session, edit: SessionEdit, record_past: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if edit.title is not None and not edit.title.strip():
        errors["title"] = [_("Give the session a title.")]
    if edit.late_after_minutes is not None and not (
        0 <= edit.late_after_minutes <= MAX_LATE_MINUTES
    ):
        errors["late_after_minutes"] = [
            _("The late threshold is between 0 and %(max)s minutes.") % {"max": MAX_LATE_MINUTES}
        ]
    for name in WINDOW_FIELDS:
        minutes = getattr(edit, name)
        if minutes is not None and not 0 <= minutes <= CHECKIN_WIDEN_LIMIT_MINUTES:
            errors[name] = [
                _("Between 0 and %(max)s minutes (a week).") % {"max": CHECKIN_WIDEN_LIMIT_MINUTES}
            ]
    for name in ("title", "meeting_url"):
        limit = Session._meta.get_field(name).max_length
        if len(getattr(edit, name) or "") > limit:
            errors.setdefault(name, []).append(
                _("At most %(limit)s characters.") % {"limit": limit}
            )
    for number, item in enumerate(edit.agenda or (), start=1):
        if not item.title.strip() or len(item.title) > 300 or len(item.speaker) > 200:
            errors.setdefault("agenda", []).append(
                _("Item %(number)s: a title of at most 300 characters, a speaker of at most 200.")
                % {"number": number}
            )
        elif timezone.is_naive(item.starts_at) or not offset_fits(item.starts_at):
            errors.setdefault("agenda", []).append(
                _("Item %(number)s: give the time with its time zone.") % {"number": number}
            )
    starts_at = edit.starts_at or session.starts_at
    ends_at = edit.ends_at or session.ends_at
    if (starts_at, ends_at) != (session.starts_at, session.ends_at):
        check_times(starts_at=starts_at, ends_at=ends_at, record_past=record_past, errors=errors)
    return errors


def _changes(session: Session, edit: SessionEdit) -> tuple[dict, dict, dict[str, object]]:
    """What differs: (before, after) as the record shows them, and the columns to write."""
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    columns: dict[str, object] = {}
    for name in (
        "title",
        "meeting_url",
        "late_after_minutes",
        "starts_at",
        "ends_at",
        *WINDOW_FIELDS,
    ):
        wanted = getattr(edit, name)
        if isinstance(wanted, str):
            wanted = wanted.strip()
        current = getattr(session, name)
        if wanted is None or wanted == current:
            continue
        columns[name] = wanted
        shown = (lambda v: v.isoformat()) if name in ("starts_at", "ends_at") else (lambda v: v)
        before[name], after[name] = shown(current), shown(wanted)
    if edit.host_point is not None and edit.host_point.pk != session.host_point_id:
        columns["host_point"] = edit.host_point
        before["host_point"] = session.host_point.name
        after["host_point"] = edit.host_point.name
    if edit.agenda is not None:
        current = _agenda_of(session)
        wanted = [
            {"starts_at": item.starts_at.isoformat(), "title": item.title, "speaker": item.speaker}
            for item in sorted(edit.agenda, key=lambda item: item.starts_at)
        ]
        if [tuple(row.values()) for row in current] != [tuple(row.values()) for row in wanted]:
            before["agenda"], after["agenda"] = current, wanted
    return before, after, columns


@transaction.atomic
def edit_session(
    *,
    actor: AbstractBaseUser,
    session: Session,
    version: str,
    edit: SessionEdit,
    record_past: bool = False,
) -> Scheduled:
    """Change a scheduled session's details, all or nothing, and only if nobody saved it
    since `version` was read (a conditional UPDATE, so two saves cannot both win).

    A change attendees see raises SEQUENCE and sends those already told an update; a
    change of the late threshold or the check-in window alone is recorded and sends nothing.
    """
    require_editable(actor=actor, session=session)
    if edit.host_point is not None:
        require_host_in_scope(actor=actor, host_point=edit.host_point)
    errors = _edit_errors(session, edit, record_past)
    if edit.meeting_url:
        try:
            http_url_only(edit.meeting_url.strip())
            URLValidator()(edit.meeting_url.strip())
        except ValidationError as error:
            errors.setdefault("meeting_url", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    if version != session_version(session):
        raise SessionChanged
    before, after, columns = _changes(session, edit)
    if not before:
        return Scheduled(session=session, conflicts=[])
    for_attendees = any(name in FOR_ATTENDEES for name in before)
    now = timezone.now()
    written = Session.objects.filter(
        pk=session.pk, updated_at=session.updated_at, status=Session.Status.SCHEDULED
    ).update(
        **columns,
        sequence=F("sequence") + (1 if for_attendees else 0),
        updated_at=now,
    )
    if written == 0:
        raise SessionChanged
    if "agenda" in before:
        session.agenda_items.all().delete()
        AgendaItem.objects.bulk_create(
            AgendaItem(session=session, starts_at=e.starts_at, title=e.title, speaker=e.speaker)
            for e in edit.agenda or ()
        )
    elif "starts_at" in before:
        # The agenda keeps its shape: every item moves with the session.
        AgendaItem.objects.filter(session=session).update(
            starts_at=F("starts_at") + (columns["starts_at"] - session.starts_at)
        )
    kind = SessionChange.Kind.EDITED if for_attendees else SessionChange.Kind.SETTINGS_CHANGED
    record_change(session, kind, actor, before=before, after=after)
    if for_attendees:
        send_soon()
    session.refresh_from_db()
    moved = "starts_at" in before or "ends_at" in before
    return Scheduled(session=session, conflicts=find_conflicts(session=session) if moved else [])


@transaction.atomic
def set_point_chair(
    *, actor: AbstractBaseUser, participation: SessionPoint, chair: Person | None
) -> SessionPoint:
    """Name who chairs one point of a session (or nobody); recorded, no notice."""
    session = participation.session
    scope = scope_for(actor)
    if not scope.is_organiser or not scope.covers_unit(participation.point.unit):
        raise PermissionDenied(_("This bridge point is outside your scope."))
    if session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed: it can no longer be changed."))
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled: it can no longer be changed."))
    if chair is not None and not people_for(actor).filter(pk=chair.pk).exists():
        raise ValidationError({"chair": _("This person is outside your scope.")})
    if participation.chair_id == (chair.pk if chair else None):
        return participation
    before = participation.chair.full_name if participation.chair_id else ""
    participation.chair = chair
    participation.save(update_fields=["chair"])
    record_change(
        session,
        SessionChange.Kind.SETTINGS_CHANGED,
        actor,
        point=participation.point.name,
        before={"chair": before},
        after={"chair": chair.full_name if chair else ""},
    )
    return participation
