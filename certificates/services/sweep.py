"""What beat runs to pick up the work a lost task or a dead worker left."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from common.tasks import dispatch

from ..models import Certificate, Collation
from .prints import delete_expired_prints
from .rendering import dispatch_rendering


def sweep() -> dict[str, int]:
    """From beat: render what a lost task left, run again collations a dead worker left,
    and delete the prints that expired."""
    from ..tasks import collate

    stale_minutes = settings.CERTIFICATE_STALE_MINUTES
    stale = timezone.now() - timedelta(minutes=stale_minutes)
    rendering = 0
    # Once per stale period at most, so a backlog longer than that is not queued again
    # every minute (a second task for a chunk finds it rendered and does nothing).
    if cache.add("certificates:sweep-rendering", 1, stale_minutes * 60):
        rendering = dispatch_rendering(
            Certificate.objects.filter(rendered_at=None, issued_at__lt=stale)
        )
    restarted = 0
    for collation_id in Collation.objects.filter(
        Q(status=Collation.Status.RUNNING) | Q(status=Collation.Status.QUEUED),
        updated_at__lt=stale,
    ).values_list("pk", flat=True):
        Collation.objects.filter(pk=collation_id).update(
            status=Collation.Status.QUEUED, updated_at=timezone.now()
        )
        dispatch(collate, collation_id)
        restarted += 1
    return {
        "rendering": rendering,
        "restarted": restarted,
        "prints_expired": delete_expired_prints(),
    }
