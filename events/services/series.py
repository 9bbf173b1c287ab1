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
