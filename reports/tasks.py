"""Celery tasks for report exports: thin, and safe to run twice."""

from celery import shared_task


@shared_task(ignore_result=True)
def run_report_export(export_id: int) -> None:
    """Write one report export's file, with progress; a finished one is left alone."""
    from . import services

    services.run_export(export_id)


@shared_task(ignore_result=True)
def requeue_report_exports() -> int:
    """From beat: send again the exports that were never taken up (the broker was away) or
    whose worker died."""
    from . import services

    return services.requeue_stalled_exports()


@shared_task(ignore_result=True)
def expire_report_exports() -> int:
    """From beat: delete old export files."""
    from . import services

    return services.expire_exports()
