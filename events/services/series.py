"""Recurring sessions: a rule expanded into occurrences that can then change one by one."""

from datetime import datetime, timedelta

from dateutil.rrule import rrulestr
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.selectors import scope_for
from training.models import Programme

from ..models import BridgePoint, Session, SessionChange, SessionSeries
from .editing import SessionEdit, edit_session, session_version
from .points import PointSelection, insert_participations, select_points
from .sessions import check_times, require_host_in_scope

MAX_OCCURRENCES = 120
# An occurrence is one sitting; a longer one would run into the next day's.
MAX_DURATION = timedelta(days=1)
# A rule with neither COUNT nor UNTIL is expanded this far ahead.
OPEN_RULE_HORIZON = timedelta(days=366)


def expand_rule(rule: str, first_start: datetime) -> list[datetime]:
    """The local start times a rule gives, in Asia/Ho_Chi_Minh wall-clock time.

    Raises ValidationError for a rule that does not parse, gives nothing, or gives more
    than MAX_OCCURRENCES.
    """
    zone = timezone.get_current_timezone()
    local_start = timezone.localtime(first_start, zone).replace(tzinfo=None)
    text = rule.strip().removeprefix("RRULE:")
    try:
        recurrence = rrulestr(text, dtstart=local_start)
    except (ValueError, TypeError) as error:
        raise ValidationError({"rule": _("This recurrence rule cannot be read.")}) from error
    open_ended = "COUNT=" not in text.upper() and "UNTIL=" not in text.upper()
    limit = local_start + OPEN_RULE_HORIZON if open_ended else None
    starts = []
    for start in recurrence:
        if limit is not None and start > limit:
            break
        starts.append(start)
        if len(starts) > MAX_OCCURRENCES:
            raise ValidationError(
                {
                    "rule": _("This rule gives more than %(max)s sessions; give it an end.")
                    % {"max": MAX_OCCURRENCES}
                }
            )
    if not starts:
        raise ValidationError({"rule": _("This rule gives no session at all.")})
    return [start.replace(tzinfo=zone) for start in starts]


@transaction.atomic
def schedule_series(
    *,
    actor: AbstractBaseUser,
    programme: Programme,
    title: str,
    rule: str,
    first_start: datetime,
    duration: timedelta,
    host_point: BridgePoint,
    selection: PointSelection,
    meeting_url: str = "",
    record_past: bool = False,
) -> SessionSeries:
    """Schedule a recurring session, e.g. the first Monday of every month at 07:30.

    Every occurrence becomes a Session of its own, so each can be moved or cancelled
    with the ordinary services; all of it is recorded.
    """
    require_host_in_scope(actor=actor, host_point=host_point, programme=programme)
    errors: dict[str, list[str]] = {}
    if duration > MAX_DURATION:
        errors["duration"] = [
            _("A session of a series lasts at most %(hours)s hours.")
            % {"hours": int(MAX_DURATION.total_seconds() // 3600)}
        ]
    else:
        check_times(
            starts_at=first_start,
            ends_at=first_start + duration,
            record_past=record_past,
            errors=errors,
        )
    if selection.is_empty:
        errors.setdefault("points", []).append(_("Choose at least one bridge point."))
    if errors:
        raise ValidationError(errors)
    starts = expand_rule(rule, first_start)
    points = select_points(
        selection=selection, scope=scope_for(actor), on=timezone.localdate(first_start)
    )
    series = SessionSeries(
        programme=programme,
        title=title,
        rule=rule.strip().removeprefix("RRULE:"),
        first_start=first_start,
        duration=duration,
        created_by=actor,
    )
    series.full_clean()
    series.save()
    _create_occurrences(
        series, starts, host_point=host_point, meeting_url=meeting_url, points=points, actor=actor
    )
    return series


def _create_occurrences(
    series: SessionSeries,
    starts: list[datetime],
    *,
    host_point: BridgePoint,
    meeting_url: str,
    points: QuerySet[BridgePoint],
    actor: AbstractBaseUser,
) -> None:
    """A Session for each start, at the chosen points, each with its SCHEDULED change."""
    programme, title, duration = series.programme, series.title, series.duration
    occurrences = [
        Session(
            programme=programme,
            title=title,
            starts_at=start,
            ends_at=start + duration,
            host_point=host_point,
            meeting_url=meeting_url,
            series=series,
            original_start=start,
            created_by=actor,
        )
        for start in starts
    ]
    for occurrence in occurrences[:1]:
        occurrence.full_clean(exclude=["starts_at", "ends_at", "uid"])
    Session.objects.bulk_create(occurrences)
    for occurrence in occurrences:
        if insert_participations(session_id=occurrence.pk, points=points) == 0:
            raise ValidationError({"points": _("The choice names no active bridge point.")})
    SessionChange.objects.bulk_create(
        SessionChange(
            session=occurrence,
            kind=SessionChange.Kind.SCHEDULED,
            actor=actor,
            details={"series": series.pk},
        )
        for occurrence in occurrences
    )


THIS = "this"
FOLLOWING = "following"


@transaction.atomic
def edit_occurrences(
    *,
    actor: AbstractBaseUser,
    session: Session,
    version: str,
    which: str,
    title: str | None = None,
    meeting_url: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    record_past: bool = False,
) -> list[Session]:
    """Change one occurrence of a series, or it and every later scheduled one, all or none.

    A later occurrence moves by as much as this one does, so "every first Monday at 07:30"
    becomes "every first Monday at 08:00" without touching the days. Each occurrence
    changed is recorded and raises its own SEQUENCE, as a single edit would.
    """
    if session.series_id is None:
        raise ValidationError(_("This session is not part of a recurring series."))
    if which not in (THIS, FOLLOWING):
        raise ValidationError({"which": _("Choose this occurrence, or this and the following.")})
    old_start, old_end = session.starts_at, session.ends_at
    shift_start = (starts_at or old_start) - old_start
    shift_end = (ends_at or old_end) - old_end
    edited = [
        edit_session(
            actor=actor,
            session=session,
            version=version,
            edit=SessionEdit(
                title=title, meeting_url=meeting_url, starts_at=starts_at, ends_at=ends_at
            ),
            record_past=record_past,
        ).session
    ]
    if which == THIS:
        return edited
    later = (
        Session.objects.select_for_update()
        .filter(
            series_id=session.series_id, status=Session.Status.SCHEDULED, starts_at__gt=old_start
        )
        .exclude(pk=session.pk)
        .select_related("host_point__unit")
        .order_by("starts_at")
    )
    for occurrence in later:
        moved = bool(shift_start or shift_end)
        edited.append(
            edit_session(
                actor=actor,
                session=occurrence,
                version=session_version(occurrence),
                edit=SessionEdit(
                    title=title,
                    meeting_url=meeting_url,
                    starts_at=occurrence.starts_at + shift_start if moved else None,
                    ends_at=occurrence.ends_at + shift_end if moved else None,
                ),
                record_past=record_past,
            ).session
        )
    return edited
