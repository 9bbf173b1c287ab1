"""Reads for paired scanner phones: a point's phones, and what changed on its roster."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from events.models import RosterEntry, SessionPoint
from events.selectors import can_keep_roster

from ..models import ScannerDevice
from ..tickets import ticket_digest, ticket_for

# A roster change is stamped before it commits; one committed just after a phone's read may
# carry a time before that read. Asking again from a little earlier catches it; the phone
# takes a row it already has as it comes.
CHANGES_OVERLAP = timedelta(seconds=30)


def point_devices(participation: SessionPoint) -> list[ScannerDevice]:
    return list(
        ScannerDevice.objects.filter(participation=participation)
        .select_related("paired_by", "revoked_by")
        .order_by("revoked_at", "-created_at")
    )


def kept_device(user: AbstractBaseUser, device_id: int) -> ScannerDevice:
    """A phone paired to a point whose roster the user keeps, or 404."""
    device = (
        ScannerDevice.objects.select_related("participation__session", "participation__point__unit")
        .filter(pk=device_id)
        .first()
    )
    if device is None or not can_keep_roster(user, device.participation):
        raise Http404
    return device


def roster_changes(participation: SessionPoint, since: datetime | None) -> list[dict[str, object]]:
    """The point's roster as a phone keeps it: whole when `since` is None, else the entries
    changed since then (taken off ones marked `removed`, so the phone drops them), in one
    query over the point's own rows."""
    entries = RosterEntry.objects.filter(participation=participation)
    if since is None:
        entries = entries.filter(removed_at__isnull=True)
    else:
        entries = entries.filter(changed_at__gte=since - CHANGES_OVERLAP)
    rows = entries.order_by("person__sort_name", "pk").values(
        "pk",
        "ticket_version",
        "removed_at",
        "person__full_name",
        "person__agency__name",
        "attendance__checked_in_at",
    )
    return [
        {
            "id": row["pk"],
            "digest": ticket_digest(ticket_for(row["pk"], row["ticket_version"])),
            "name": row["person__full_name"],
            "agency": row["person__agency__name"],
            "checked_in_at": row["attendance__checked_in_at"],
            "removed": row["removed_at"] is not None,
        }
        for row in rows
    ]
