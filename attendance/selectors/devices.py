"""Reads for paired scanner phones: a point's phones, and what changed on its roster."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count
from django.http import Http404

from events.models import SessionPoint
from events.selectors import can_keep_roster

from ..models import ScannerDevice
from .sync import roster_rows

# A roster change is stamped before it commits; one committed just after a phone's read may
# carry a time before that read. Asking again from a little earlier catches it; the phone
# takes a row it already has as it comes.
CHANGES_OVERLAP = timedelta(seconds=30)


def point_devices(participation: SessionPoint) -> list[ScannerDevice]:
    """The point's phones, newest first and revoked ones last, each with the scans it
    synced (`scans_synced`)."""
    return list(
        ScannerDevice.objects.filter(participation=participation)
        .select_related("paired_by", "revoked_by")
        .annotate(scans_synced=Count("scans"))
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


def roster_changes(participation_id: int, since: datetime | None) -> list[dict[str, object]]:
    """The point's roster as a phone keeps it: whole when `since` is None, else the entries
    changed since then (taken off ones marked `removed`, so the phone drops them), in one
    query over the point's own rows."""
    return roster_rows(participation_id, None if since is None else since - CHANGES_OVERLAP)
