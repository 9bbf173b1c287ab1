"""Who a scan may tell about whom, and how fast a caller may ask.

A roster keeper hears about the people on the rosters they keep, and about no one else:
an entry or a point out of their reach is answered as one that does not exist. The rate
limits count the signed-in caller at a point; a device id is the client's to choose, so it
decides nothing.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from common.ratelimit import over_limit
from directory.selectors import scope_for
from events.models import RosterEntry, SessionPoint
from events.selectors import can_keep_roster


def over_rate(actor: AbstractBaseUser, point: int | str, *, queued: bool = False) -> bool:
    """Count one scan by `actor` at `point`; True past SCAN_RATE_PER_MINUTE.

    A phone back from an outage sends its backlog at once: held scans get ten times the
    room, counted apart, so a long outage drains in a minute and a flood is still cut off.
    """
    kind = "queued" if queued else "live"
    limit = settings.SCAN_RATE_PER_MINUTE * (10 if queued else 1)
    return over_limit(f"scan:{kind}:{actor.pk}:{point}", limit=limit, window_seconds=60)


def over_misses(actor: AbstractBaseUser) -> bool:
    """Count one lookup by `actor` that found nobody (or no one they keep); True past
    SCAN_MISSES_PER_MINUTE. A door meets a stray ticket now and then; a run of them is
    someone walking ids."""
    limit = settings.SCAN_MISSES_PER_MINUTE
    return over_limit(f"scan:miss:{actor.pk}", limit=limit, window_seconds=60)


def keeps_point(actor: AbstractBaseUser, participation: SessionPoint) -> bool:
    """The point's coordinators (read with the point as `keeps`) and organisers over it."""
    if getattr(participation, "keeps", False):
        return True
    scope = scope_for(actor)
    return scope.is_organiser and scope.covers_unit(participation.point.unit)


def keeps_entry(actor: AbstractBaseUser, entry: RosterEntry, here: SessionPoint) -> bool:
    """Whether `actor`, who keeps `here`, keeps the entry's roster too. Free for an entry
    of this point, in this session or another; a query or two for one elsewhere."""
    if entry.participation_id == here.pk or entry.participation.point_id == here.point_id:
        return True
    return can_keep_roster(actor, entry.participation)
